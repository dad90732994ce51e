#pragma once
// What every driver has in common (docker-machine's drivers.BaseDriver): its name, the context
// bind() attaches (machine name, directory, store, ui, role), and the keys every record's "Driver"
// object starts with.
#include <drivers/driver.hpp>
#include <functional>
#include <string_view>

namespace sc {

// docker-machine's common record keys: IPAddress, MachineName, SSHUser, SSHPort, SSHKeyPath,
// StorePath, and SwarmMaster/SwarmHost/SwarmDiscovery (written empty: swarmctl keeps the swarm
// options in HostOptions; the amazonec2 record never had them).
struct BaseKeys {
  std::string ip{};
  std::string ssh_user{};
  int ssh_port = 0;
  std::string ssh_key_path{};
  bool swarm_keys = true;
};

// A driver's own record keys are listed once, for the writer and the reader alike: a static
//   template <class Self, class Field> void record_fields(Self &d, Field &&field)
// calls field("Key", d.m_member, default) for each key, in the order the reader reads them;
// to_json passes a RecordWriter, from_json a RecordReader.
class RecordWriter {
public:
  explicit RecordWriter(nlohmann::json &out) : m_out(out) {}
  // Sets out[key] to the value (the default is the reader's).
  template <class T, class D> void operator()(const char *key, const T &value, const D &) const {
    m_out[key] = value;
  }

private:
  nlohmann::json &m_out;
};

class RecordReader {
public:
  explicit RecordReader(const nlohmann::json &in) : m_in(in) {}
  // The value of `key`, or `def` when missing; throws on a value of another type (from_json runs
  // it inside read_record).
  template <class T, class D> void operator()(const char *key, T &value, const D &def) const {
    value = m_in.value(key, T(def));
  }

private:
  const nlohmann::json &m_in;
};

class DriverBase : public Driver {
public:
  explicit DriverBase(std::string_view name) : m_driver_name(name) {}
  std::string driver_name() const override { return m_driver_name; }
  // Keeps the context; drivers that derive names from it extend this.
  void bind(const DriverContext &ctx) override;

protected:
  // The record: the common keys (MachineName and StorePath from the context) and the driver's
  // `own`, which take precedence.
  nlohmann::json base_json(const BaseKeys &k, const nlohmann::json &own) const;
  // For from_json: runs `read` (j.value() calls, which throw on a value of the wrong type); an
  // exception becomes Errc::parse "<driver> driver config: <what>" (one line).
  Status read_record(const std::function<void()> &read) const;

  std::string m_name; // the machine's name
  fs::path m_dir;     // STORE/machines/NAME
  fs::path m_store;   // STORE
  Ui *m_ui = nullptr;
  MachineRole m_role;

private:
  std::string m_driver_name;
};

// A driver whose record is the keys its record_fields lists (read back by from_json) on top of
// unread_keys(): to_json and from_json, written once. Self declares
// `friend class RecordDriver<Self>` and its static record_fields (see RecordWriter).
template <class Self> class RecordDriver : public DriverBase {
public:
  using DriverBase::DriverBase;
  nlohmann::json to_json() const final {
    nlohmann::json j = unread_keys();
    Self::record_fields(static_cast<const Self &>(*this), RecordWriter(j));
    return j;
  }
  Status from_json(const nlohmann::json &j) final {
    return read_record([&] { Self::record_fields(static_cast<Self &>(*this), RecordReader(j)); });
  }

protected:
  // The keys written but never read back: base_json() of the common keys the driver derives
  // (those record_fields lists are overwritten) and its constant ones.
  virtual nlohmann::json unread_keys() const = 0;
};

} // namespace sc

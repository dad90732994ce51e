#pragma once
// A virtualbox driver wired to FakeVBox in a temporary store.
#include <doctest/doctest.h>
#include <drivers/virtualbox/vbox.hpp>
#include <fstream>
#include <provision/ssh/keys.hpp>
#include <provision/util/fs.hpp>

#include "fake_vbox.hpp"

namespace sc::test {

inline std::string make_fake_iso(const fs::path &p,
                                 const std::string &volid = "boot2docker-v19.03.12") {
  std::string iso(0x9000, '\0');
  iso[0x8000] = 1;
  iso.replace(0x8001, 5, "CD001");
  std::string id = volid + std::string(32 - volid.size(), ' ');
  iso.replace(0x8028, 32, id);
  std::ofstream(p, std::ios::binary) << iso;
  return iso;
}

using Flags = std::map<std::string, std::string>;

struct Rig {
  fs::path tmp, store, dir;
  std::shared_ptr<FakeVBox> fake = std::make_shared<FakeVBox>();
  std::FILE *log = std::tmpfile(); // what the driver tells the user
  Ui ui{log, log};
  vbox::Deps deps;
  std::unique_ptr<Driver> d;
  std::string name;

  explicit Rig(std::map<std::string, std::string> flags = {}, std::string machine = "dev")
      : name(machine) {
    char t[] = "/tmp/sc-vbox-test.XXXXXX";
    tmp = mkdtemp(t);
    store = tmp / "store";
    dir = store / "machines" / name;
    fs::create_directories(dir);
    fs::create_directories(tmp / "share");
    // RSA key generation takes about a second: one pair for the whole test run.
    struct KeyDir {
      fs::path dir;
      KeyDir() {
        char k[] = "/tmp/sc-vbox-key.XXXXXX";
        dir = mkdtemp(k);
        REQUIRE(generate_ssh_key(dir / "id_rsa", KeyType::Rsa));
      }
      ~KeyDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    };
    static const KeyDir keys;
    const fs::path key = keys.dir / "id_rsa";
    fs::copy_file(key, dir / "id_rsa");
    fs::copy_file(key.string() + ".pub", dir / "id_rsa.pub");
    make_fake_iso(tmp / "b2d.iso");
    deps.vbm = fake;
    deps.host_ifaces = [] { return std::vector<vbox::HostIface>{}; };
    deps.cpu_has_vtx = [] { return true; };
    deps.free_port = [](int wanted) -> Result<int> { return wanted ? wanted : 40022; };
    deps.networks_conf = tmp / "no-networks.conf";
    deps.share_dir = tmp / "share";
    deps.ssh_wait = std::chrono::milliseconds(0);
    deps.stop_timeout = std::chrono::milliseconds(300);
    deps.poll_first = std::chrono::milliseconds(1);
    flags.try_emplace("virtualbox-boot2docker-url", "file://" + (tmp / "b2d.iso").string());
    configure(flags);
  }
  void configure(const std::map<std::string, std::string> &flags) {
    d = vbox::make_virtualbox_driver(deps);
    FlagValues f;
    for (const auto &[k, v] : flags)
      f.set(k, {v});
    REQUIRE(d->configure(ctx(), f));
  }
  // Everything the driver printed (info and warnings) so far.
  std::string ui_output() {
    std::fflush(log);
    std::string s;
    std::rewind(log);
    for (int c; (c = std::fgetc(log)) != EOF;)
      s += static_cast<char>(c);
    std::fseek(log, 0, SEEK_END); // writes go on after the reads
    return s;
  }
  DriverContext ctx() { return DriverContext{name, store, dir, &ui, {}}; }
  // A driver loaded back from the record, like a later swarmctl command.
  std::unique_ptr<Driver> reload() {
    auto j = d->to_json();
    auto r = vbox::make_virtualbox_driver(deps);
    r->bind(ctx());
    REQUIRE(r->from_json(j));
    return r;
  }
  ~Rig() {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    std::fclose(log);
  }
};

} // namespace sc::test

#include <unistd.h>

#include <cctype>
#include <cmd/commands.hpp>
#include <cmd/format/ls_format.hpp>
#include <cmd/ls_rows.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <provision/machine/host_query.hpp>

namespace sc {

namespace {
struct LsOptions {
  bool quiet = false;
  std::vector<std::string> filters;
  int timeout = 10;
  std::string format;
};

std::string docker_host_env() {
  const char *v = std::getenv("DOCKER_HOST");
  return v ? v : "";
}

// A template that uses the row itself ({{.}}, {{json .}}, {{range .}}...) rather than named
// fields: every field may be printed. Conservative: any '.' in an action not followed by a name.
bool refers_to_whole_row(const std::string &format) {
  for (size_t open = format.find("{{"); open != std::string::npos;
       open = format.find("{{", open + 2)) {
    size_t close = format.find("}}", open + 2);
    if (close == std::string::npos) return true;
    for (size_t i = open + 2; i < close; ++i) {
      if (format[i] != '.') continue;
      char next = format[i + 1];
      if (!(std::isalpha(static_cast<unsigned char>(next)) || next == '_')) return true;
    }
  }
  return false;
}

LsFilterSubject subject_for(const HostQuery &q, const std::vector<LsRow> &rows, size_t i) {
  LsFilterSubject subj;
  subj.name = q.name;
  subj.driver = q.driver_name;
  subj.state = std::string(state_name(q.state));
  if (q.rec) subj.labels = q.rec->engine.labels;
  std::string sw = rows[i].swarm;
  if (auto p = sw.find(" (master)"); p != std::string::npos) sw = sw.substr(0, p);
  subj.swarm_master = sw;
  return subj;
}

int run_ls(Services &s, const LsOptions &o) {
  auto filter = parse_ls_filters(o.filters);
  if (!filter) return report(s, filter.error());
  auto listed = s.store->names();
  if (!listed) return report(s, listed.error());
  const auto &names = *listed;
  QueryOptions qo;
  qo.timeout = std::chrono::seconds(o.timeout);
  // Only ask drivers and engines for what the output shows: `--format '{{.Name}} {{.DriverName}}'`
  // over a thousand machines reads the records and nothing else.
  auto mentions = [&](std::initializer_list<const char *> fields) {
    if (o.format.empty() || o.format == "json" || refers_to_whole_row(o.format)) return true;
    for (const char *f : fields)
      if (o.format.find(f) != std::string::npos) return true;
    return false;
  };
  bool show_docker = !o.quiet && mentions({"DockerVersion", "Error"});
  bool show_state = !o.quiet && mentions({"State", "URL", "Active", "Error", "DockerVersion"});
  bool need_query = show_state || ls_filter_needs_state(*filter);
  qo.want_state = need_query;
  qo.want_docker = show_docker;
  std::vector<HostQuery> qs;
  if (need_query) {
    qs = query_hosts(s, names, qo);
  } else if (o.quiet && o.filters.empty()) {
    // `ls -q` without filters: the names are the directory entries, no record needs parsing.
    std::string out;
    for (const auto &n : names)
      out += n + "\n";
    s.ui.raw_out(out);
    return 0;
  } else {
    auto loaded = load_records(s, names);
    for (size_t i = 0; i < names.size(); ++i) {
      HostQuery q;
      q.name = names[i];
      if (loaded[i]) {
        q.driver_name = loaded[i]->driver_name;
        q.rec = std::move(*loaded[i]);
      } else {
        q.driver_name = "not found";
      }
      qs.push_back(std::move(q));
    }
  }
  auto rows = ls_rows(qs, docker_host_env());
  std::vector<LsRow> kept;
  bool timed_out = false;
  for (size_t i = 0; i < qs.size(); ++i) {
    timed_out = timed_out || qs[i].timed_out;
    if (ls_filter_match(*filter, subject_for(qs[i], rows, i))) kept.push_back(rows[i]);
  }
  int rc = 0;
  if (o.quiet) {
    std::string out;
    for (const auto &r : kept)
      out += r.name + "\n";
    s.ui.raw_out(out);
  } else {
    auto text = render_ls(kept, o.format);
    if (!text) return report(s, text.error());
    s.ui.raw_out(*text);
  }
  if (timed_out) {
    // Queries still running hold references to this process' state: leave without unwinding.
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(rc);
  }
  return rc;
}
} // namespace

void add_ls(CLI::App &app, Services &s, int &rc) {
  auto o = std::make_shared<LsOptions>();
  auto *ls = app.add_subcommand("ls", "List machines");
  ls->add_flag("-q,--quiet", o->quiet, "Enable quiet mode");
  ls->add_option("--filter", o->filters, "Filter output based on conditions provided");
  ls->add_option("-t,--timeout", o->timeout, "Timeout in seconds, default to 10s");
  ls->add_option("-f,--format", o->format, "Pretty-print machines using a Go template, or 'json'");
  ls->callback([o, &s, &rc] { rc = run_ls(s, *o); });

  auto timeout = std::make_shared<int>(10);
  auto *active = app.add_subcommand("active", "Print which machine is active");
  active->add_option("-t,--timeout", *timeout, "Timeout in seconds, default to 10s");
  active->callback([timeout, &s, &rc] {
    QueryOptions qo;
    qo.timeout = std::chrono::seconds(*timeout);
    qo.want_docker = false;
    auto names = s.store->names();
    if (!names) {
      rc = report(s, names.error());
      return;
    }
    auto qs = query_hosts(s, *names, qo);
    auto rows = ls_rows(qs, docker_host_env());
    for (const auto &q : qs)
      if (q.timed_out) {
        rc = report(s, Error{Errc::timeout, "Error getting active host: timeout"});
        std::fflush(stdout);
        _exit(rc);
      }
    for (const auto &r : rows)
      if (r.active_host || r.active_swarm) {
        s.ui.raw_out(r.name + "\n");
        rc = 0;
        return;
      }
    rc = report(s, Error{Errc::not_found, "No active host found"});
  });
}

} // namespace sc

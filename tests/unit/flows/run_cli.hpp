#pragma once
// Runs swarmctl's command line in-process (cmd/app.hpp's run_app, as main does) with stdout and
// stderr captured in files: what a user would see, and the exit code.
#include <cmd/app.hpp>
#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/store/store.hpp>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "../../support/temp_dir.hpp"

namespace sc::test {

struct CliRun {
  int rc = -1;
  std::string out, err;
};

inline std::string slurp_file(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `args` without argv[0] (which is "swarmctl"); `dir` holds the capture files.
inline CliRun run_cli(const std::filesystem::path &dir, std::vector<std::string> args) {
  args.insert(args.begin(), "swarmctl");
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  auto out_path = dir / "cli.out", err_path = dir / "cli.err";
  std::fflush(stdout);
  std::fflush(stderr);
  int saved_out = ::dup(1), saved_err = ::dup(2);
  REQUIRE(std::freopen(out_path.c_str(), "w", stdout) != nullptr);
  REQUIRE(std::freopen(err_path.c_str(), "w", stderr) != nullptr);
  CliRun r;
  r.rc = run_app(static_cast<int>(args.size()), argv.data());
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  ::close(saved_out);
  ::close(saved_err);
  r.out = slurp_file(out_path);
  r.err = slurp_file(err_path);
  return r;
}

// A store in a temporary directory, driven through the command line: the flow tests' rig.
struct CliStore {
  explicit CliStore(const char *tag) : tmp(tag) {}
  TempDir tmp;
  std::filesystem::path store = tmp.path / "store";
  CliRun run(std::vector<std::string> args) {
    args.insert(args.begin(), {"-s", store.string()});
    return run_cli(tmp.path, std::move(args));
  }
  std::filesystem::path dir(const std::string &name) const { return store / "machines" / name; }
  HostRecord record(const std::string &name) const {
    auto rec = Store(store).load(name);
    REQUIRE(rec);
    return *rec;
  }
};

} // namespace sc::test

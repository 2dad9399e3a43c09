#include "support/harness.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

namespace authctx::test {

nlohmann::json Run::json() const {
  INFO("stdout: " << out << "\nstderr: " << err);
  nlohmann::json doc;
  REQUIRE_NOTHROW(doc = nlohmann::json::parse(out));
  return doc;
}

Run run_authctx(const std::vector<std::string>& args, const util::Environment& env, const std::string& stdin_data,
                std::chrono::milliseconds timeout) {
  util::RunOptions opts;
  opts.argv.push_back(AUTHCTX_BINARY);
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env = util::current_environment(env);
  opts.stdin_data = stdin_data;
  opts.timeout = timeout;
  const auto r = util::run(opts);
  INFO("authctx timed out: " << args.size());
  REQUIRE_FALSE(r.timed_out);
  return Run{r.exit_code, r.out, r.err};
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "authctx-test-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

Lab::Lab() {
  TempDir parent;
  dir_ = parent.path;
  parent.path.clear();  // ownership moves to `lab down`
  std::filesystem::remove(dir_);
  const auto r = run_authctx({"lab", "up", "--dir", dir_, "--format", "json"});
  INFO("lab up stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  info_ = r.json();
  for (const auto& [k, v] : info_.at("env").items()) env_[k] = v.get<std::string>();
}

Lab::~Lab() {
  const auto r = run_authctx({"lab", "down", "--dir", dir_});
  if (r.exit_code != 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string Lab::path(const std::string& key) const { return info_.at("paths").at(key).get<std::string>(); }

Run Lab::run(const std::vector<std::string>& args, const util::Environment& extra, const std::string& stdin_data) const {
  auto env = env_;
  for (const auto& [k, v] : extra) env[k] = v;
  return run_authctx(args, env, stdin_data);
}

util::RunResult Lab::kadmin(const std::string& query) const {
  util::RunOptions opts;
  const auto prog = util::find_program("kadmin.local");
  REQUIRE(prog.has_value());
  opts.argv = {*prog, "-q", query};
  opts.env = util::current_environment(env_);
  const auto r = util::run(opts);
  INFO("kadmin.local -q " << query << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

}  // namespace authctx::test

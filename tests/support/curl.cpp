#include "support/curl.hpp"

#include <catch2/catch.hpp>

namespace authctx::test {

bool curl_available() { return util::find_program("curl").has_value(); }

CurlRun run_curl(const std::vector<std::string>& args, const util::Environment& env, int max_seconds) {
  const auto prog = util::find_program("curl");
  REQUIRE(prog.has_value());
  util::RunOptions o;
  o.argv = {*prog, "--silent", "--show-error", "--max-time", std::to_string(max_seconds), "-w", "\n%{http_code}"};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  util::Environment e{{"PATH", "/usr/bin:/bin"}};
  for (const auto& [k, v] : env) e[k] = v;
  o.env = e;
  o.timeout = std::chrono::seconds(max_seconds + 10);
  const auto r = util::run(o);
  CurlRun out;
  out.exit_code = r.exit_code;
  out.err = r.err;
  const auto nl = r.out.rfind('\n');
  out.body = nl == std::string::npos ? "" : r.out.substr(0, nl);
  out.status = std::atoi(nl == std::string::npos ? r.out.c_str() : r.out.c_str() + nl + 1);
  return out;
}

}  // namespace authctx::test

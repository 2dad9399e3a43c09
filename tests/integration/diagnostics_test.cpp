// Failure classes provoked for real in a lab realm (issue 7): each asserts the class, that a
// hint is present, and the exit code.
#include <catch2/catch.hpp>
#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A copy of the lab's krb5.conf with one line changed or added to [libdefaults].
std::string config_variant(const Lab& lab, const TempDir& tmp, const std::string& from, const std::string& to) {
  auto text = read_text(lab.path("krb5_conf"));
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  const auto path = tmp.path + "/krb5.conf";
  std::ofstream(path) << text;
  return path;
}

void check_class(const authctx::test::Run& r, int exit_code, const std::string& cls) {
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == exit_code);
  const auto doc = r.json();
  REQUIRE(doc["error"].is_object());
  CHECK(doc["error"]["class"] == cls);
  CHECK(doc["error"]["hint"].get<std::string>().size() > 20);
  CHECK(r.err.find(cls) != std::string::npos);
}

std::string faketime_lib() {
  for (const char* p : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"})
    if (::access(p, R_OK) == 0) return p;
  return {};
}

// libfaketime is preloaded into the tested process, ahead of the ASan runtime, which then
// cannot intercept what it must (the sanitized build, AUTHCTX_SANITIZED): skip (77) there,
// before any lab is up, so no KDC is left behind.
void skip_faketime_under_sanitizers() {
#ifdef AUTHCTX_SANITIZED
  std::exit(77);
#endif
}
}  // namespace

TEST_CASE("diagnostics: a stopped KDC is kdc_unreachable", "[diagnostics]") {
  Lab lab;
  ::kill(lab.info()["kdc"]["pid"].get<int>(), SIGKILL);
  TempDir tmp;
  const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-file", lab.path("password_file"),
                          "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}});
  check_class(r, 1, "kdc_unreachable");
}

TEST_CASE("diagnostics: an unknown realm is realm_unknown", "[diagnostics]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice@NOSUCH.REALM", "--password-stdin", "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}}, "pw\n");
  check_class(r, 1, "realm_unknown");
}

TEST_CASE("diagnostics: an expired ticket is credentials_expired", "[diagnostics][faketime]") {
  skip_faketime_under_sanitizers();
  Lab lab;
  const auto lib = faketime_lib();
  if (lib.empty()) std::exit(77);
  // Three days on, the lab's 24-hour TGT has expired.
  const auto r = lab.run({"local", "--mech", "krb5", "--format", "json"}, {{"LD_PRELOAD", lib}, {"FAKETIME", "+3d"}});
  check_class(r, 1, "credentials_expired");
}

TEST_CASE("diagnostics: wrong password and unknown client", "[diagnostics]") {
  Lab lab;
  TempDir tmp;
  const authctx::util::Environment no_cc{{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}};
  check_class(lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-stdin", "--format", "json"}, no_cc, "bad\n"),
              1, "preauth_failed");
  check_class(lab.run({"local", "--mech", "krb5", "--user", "mallory", "--password-stdin", "--format", "json"}, no_cc, "x\n"),
              1, "client_unknown");
}

TEST_CASE("diagnostics: keytab problems are told apart", "[diagnostics][keytab]") {
  Lab lab;
  TempDir tmp;
  SECTION("a default keytab that does not exist") {
    check_class(lab.run({"local", "--mech", "krb5", "--format", "json"}, {{"KRB5_KTNAME", "FILE:" + tmp.path + "/none"}}),
                1, "keytab_missing");
  }
  SECTION("a keytab without the target's key") {
    const auto kt = tmp.path + "/host-only.keytab";
    lab.kadmin("ktadd -norandkey -k " + kt + " host/localhost");
    check_class(lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--keytab", kt, "--format", "json"}),
                1, "keytab_no_matching_key");
  }
  SECTION("a rekeyed service") {
    lab.kadmin("cpw -randkey host/localhost");
    const auto r = lab.run({"local", "--mech", "krb5", "--format", "json"});
    check_class(r, 1, "keytab_kvno_mismatch");
    CHECK(r.json()["error"]["minor"]["text"].get<std::string>().find("kvno 3") != std::string::npos);
  }
}

TEST_CASE("diagnostics: an enctype the client does not permit is enctype_unsupported", "[diagnostics]") {
  Lab lab;
  TempDir tmp;
  const auto conf = config_variant(lab, tmp, "[libdefaults]", "[libdefaults]\n    permitted_enctypes = camellia128-cts-cmac");
  check_class(lab.run({"local", "--mech", "krb5", "--format", "json"}, {{"KRB5_CONFIG", conf}}), 1, "enctype_unsupported");
}

TEST_CASE("diagnostics: clock skew names the measured offset", "[diagnostics][faketime]") {
  skip_faketime_under_sanitizers();
  Lab lab;
  const auto lib = faketime_lib();
  if (lib.empty()) std::exit(77);
  auto env = lab.env();
  env["LD_PRELOAD"] = lib;
  env["FAKETIME"] = "+600s";
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, env);
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--mech", "krb5", "--format", "json"});
  check_class(r, 1, "clock_skew");
  const auto offset = r.json()["error"]["clock_offset_seconds"].get<long>();
  CHECK(offset >= 590);
  CHECK(offset <= 610);
  CHECK(r.json()["error"]["hint"].get<std::string>().find("ahead") != std::string::npos);
  server.wait();
}

TEST_CASE("diagnostics: delegation on a non-forwardable ticket is a warning with the reason", "[diagnostics]") {
  Lab lab;
  TempDir tmp;
  const auto conf = config_variant(lab, tmp, "forwardable = true", "forwardable = false");
  const auto r = lab.run({"local", "--mech", "krb5", "--delegate", "--user", "alice", "--password-file",
                          lab.path("password_file"), "--format", "json"},
                         {{"KRB5_CONFIG", conf}, {"KRB5CCNAME", "FILE:" + tmp.path + "/none"}});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["class"] == "delegation_not_granted");
  CHECK(doc["warnings"][0]["message"].get<std::string>().find("not forwardable") != std::string::npos);
}

TEST_CASE("diagnostics: --trace tags the library's KDC requests with a leg", "[diagnostics][trace]") {
  Lab lab;
  TempDir tmp;
  const auto user_trace = tmp.path + "/user-trace.log";
  const auto r = lab.run({"--trace", "local", "--mech", "krb5", "--user", "alice", "--password-file",
                          lab.path("password_file"), "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}, {"KRB5_TRACE", user_trace}});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  REQUIRE(doc["trace"].is_array());
  int kdc_requests = 0;
  for (const auto& t : doc["trace"]) {
    if (t["message"].get<std::string>().find("Sending request") != std::string::npos) {
      ++kdc_requests;
      CHECK(t["leg"] == 1);
    }
  }
  CHECK(kdc_requests >= 2);  // AS (twice: pre-auth) and TGS
  // The user's own KRB5_TRACE still gets every line.
  CHECK(read_text(user_trace).find("Sending request") != std::string::npos);
  // Without --trace there is no trace key.
  CHECK_FALSE(lab.run({"local", "--mech", "krb5", "--format", "json"}).json().contains("trace"));
}

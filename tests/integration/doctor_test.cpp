// `authctx doctor` against a real lab realm: a healthy set-up passes every check, and each
// broken set-up (stale keytab, no ccache, KDC down, unknown service, missing keytab) fails
// on the check that names it, with the class and hint a person needs.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/harness.hpp"
#include "util/process.hpp"

using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

const json& check(const json& doc, const std::string& id) {
  for (const auto& c : doc["checks"])
    if (c["check"] == id) return c;
  FAIL("no check " << id << " in " << doc.dump(2));
  static const json none;
  return none;
}

bool has_enctype(const json& enctypes, int id) {
  for (const auto& e : enctypes)
    if (e["id"] == id) return true;
  return false;
}

// The service's current kvno as the KDC database says (kadmin getprinc "Key: vno N, ...").
int kdc_kvno(const Lab& lab, const std::string& principal) {
  const auto r = lab.kadmin("getprinc " + principal);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("Key: vno ([0-9]+)")));
  return std::stoi(m[1].str());
}

// A copy of the lab's krb5.conf whose kdc entries point at port (nothing listens there).
std::string conf_with_kdc_port(const Lab& lab, const std::string& dir, int port) {
  std::ifstream in(lab.path("krb5_conf"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string out_text =
      std::regex_replace(text.str(), std::regex("127\\.0\\.0\\.1:[0-9]+"), "127.0.0.1:" + std::to_string(port));
  const std::string path = dir + "/krb5.conf";
  std::ofstream(path) << out_text;
  return path;
}

// authctx doctor under Debian's faketime (the process's clock shifted by offset, e.g.
// "+10m"); exits the test as skipped (77) when faketime is not installed.
authctx::test::Run doctor_at_offset(const Lab& lab, const std::string& offset) {
  const auto faketime = authctx::util::find_program("faketime");
  if (!faketime) {
    WARN("faketime is not installed");
    std::exit(77);
  }
  authctx::util::RunOptions o;
  o.argv = {*faketime, "-f", offset, AUTHCTX_BINARY, "doctor", "--format", "json"};
  o.env = authctx::util::current_environment(lab.env());
  o.timeout = std::chrono::seconds(60);
  const auto res = authctx::util::run(o);
  authctx::test::Run r;
  r.exit_code = res.exit_code;
  r.out = res.out;
  r.err = res.err;
  return r;
}

bool ntlm_installed() {
  return std::filesystem::exists("/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so") ||
         std::filesystem::exists("/usr/lib/aarch64-linux-gnu/gssntlmssp/gssntlmssp.so");
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

TEST_CASE("doctor: a healthy lab with a target passes every check", "[doctor]") {
  Lab lab;
  const auto r = lab.run({"doctor", "--target", "host@localhost", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["schema"] == "authctx/1");
  CHECK(doc["command"] == "doctor");
  CHECK(doc["ok"] == true);
  CHECK(doc["error"].is_null());
  CHECK(doc["summary"]["fail"] == 0);

  const auto& config = check(doc, "krb5_config");
  CHECK(config["status"] == "ok");
  CHECK(config["data"]["source"] == "KRB5_CONFIG");
  CHECK(config["data"]["files"][0]["path"] == lab.path("krb5_conf"));
  CHECK(config["data"]["files"][0]["exists"] == true);

  CHECK(check(doc, "default_realm")["status"] == "ok");
  CHECK(check(doc, "default_realm")["data"]["realm"] == "AUTHCTX.TEST");

  const auto& kdc = check(doc, "kdc_reachable");
  CHECK(kdc["status"] == "ok");
  CHECK(kdc["data"]["address"] == "127.0.0.1");
  CHECK(kdc["data"]["port"] == lab.info()["kdc"]["port"]);
  CHECK(kdc["data"]["connect_ms"].get<double>() < 3000);

  const auto& ccache = check(doc, "ccache");
  CHECK(ccache["status"] == "ok");
  CHECK(ccache["data"]["principal"] == "alice@AUTHCTX.TEST");
  CHECK(ccache["data"]["name"] == "FILE:" + lab.path("ccache"));

  const auto& tgt = check(doc, "tgt");
  CHECK(tgt["status"] == "ok");
  CHECK(tgt["data"]["server"] == "krbtgt/AUTHCTX.TEST@AUTHCTX.TEST");
  CHECK(tgt["data"]["forwardable"] == true);
  CHECK(tgt["data"]["seconds_left"].get<long>() > 3600);
  CHECK(tgt["data"]["flags"].dump().find("pre_authent") != std::string::npos);

  const auto& clock = check(doc, "clock_offset");
  CHECK(clock["status"] == "ok");
  CHECK(std::abs(clock["data"]["offset_seconds"].get<double>()) < 5);
  CHECK(clock["data"]["kdc_error"]["code"] == 25);
  CHECK(clock["data"]["kdc_error"]["name"] == "KDC_ERR_PREAUTH_REQUIRED");

  const int kvno = kdc_kvno(lab, "host/localhost");
  const auto& target = check(doc, "target");
  CHECK(target["status"] == "ok");
  CHECK(target["data"]["principal"] == "host/localhost@AUTHCTX.TEST");
  CHECK(target["data"]["issued_for"] == "host/localhost@AUTHCTX.TEST");
  CHECK(target["data"]["kvno"] == kvno);
  CHECK(target["data"]["ticket_enctype"]["id"] == 18);
  CHECK(target["data"]["ticket_enctype"]["name"] == "aes256-cts-hmac-sha1-96");

  const auto& keytab = check(doc, "keytab");
  CHECK(keytab["status"] == "ok");
  CHECK(keytab["data"]["name"] == "FILE:" + lab.path("keytab"));
  bool found = false;
  for (const auto& e : keytab["data"]["entries"]) {
    if (e["principal"] != "host/localhost@AUTHCTX.TEST") continue;
    found = true;
    CHECK(e["kvno"] == kvno);
    CHECK(has_enctype(e["enctypes"], 18));
  }
  CHECK(found);

  const auto& kt_kvno = check(doc, "keytab_kvno");
  CHECK(kt_kvno["status"] == "ok");
  CHECK(kt_kvno["data"]["kdc_kvno"] == kvno);
  CHECK(kt_kvno["data"]["keytab_kvnos"] == json::array({kvno}));
  CHECK(kt_kvno["data"]["decrypted"] == true);

  const auto& mechs = check(doc, "mechanisms");
  CHECK(mechs["data"]["krb5"] == true);
  CHECK(mechs["data"]["spnego"] == true);
  CHECK(mechs["data"]["ntlm"] == ntlm_installed());
  CHECK(mechs["status"] == (ntlm_installed() ? "ok" : "warn"));
}

TEST_CASE("doctor: without --target the target and keytab kvno checks are skipped", "[doctor]") {
  Lab lab;
  const auto r = lab.run({"doctor", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(check(doc, "target")["status"] == "skip");
  CHECK(check(doc, "keytab_kvno")["status"] == "skip");
  CHECK(check(doc, "ccache")["status"] == "ok");
  CHECK(doc["summary"]["skip"].get<int>() >= 2);
}

TEST_CASE("doctor: a rekeyed service fails the keytab kvno check", "[doctor][keytab]") {
  Lab lab;
  const int before = kdc_kvno(lab, "host/localhost");
  REQUIRE(lab.kadmin("cpw -randkey host/localhost").exit_code == 0);
  const auto r = lab.run({"doctor", "--target", "host@localhost", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["ok"] == false);
  CHECK(check(doc, "target")["status"] == "ok");
  CHECK(check(doc, "target")["data"]["kvno"] == before + 1);
  const auto& c = check(doc, "keytab_kvno");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "keytab_kvno_mismatch");
  CHECK(c["hint"].get<std::string>().find("ktadd") != std::string::npos);
  CHECK(c["data"]["kdc_kvno"] == before + 1);
  CHECK(c["data"]["keytab_kvnos"] == json::array({before}));
  CHECK(c["data"]["decrypted"] == false);
  CHECK(doc["error"]["check"] == "keytab_kvno");
  CHECK(doc["error"]["class"] == "keytab_kvno_mismatch");
  CHECK(doc["summary"]["fail"] == 1);
}

TEST_CASE("doctor: a missing ccache fails the ccache check", "[doctor][ccache]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"doctor", "--target", "host@localhost", "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  const auto& c = check(doc, "ccache");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "no_credentials");
  CHECK(c["hint"].get<std::string>().find("kinit") != std::string::npos);
  CHECK(c["data"]["name"] == "FILE:" + tmp.path + "/none");
  CHECK(check(doc, "tgt")["status"] == "skip");
  // The target is still named, but not asked of the KDC without a TGT.
  CHECK(check(doc, "target")["status"] == "skip");
  CHECK(check(doc, "target")["data"]["principal"] == "host/localhost@AUTHCTX.TEST");
  CHECK(check(doc, "kdc_reachable")["status"] == "ok");
  CHECK(doc["error"]["check"] == "ccache");
}

TEST_CASE("doctor: --ccache names the cache to check", "[doctor][ccache]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"doctor", "--ccache", "FILE:" + tmp.path + "/other", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(check(doc, "ccache")["status"] == "fail");
  CHECK(check(doc, "ccache")["data"]["source"] == "--ccache");
  CHECK(check(doc, "ccache")["data"]["name"] == "FILE:" + tmp.path + "/other");
}

TEST_CASE("doctor: an unreachable KDC fails the KDC check quickly", "[doctor][kdc]") {
  Lab lab;
  TempDir tmp;
  // Port 1 (tcpmux) is privileged and unused here: connections to it are refused.
  const auto conf = conf_with_kdc_port(lab, tmp.path, 1);
  const auto start = std::chrono::steady_clock::now();
  const auto r = lab.run({"doctor", "--target", "host@localhost", "--format", "json"}, {{"KRB5_CONFIG", conf}});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(seconds < 20);
  const auto doc = r.json();
  const auto& kdc = check(doc, "kdc_reachable");
  CHECK(kdc["status"] == "fail");
  CHECK(kdc["class"] == "kdc_unreachable");
  CHECK(kdc["data"]["port"] == 1);
  CHECK(check(doc, "krb5_config")["data"]["files"][0]["path"] == conf);
  CHECK(check(doc, "clock_offset")["status"] == "skip");
  CHECK(check(doc, "target")["status"] == "skip");
  CHECK(check(doc, "keytab_kvno")["status"] == "skip");
  CHECK(check(doc, "ccache")["status"] == "ok");
  CHECK(doc["error"]["class"] == "kdc_unreachable");
}

TEST_CASE("doctor: an unknown service fails the target check", "[doctor][target]") {
  Lab lab;
  const auto r = lab.run({"doctor", "--target", "nosuch@localhost", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  const auto& c = check(doc, "target");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "service_principal_unknown");
  CHECK(c["data"]["principal"] == "nosuch/localhost@AUTHCTX.TEST");
  CHECK(c["hint"].get<std::string>().find("dns_canonicalize_hostname") != std::string::npos);
  CHECK(c["hint"].get<std::string>().find("rdns") != std::string::npos);
  CHECK(check(doc, "keytab_kvno")["status"] == "skip");
  CHECK(doc["error"]["check"] == "target");
}

TEST_CASE("doctor: a keytab given with --keytab must be readable", "[doctor][keytab]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"doctor", "--keytab", "FILE:" + tmp.path + "/missing.keytab", "--format", "json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  const auto& c = check(doc, "keytab");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "keytab_missing");
  CHECK(c["data"]["source"] == "--keytab");
  CHECK(c["data"]["name"] == "FILE:" + tmp.path + "/missing.keytab");
}

TEST_CASE("doctor: a clock ten minutes off the KDC's fails the clock check with the offset", "[doctor][clock]") {
  skip_faketime_under_sanitizers();
  Lab lab;
  const auto r = doctor_at_offset(lab, "+10m");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  const auto& c = check(doc, "clock_offset");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "clock_skew");
  // The KDC is 600 s behind this (faked) clock.
  CHECK(c["data"]["offset_seconds"].get<double>() < -595);
  CHECK(c["data"]["offset_seconds"].get<double>() > -605);
  CHECK(c["data"]["kdc_error"]["name"] == "KDC_ERR_PREAUTH_REQUIRED");
}

TEST_CASE("doctor: a clock 90 seconds off warns on the clock check", "[doctor][clock]") {
  skip_faketime_under_sanitizers();
  Lab lab;
  const auto r = doctor_at_offset(lab, "-90s");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& c = check(doc, "clock_offset");
  CHECK(c["status"] == "warn");
  CHECK(c["class"] == "clock_skew");
  CHECK(c["data"]["offset_seconds"].get<double>() > 85);
  CHECK(c["data"]["offset_seconds"].get<double>() < 95);
}

TEST_CASE("doctor: an expired TGT fails the tgt check", "[doctor][ccache]") {
  skip_faketime_under_sanitizers();
  Lab lab;
  const auto r = doctor_at_offset(lab, "+2d");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  const auto doc = r.json();
  const auto& c = check(doc, "tgt");
  CHECK(c["status"] == "fail");
  CHECK(c["class"] == "credentials_expired");
  CHECK(c["hint"].get<std::string>().find("kinit") != std::string::npos);
  // 24 h tickets, two days on: about a day past expiry.
  CHECK(c["data"]["seconds_left"].get<long>() <= -86000);
  CHECK(check(doc, "ccache")["status"] == "ok");
}

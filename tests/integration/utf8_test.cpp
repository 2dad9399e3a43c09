// Bytes that are not UTF-8, from the wire, never end a handshake as an internal error: a
// service principal whose name holds the byte 0xFF travels in the AP-REQ's ticket (sname
// is in the clear), and a KRB-ERROR whose realm holds 0xFF is decoded offline. Every
// document is still valid JSON (the byte becomes U+FFFD), in json, jsonl and text, through
// local, client and server in both framings, and decode.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "support/harness.hpp"

using authctx::test::Background;
using authctx::test::Lab;
using authctx::test::Run;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

const std::string k_principal =
    "host/\xff"
    "bad@AUTHCTX.TEST";
const std::string k_replacement = "\xef\xbf\xbd";  // U+FFFD in UTF-8

// The lab with a service whose principal name is not UTF-8, and its keytab.
struct Latin1Service {
  Lab lab;
  TempDir dir;
  std::string keytab = dir.path + "/service.keytab";
  Latin1Service() {
    REQUIRE(lab.kadmin("addprinc -randkey " + k_principal).exit_code == 0);
    REQUIRE(lab.kadmin("ktadd -k " + keytab + " " + k_principal).exit_code == 0);
  }
};

std::string sname_of(const json& doc) {
  return doc["legs"][0]["decoded"]["inner_token"]["ticket"]["sname"].get<std::string>();
}

// Every line of jsonl output is a JSON object; the last is the result.
json last_jsonl_event(const std::string& out) {
  std::istringstream lines(out);
  std::string line;
  json last;
  while (std::getline(lines, line)) {
    INFO(line);
    last = json::parse(line);
    CHECK(last.is_object());
  }
  return last;
}
}  // namespace

TEST_CASE("utf8: a principal name that is not UTF-8 does not stop local in any format", "[utf8][local]") {
  Latin1Service s;
  const std::vector<std::string> args{"local",         "--mech",    "krb5",     "--target", k_principal,
                                      "--target-type", "principal", "--keytab", s.keytab};
  SECTION("json") {
    auto a = args;
    a.insert(a.end(), {"--format", "json"});
    const auto r = s.lab.run(a);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["established"] == true);
    CHECK(sname_of(doc) == "host/" + k_replacement + "bad");
    CHECK(doc["error"].is_null());
  }
  SECTION("jsonl") {
    auto a = args;
    a.insert(a.end(), {"--format", "jsonl"});
    const auto r = s.lab.run(a);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto result = last_jsonl_event(r.out);
    CHECK(result["event"] == "result");
    CHECK(result["established"] == true);
  }
  SECTION("text") {
    auto a = args;
    a.insert(a.end(), {"--format", "text", "--color", "never"});
    const auto r = s.lab.run(a);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("context established") != std::string::npos);
    CHECK(r.out.find("krb5 AP-REQ host/") != std::string::npos);
  }
}

TEST_CASE("utf8: a principal name that is not UTF-8 crosses client and server in both framings", "[utf8][tcp]") {
  Latin1Service s;
  const auto framing = GENERATE(std::string("authctx"), std::string("gss-sample"));
  const auto format = GENERATE(std::string("json"), std::string("jsonl"), std::string("text"));
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--framing", framing, "--keytab", s.keytab,
                     "--format", format == "text" ? "text" : "json"},
                    s.lab.env());
  const int port = server.wait_for_port();
  const auto r = s.lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--framing", framing, "--mech",
                            "krb5", "--target", k_principal, "--target-type", "principal", "--format", format});
  INFO(r.out << r.err << server.err());
  REQUIRE(r.exit_code == 0);
  REQUIRE(server.wait() == 0);
  if (format == "json") {
    const auto doc = r.json();
    CHECK(doc["established"] == true);
    CHECK(sname_of(doc) == "host/" + k_replacement + "bad");
    if (framing == "authctx")
      CHECK(doc["acceptor"]["target_name"].get<std::string>().find(k_replacement) != std::string::npos);
    const auto docs = server.documents();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0]["established"] == true);
    CHECK(sname_of(docs[0]) == "host/" + k_replacement + "bad");
  } else if (format == "jsonl") {
    CHECK(last_jsonl_event(r.out)["established"] == true);
  } else {
    CHECK(r.out.find("context established") != std::string::npos);
    CHECK(server.out().find("context established") != std::string::npos);
  }
}

TEST_CASE("utf8: decode reads a KRB-ERROR whose realm is not UTF-8 in every format", "[utf8][decode]") {
  // The captured KRB_AP_ERR_BADKEYVER with the realm's first byte ('A', 0x41) made 0xFF.
  std::string hex;
  {
    std::ifstream in(std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/tokens/krb5_krb_error_badkeyver.hex");
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    hex = ss.str();
  }
  const std::string realm_hex = "415554484354582e54455354";  // AUTHCTX.TEST
  const auto at = hex.find(realm_hex);
  REQUIRE(at != std::string::npos);
  hex.replace(at, 2, "ff");
  SECTION("json") {
    const auto r = authctx::test::run_authctx({"decode", "--format", "json", "--in", "hex", hex});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto e = r.json()["tokens"][0]["decoded"]["inner_token"];
    CHECK(e["type"] == "krb5.krb_error");
    CHECK(e["realm"] == k_replacement + "UTHCTX.TEST");
    CHECK(e["error_code"]["name"] == "KRB_AP_ERR_BADKEYVER");
  }
  SECTION("jsonl") {
    const auto r = authctx::test::run_authctx({"decode", "--format", "jsonl", "--in", "hex", hex});
    REQUIRE(r.exit_code == 0);
    const auto result = last_jsonl_event(r.out);
    CHECK(result["tokens"][0]["decoded"]["inner_token"]["realm"] == k_replacement + "UTHCTX.TEST");
  }
  SECTION("text") {
    const auto r = authctx::test::run_authctx({"decode", "--format", "text", "--color", "never", "--in", "hex", hex});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("KRB-ERROR") != std::string::npos);
  }
}

// `authctx local` against a real lab realm: asserts on values in the JSON document.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/harness.hpp"
#include "util/base64.hpp"

using authctx::test::has;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

void check_krb5_views(const json& doc) {
  const auto& ini = doc["initiator"];
  const auto& acc = doc["acceptor"];
  CHECK(ini["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(ini["target_name"] == "host/localhost@AUTHCTX.TEST");
  CHECK(acc["source_name"] == "alice@AUTHCTX.TEST");
  CHECK(ini["locally_initiated"] == true);
  CHECK(acc["locally_initiated"] == false);
  CHECK(ini["open"] == true);
  CHECK(ini["mech"]["oid"] == "1.2.840.113554.1.2.2");
  CHECK(has(ini["flags"]["requested"], "mutual"));
  CHECK(has(ini["flags"]["requested"], "replay"));
  CHECK(has(ini["flags"]["granted"], "mutual"));
  CHECK(has(ini["flags"]["granted"], "conf"));
  CHECK(has(ini["flags"]["granted"], "integ"));
  CHECK(has(acc["flags"]["granted"], "prot_ready"));
  CHECK(ini["session_key"]["enctype"]["id"] == 18);
  CHECK(ini["session_key"]["enctype"]["name"] == "aes256-cts-hmac-sha1-96");
  CHECK(ini["session_key"]["length"] == 32);
  CHECK(ini["session_key"]["base64"] == "[redacted]");
  CHECK(acc["session_key"]["enctype"]["id"] == 18);
  CHECK(has(ini["ticket_flags"], "pre_authent"));
  CHECK(ini["lifetime_seconds"].get<long>() > 3600);
  CHECK(acc["sasl_ssf"] == 256);
  std::vector<std::string> attrs;
  for (const auto& a : acc["name_attributes"]) attrs.push_back(a["name"].get<std::string>());
  CHECK(std::find(attrs.begin(), attrs.end(), "urn:mspac:") != attrs.end());
  CHECK(std::find(attrs.begin(), attrs.end(), "urn:mspac:client-info") != attrs.end());
  REQUIRE(doc["messages"].size() == 6);
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  CHECK(doc["messages"][0]["kind"] == "wrap");
  CHECK(doc["messages"][0]["conf"] == true);
  CHECK(doc["messages"][2]["kind"] == "mic");
  CHECK(doc["messages"][3]["direction"] == "acceptor->initiator");
}
}  // namespace

TEST_CASE("local: krb5 mutual handshake is established in two legs with both views", "[local][krb5]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--target", "host@localhost", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["schema"] == "authctx/1");
  CHECK(doc["command"] == "local");
  CHECK(doc["established"] == true);
  CHECK(doc["error"].is_null());
  CHECK(doc["mech"]["name"] == "krb5");
  CHECK(doc["mech"]["oid"] == "1.2.840.113554.1.2.2");
  REQUIRE(doc["legs"].size() == 2);
  CHECK(doc["legs"][0]["index"] == 1);
  CHECK(doc["legs"][0]["direction"] == "initiator->acceptor");
  CHECK(doc["legs"][1]["direction"] == "acceptor->initiator");
  const auto first = authctx::util::base64_decode(doc["legs"][0]["base64"].get<std::string>());
  REQUIRE(first.has_value());
  CHECK(first->size() == doc["legs"][0]["length"].get<std::size_t>());
  CHECK(first->at(0) == 0x60);  // RFC 2743 §3.1 InitialContextToken
  check_krb5_views(doc);
}

TEST_CASE("local: spnego negotiates krb5 in two legs", "[local][spnego]") {
  Lab lab;
  const auto r = lab.run({"local", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["requested_mech"]["name"] == "spnego");
  CHECK(doc["requested_mech"]["oid"] == "1.3.6.1.5.5.2");
  CHECK(doc["mech"]["oid"] == "1.2.840.113554.1.2.2");
  REQUIRE(doc["legs"].size() == 2);
  check_krb5_views(doc);
}

TEST_CASE("local: --show-secrets reveals the session key bytes", "[local][secrets]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--show-secrets", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto ini_key = authctx::util::base64_decode(doc["initiator"]["session_key"]["base64"].get<std::string>());
  const auto acc_key = authctx::util::base64_decode(doc["acceptor"]["session_key"]["base64"].get<std::string>());
  REQUIRE(ini_key.has_value());
  CHECK(ini_key->size() == 32);
  CHECK(*ini_key == *acc_key);
}

TEST_CASE("local: --messages N runs N rounds of wrap, wrap and mic in each direction", "[local][messages]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--messages", "3", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  REQUIRE(doc["messages"].size() == 18);
  int conf_wraps = 0;
  for (const auto& m : doc["messages"]) {
    CHECK(m["ok"] == true);
    if (m["kind"] == "wrap" && m["conf"] == true) ++conf_wraps;
  }
  CHECK(conf_wraps == 6);
  const auto none = lab.run({"local", "--mech", "krb5", "--messages", "0", "--format", "json"});
  REQUIRE(none.exit_code == 0);
  CHECK(none.json()["messages"].empty());
}

TEST_CASE("local: flag switches change what is requested", "[local][flags]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--no-mutual", "--sequence", "--conf", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& req = doc["initiator"]["flags"]["requested"];
  CHECK_FALSE(has(req, "mutual"));
  CHECK(has(req, "sequence"));
  CHECK(has(req, "conf"));
  CHECK(has(req, "replay"));
  // Without mutual authentication krb5 needs a single leg (no AP-REP: RFC 4121 §4.1).
  CHECK(doc["legs"].size() == 1);
  CHECK_FALSE(has(doc["initiator"]["flags"]["granted"], "mutual"));
}

TEST_CASE("local: matching channel bindings establish the context", "[local][bindings]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--channel-bindings", "hex:74657374", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["established"] == true);
  const auto bad = lab.run({"local", "--mech", "krb5", "--channel-bindings", "hex:7g", "--format", "json"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("local: an unknown target service fails with the KDC's words", "[local][errors]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--target", "nosuch@localhost", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == false);
  const auto& e = doc["error"];
  CHECK(e["stage"] == "init_sec_context");
  CHECK(e["side"] == "initiator");
  CHECK(e["class"] == "service_principal_unknown");
  CHECK(e["major"]["routine"] == "GSS_S_FAILURE");
  CHECK(e["minor"]["code"] == 2529638919u);
  CHECK(e["minor"]["text"].get<std::string>().find("not found in Kerberos database") != std::string::npos);
  CHECK_FALSE(e["hint"].get<std::string>().empty());
  CHECK(doc["legs"].empty());
  CHECK(r.err.find("service_principal_unknown") != std::string::npos);
}

TEST_CASE("local: through spnego an unknown service is still classified", "[local][errors][spnego]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "spnego", "--neg-mechs", "krb5", "--target", "nosuch@localhost",
                          "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "service_principal_unknown");
}

TEST_CASE("local: an empty credential cache means no credentials", "[local][errors]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"local", "--mech", "krb5", "--ccache", "FILE:" + tmp.path + "/empty", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["stage"] == "acquire_cred");
  CHECK(doc["error"]["side"] == "initiator");
  CHECK(doc["error"]["class"] == "no_credentials");
  CHECK(doc["error"]["major"]["routine"] == "GSS_S_NO_CRED");
}

TEST_CASE("local: an unreadable keytab is a set-up error", "[local][errors]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--keytab", "/nonexistent/keytab", "--format", "json"});
  CHECK(r.exit_code == 5);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "keytab_missing");
  CHECK(doc["error"]["message"].get<std::string>().find("/nonexistent/keytab") != std::string::npos);
  CHECK(r.err.find("cannot read keytab") != std::string::npos);
}

TEST_CASE("local: a password from a file or stdin gets fresh credentials", "[local][password]") {
  Lab lab;
  const auto password_file = lab.path("password_file");
  TempDir tmp;
  const auto empty_cc = "FILE:" + tmp.path + "/none";
  SECTION("--password-file") {
    const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-file", password_file,
                            "--format", "json"},
                           {{"KRB5CCNAME", empty_cc}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
  }
  SECTION("--password-stdin") {
    const auto pw = lab.info()["user"]["password"].get<std::string>();
    const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-stdin", "--format", "json"},
                           {{"KRB5CCNAME", empty_cc}}, pw + "\n");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
  }
  SECTION("a wrong password fails pre-authentication") {
    const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--password-stdin", "--format", "json"},
                           {{"KRB5CCNAME", empty_cc}}, "wrong-password\n");
    CHECK(r.exit_code == 1);
    CHECK(r.json()["error"]["class"] == "preauth_failed");
  }
  SECTION("an unreadable password file is a set-up error") {
    const auto r = lab.run({"local", "--user", "alice", "--password-file", tmp.path + "/missing", "--format", "json"});
    CHECK(r.exit_code == 5);
  }
}

TEST_CASE("local: a client keytab provides initiator credentials", "[local][keytab]") {
  Lab lab;
  TempDir tmp;
  const auto kt = tmp.path + "/alice.keytab";
  lab.kadmin("ktadd -norandkey -k " + kt + " alice");
  const auto r = lab.run({"local", "--mech", "krb5", "--user", "alice", "--client-keytab", kt, "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/cc"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["initiator"]["source_name"] == "alice@AUTHCTX.TEST");
}

TEST_CASE("local: --acceptor-name restricts the acceptor to one key", "[local][acceptor]") {
  Lab lab;
  const auto ok = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--acceptor-name",
                           "HTTP@localhost", "--format", "json"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.json()["acceptor"]["target_name"] == "HTTP/localhost@AUTHCTX.TEST");
  const auto mismatch = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--acceptor-name",
                                 "host@localhost", "--format", "json"});
  CHECK(mismatch.exit_code == 1);
  CHECK(mismatch.json()["error"]["side"] == "acceptor");
}

TEST_CASE("local: jsonl writes one event per line as it happens", "[local][jsonl]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "krb5", "--format", "jsonl"});
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  std::vector<std::string> events;
  while (std::getline(lines, line)) {
    const auto j = json::parse(line);
    CHECK(j["schema"] == "authctx/1");
    events.push_back(j["event"].get<std::string>());
  }
  REQUIRE(events.size() >= 5);
  CHECK(events[0] == "leg");
  CHECK(events[1] == "leg");
  CHECK(events[2] == "context");
  CHECK(events.back() == "result");
}

TEST_CASE("local: --output writes the document to a 0600 file", "[local][output]") {
  Lab lab;
  TempDir tmp;
  const auto file = tmp.path + "/doc.json";
  const auto r = lab.run({"local", "--mech", "krb5", "--output", file});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::ifstream in(file);
  const auto doc = json::parse(in);
  CHECK(doc["established"] == true);
}

TEST_CASE("local: usage errors exit 2 with an error document", "[local][usage]") {
  const auto bad_mech = authctx::test::run_authctx({"local", "--mech", "kerberos", "--format", "json"});
  CHECK(bad_mech.exit_code == 2);
  CHECK(bad_mech.json()["error"]["class"] == "usage");
  CHECK(bad_mech.err.find("unknown mechanism") != std::string::npos);
  const auto argv_password = authctx::test::run_authctx({"local", "--password", "secret", "--format", "json"});
  CHECK(argv_password.exit_code == 2);
  const auto neg_without_spnego =
      authctx::test::run_authctx({"local", "--mech", "krb5", "--neg-mechs", "krb5", "--format", "json"});
  CHECK(neg_without_spnego.exit_code == 2);
}

// NTLM through gss-ntlmssp, and SPNEGO's negotiation made visible (issue 6), in a lab realm.
#include <catch2/catch.hpp>

#include "support/harness.hpp"

using authctx::test::Background;
using authctx::test::has;
using authctx::test::Lab;
using authctx::test::TempDir;
using nlohmann::json;

namespace {

void check_ntlm_legs(const json& doc) {
  REQUIRE(doc["legs"].size() == 3);
  CHECK(doc["legs"][0]["decoded"]["type"] == "ntlm.negotiate");
  CHECK(doc["legs"][1]["decoded"]["type"] == "ntlm.challenge");
  CHECK(doc["legs"][2]["decoded"]["type"] == "ntlm.authenticate");
  CHECK(doc["legs"][0]["length"] == 40);
  CHECK(doc["legs"][2]["decoded"]["user"] == "alice");
  CHECK(doc["mech"]["oid"] == "1.3.6.1.4.1.311.2.2.10");
  CHECK(doc["initiator"]["source_name"].get<std::string>().find("alice") != std::string::npos);
  CHECK(doc["initiator"]["session_key"]["length"] == 16);
  CHECK(doc["initiator"]["session_key"]["enctype"].is_null());
  CHECK(doc["initiator"]["context_time_seconds"].get<long>() > 3600);
}
}  // namespace

TEST_CASE("ntlm: an in-process NTLM handshake is three decoded legs", "[ntlm][local]") {
  Lab lab;
  const auto r = lab.run({"local", "--mech", "ntlm", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  check_ntlm_legs(doc);
  // authctx never asks an NTLM acceptor for its target name: gss-ntlmssp 1.2.0 crashes
  // (strdup(NULL)) when one whose credential was GSS_C_NO_NAME is asked.
  CHECK(doc["acceptor"]["target_name"].is_null());
  CHECK(doc["acceptor"]["source_name"].get<std::string>().find("alice") != std::string::npos);
  CHECK(has(doc["acceptor"]["flags"]["granted"], "integ"));
  for (const auto& m : doc["messages"]) CHECK(m["ok"] == true);
  // Response material is redacted by default.
  CHECK(doc["legs"][2]["decoded"]["nt_challenge_response"].dump().find("redacted") != std::string::npos);
}

TEST_CASE("ntlm: NTLM over TCP between authctx client and server", "[ntlm][tcp]") {
  Lab lab;
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--mech", "ntlm", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  check_ntlm_legs(doc);
  CHECK(doc["acceptor"]["source_name"].get<std::string>().find("alice") != std::string::npos);
  CHECK(server.wait() == 0);
}

TEST_CASE("ntlm: a wrong password and an unknown user are classified with hints", "[ntlm][errors]") {
  Lab lab;
  TempDir tmp;
  const authctx::util::Environment no_krb5{{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}};
  const auto mech = GENERATE(std::string("ntlm"), std::string("spnego"));
  const auto wrong = lab.run({"local", "--mech", mech, "--user", "alice", "--password-stdin", "--format", "json"},
                             no_krb5, "not-the-password\n");
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.json()["error"]["side"] == "acceptor");
  CHECK(wrong.json()["error"]["class"] == "preauth_failed");
  CHECK(wrong.json()["error"]["hint"].get<std::string>().find("NTLM_USER_FILE") != std::string::npos);
  const auto unknown = lab.run({"local", "--mech", mech, "--user", "mallory", "--password-stdin", "--format", "json"},
                               no_krb5, "whatever\n");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.json()["error"]["class"] == "client_unknown");
}

TEST_CASE("spnego: with both mechanisms usable krb5 is chosen optimistically in two legs", "[spnego]") {
  Lab lab;
  const auto r = lab.run({"local", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& n = doc["negotiation"];
  REQUIRE(n.is_object());
  REQUIRE(n["offered"].size() == 2);
  CHECK(n["offered"][0]["name"] == "krb5");
  CHECK(n["offered"][1]["name"] == "ntlmssp");
  CHECK(n["optimistic_token"] == "krb5");
  CHECK(n["optimistic_token_used"] == true);
  CHECK(n["negotiated"]["oid"] == "1.2.840.113554.1.2.2");
  CHECK(n["final_state"] == "accept-completed");
  CHECK(doc["warnings"].empty());
}

TEST_CASE("spnego: without Kerberos credentials it falls back to NTLM and says why", "[spnego][fallback]") {
  Lab lab;
  TempDir tmp;
  const auto r = lab.run({"local", "--format", "json"}, {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "ntlm");
  REQUIRE(doc["legs"].size() == 4);
  CHECK(doc["legs"][0]["decoded"]["inner_token"]["mech_token"]["type"] == "ntlm.negotiate");
  CHECK(doc["legs"][3]["decoded"]["mech_list_mic"]["length"] == 16);
  REQUIRE(doc["negotiation"]["mech_list_mic"].size() == 2);
  CHECK(doc["negotiation"]["mech_list_mic"][1]["leg"] == 4);
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["class"] == "ntlm_fallback");
  CHECK(doc["warnings"][0]["message"].get<std::string>().find("no Kerberos credentials") != std::string::npos);
  CHECK(doc["warnings"][0]["hint"].get<std::string>().find("kinit") != std::string::npos);
}

TEST_CASE("spnego: a target unknown to the KDC falls back to NTLM with that reason", "[spnego][fallback]") {
  Lab lab;
  const auto r = lab.run({"local", "--target", "nosuch@localhost", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "ntlm");
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["class"] == "ntlm_fallback");
  CHECK(doc["warnings"][0]["message"].get<std::string>().find("no principal in the KDC") != std::string::npos);
}

TEST_CASE("spnego: an acceptor that refuses Kerberos makes the optimistic token rejected", "[spnego][fallback]") {
  Lab lab;
  const auto r = lab.run({"local", "--accept-mechs", "ntlm", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "ntlm");
  CHECK(doc["negotiation"]["optimistic_token"] == "krb5");
  CHECK(doc["negotiation"]["optimistic_token_used"] == false);
  CHECK(doc["legs"].size() > 4);
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["message"].get<std::string>().find("does not negotiate Kerberos") != std::string::npos);
}

TEST_CASE("spnego: --neg-mechs krb5 fails instead of falling back", "[spnego][fallback]") {
  Lab lab;
  const auto r = lab.run({"local", "--neg-mechs", "krb5", "--target", "nosuch@localhost", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(r.json()["error"]["class"] == "service_principal_unknown");
  CHECK(r.json()["mech"].is_null());
}

TEST_CASE("spnego: --require-mech krb5 turns a fallback into a failure", "[spnego][fallback]") {
  Lab lab;
  const auto r = lab.run({"local", "--target", "nosuch@localhost", "--require-mech", "krb5", "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == false);
  CHECK(doc["error"]["class"] == "ntlm_fallback");
  CHECK(doc["error"]["message"].get<std::string>().find("no principal in the KDC") != std::string::npos);
  const auto ok = lab.run({"local", "--require-mech", "krb5", "--format", "json"});
  CHECK(ok.exit_code == 0);
}

TEST_CASE("spnego: over TCP the server explains the fallback from its side", "[spnego][fallback][tcp]") {
  Lab lab;
  TempDir tmp;
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--format", "json"},
                         {{"KRB5CCNAME", "FILE:" + tmp.path + "/none"}});
  REQUIRE(r.exit_code == 0);
  CHECK(r.json()["warnings"][0]["class"] == "ntlm_fallback");
  CHECK(server.wait() == 0);
  const auto sdoc = server.documents().at(0);
  CHECK(sdoc["mech"]["name"] == "ntlm");
  REQUIRE(sdoc["warnings"].size() == 1);
  CHECK(sdoc["warnings"][0]["message"].get<std::string>().find("offered no Kerberos") != std::string::npos);
}

TEST_CASE("lab demo: --mech ntlm shows three decoded NTLM messages", "[ntlm][demo]") {
  const auto r = authctx::test::run_authctx({"--format", "json", "lab", "demo", "--mech", "ntlm"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_ntlm_legs(r.json());
  const auto fb = authctx::test::run_authctx({"--format", "json", "lab", "demo", "--without-krb5"});
  REQUIRE(fb.exit_code == 0);
  CHECK(fb.json()["warnings"][0]["class"] == "ntlm_fallback");
}

TEST_CASE("mechs: lists krb5, spnego and ntlmssp with their OIDs", "[mechs]") {
  Lab lab;
  const auto r = lab.run({"mechs", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  std::map<std::string, json> by_oid;
  for (const auto& m : doc["mechs"]) by_oid[m["oid"].get<std::string>()] = m;
  REQUIRE(by_oid.count("1.2.840.113554.1.2.2") == 1);
  REQUIRE(by_oid.count("1.3.6.1.5.5.2") == 1);
  REQUIRE(by_oid.count("1.3.6.1.4.1.311.2.2.10") == 1);
  CHECK(by_oid["1.2.840.113554.1.2.2"]["name"] == "krb5");
  CHECK(by_oid["1.2.840.113554.1.2.2"]["sasl_name"] == "GS2-KRB5");
  CHECK(by_oid["1.2.840.113554.1.2.2"]["initiator_credentials"] == true);
  CHECK(by_oid["1.3.6.1.4.1.311.2.2.10"]["name"] == "ntlm");
}

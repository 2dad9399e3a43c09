// The live acceptor looks inside what it received (report/ticket_view.hpp), against a real
// lab: its CONTEXT view shows the ticket it decrypted (server, kvno, enctype, client,
// session-key enctype, PAC, authenticator facts with the bindings hash sent beside the one
// expected) and its PAC name attributes decoded; over TCP the client receives the same in
// the acceptor's report, and in the acceptor's error when the bindings differ; a rekeyed
// service's failure names the ticket's kvno and what the keytab holds. Never key bytes.
#include <catch2/catch.hpp>

#include <string>

#include "support/bindings.hpp"
#include "support/harness.hpp"

using authctx::test::Background;
using authctx::test::has;
using authctx::test::Lab;
using nlohmann::json;

namespace {
std::string addr(int port) { return "127.0.0.1:" + std::to_string(port); }

const json& attribute(const json& context, const std::string& name) {
  for (const auto& a : context["name_attributes"])
    if (a["name"] == name) return a;
  FAIL("no name attribute " << name);
  static const json none;
  return none;
}

bool mentions_key_bytes(const json& v) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.items())
      if (k == "hex" || k == "base64" || mentions_key_bytes(x)) return true;
  } else if (v.is_array()) {
    for (const auto& x : v)
      if (mentions_key_bytes(x)) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("acceptor ticket: local shows what the acceptor decrypted and its PAC name attributes decoded",
          "[acceptor][ticket]") {
  Lab lab;
  const std::string bindings = "tls-server-end-point:acceptor-ticket-test";
  const auto r = lab.run({"--format", "json", "--show-secrets", "local", "--mech", "spnego", "--channel-bindings",
                          bindings, "--delegate", "--messages", "0"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& acceptor = doc["acceptor"];
  const auto& t = acceptor["ticket"];
  CHECK(t["server"] == "host/localhost@AUTHCTX.TEST");
  CHECK(t["kvno"] == 2);
  CHECK(t["enctype"]["name"] == "aes256-cts-hmac-sha1-96");
  CHECK(t["decryption"]["ok"] == true);
  CHECK(t["keytab"] == lab.path("keytab"));
  CHECK(t["client"] == "alice@AUTHCTX.TEST");
  CHECK(t["session_key"]["enctype"] == acceptor["ticket"]["session_key"]["enctype"]);
  CHECK(t["session_key"]["redacted"] == true);
  CHECK(t["pac"]["client_name"] == "alice");
  const auto& a = t["authenticator"];
  CHECK(a["delegated"] == true);
  CHECK(has(a["checksum_flags"], "deleg"));
  CHECK(a["bindings"]["sent"] == authctx::test::gss_bindings_md5_hex(bindings));
  CHECK(a["bindings"]["expected"] == a["bindings"]["sent"]);
  CHECK(a["bindings"]["match"] == true);
  // Even with --show-secrets the ticket view carries no key bytes (it also goes to clients).
  CHECK_FALSE(mentions_key_bytes(t));
  CHECK(acceptor["session_key"]["base64"].is_string());  // the context view's own key, as before

  const auto& client_info = attribute(acceptor, "urn:mspac:client-info");
  CHECK(client_info["decoded"]["type"] == "mspac.client_info");
  CHECK(client_info["decoded"]["name"] == "alice");
  CHECK(attribute(acceptor, "urn:mspac:server-checksum")["decoded"]["signature_type"]["name"] ==
        "hmac-sha1-96-aes256");
  const auto& whole = attribute(acceptor, "urn:mspac:");
  CHECK(whole["decoded"]["buffer_count"] == 4);
  CHECK_FALSE(whole["decoded"]["buffers"][0].contains("decoded"));  // listed, decoded under their own names
  CHECK(doc["initiator"].contains("ticket") == false);

  SECTION("the text view shows the ticket, the PAC and the bindings") {
    const auto text = lab.run({"--format", "text", "--color", "never", "local", "--channel-bindings", bindings,
                               "--messages", "0"});
    REQUIRE(text.exit_code == 0);
    // Columns wrap at spaces: look for the rows and single words.
    CHECK(text.out.find("  ticket client ") != std::string::npos);
    CHECK(text.out.find("  bindings ") != std::string::npos);
    CHECK(text.out.find(authctx::test::gss_bindings_md5_hex(bindings)) != std::string::npos);
    CHECK(text.out.find("✔ as expected") != std::string::npos);
  }
}

TEST_CASE("acceptor ticket: over TCP the client receives the acceptor's ticket view and its bindings verdict",
          "[acceptor][ticket][tcp]") {
  Lab lab;
  SECTION("the same bindings: the reported view matches") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json", "--channel-bindings", "cb"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--channel-bindings", "cb",
                            "--format", "json", "--messages", "0"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["acceptor"]["ticket"]["client"] == "alice@AUTHCTX.TEST");
    CHECK(doc["acceptor"]["ticket"]["authenticator"]["bindings"]["match"] == true);
    CHECK(attribute(doc["acceptor"], "urn:mspac:client-info")["decoded"]["name"] == "alice");
    REQUIRE(server.wait() == 0);
  }
  SECTION("different bindings: the acceptor's error names both hashes") {
    Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json", "--channel-bindings",
                       "server-side"},
                      lab.env());
    const int port = server.wait_for_port();
    const auto r = lab.run({"client", "--connect", addr(port), "--mech", "krb5", "--channel-bindings", "client-side",
                            "--format", "json", "--messages", "0"});
    CHECK(r.exit_code == 1);
    const auto doc = r.json();
    const auto& e = doc["error"];
    CHECK(e["class"] == "channel_binding_mismatch");
    CHECK(e["side"] == "acceptor");
    const std::string sent = authctx::test::gss_bindings_md5_hex("client-side");
    const std::string expected = authctx::test::gss_bindings_md5_hex("server-side");
    CHECK(e["ticket"]["authenticator"]["bindings"]["sent"] == sent);
    CHECK(e["ticket"]["authenticator"]["bindings"]["expected"] == expected);
    CHECK(e["ticket"]["authenticator"]["bindings"]["match"] == false);
    CHECK(e["hint"].get<std::string>().find("carries hash " + sent + ", this acceptor expected hash " + expected) !=
          std::string::npos);
    server.wait();
  }
}

TEST_CASE("acceptor ticket: a rekeyed service names the ticket's kvno and the kvno the keytab holds",
          "[acceptor][ticket]") {
  Lab lab;
  REQUIRE(lab.kadmin("cpw -randkey host/localhost").exit_code == 0);  // the KDC is at kvno 3, the keytab at 2
  const auto r = lab.run({"local", "--mech", "krb5", "--format", "json", "--messages", "0"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  const auto& e = doc["error"];
  CHECK(e["class"] == "keytab_kvno_mismatch");
  const std::string sentence =
      "the ticket is for host/localhost@AUTHCTX.TEST, kvno 3, aes256-cts-hmac-sha1-96; the keytab holds "
      "host/localhost@AUTHCTX.TEST kvno 2 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)";
  CHECK(e["hint"].get<std::string>().rfind(sentence, 0) == 0);
  CHECK(e["ticket"]["kvno"] == 3);
  CHECK(e["ticket"]["decryption"]["class"] == "kvno_mismatch");
  CHECK(r.err.find(sentence) != std::string::npos);
}

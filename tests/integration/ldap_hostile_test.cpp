// `authctx client --url ldap://` against a scripted hostile LDAP server (issue 16, item 5):
// each misbehaviour ends with its class, a next step and the contract's exit code, within
// the --timeout bound. The server runs in this process; the scripts that need a real
// GSS-API context accept with the ldap/localhost key of the test's lab.
#include <catch2/catch.hpp>

#include <chrono>

#include "integration/ldap_support.hpp"
#include "support/gss_sasl.hpp"
#include "support/hostile_ldap_server.hpp"

using authctx::test::contains;
using authctx::test::has;
using authctx::test::HostileLdapServer;
using authctx::test::HostileScript;
using authctx::test::Lab;
using authctx::test::Run;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

Run against(const Lab& lab, int port, std::vector<std::string> extra = {}, const std::string& timeout = "5") {
  std::vector<std::string> args{"client",
                                "--url",
                                "ldap://localhost:" + std::to_string(port),
                                "--resolve",
                                "localhost:" + std::to_string(port) + ":127.0.0.1",
                                "--format",
                                "json",
                                "--timeout",
                                timeout};
  args.insert(args.end(), extra.begin(), extra.end());
  return lab.run(args);
}

// A lab whose ldap/localhost key the hostile server accepts with, in this process.
struct HostileLab {
  Lab lab;
  authctx::test::ScopedEnv env{authctx::test::gss_environment(lab.env())};
  std::string keytab = lab.dir() + "/ldap-hostile.keytab";
  HostileLab() { authctx::test::add_ldap_service(lab.env(), keytab); }
};

json failed(const Run& r, int exit_code, const std::string& cls) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == exit_code);
  auto doc = r.json();
  CHECK(doc["error"]["class"] == cls);
  CHECK_FALSE(doc["error"]["hint"].get<std::string>().empty());
  CHECK(contains(r.err, "[" + cls + "]"));
  return doc;
}

}  // namespace

TEST_CASE("ldap hostile client: a server that answers in HTTP is not LDAP", "[ldap][hostile]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::not_ldap);
  const auto doc = failed(against(h.lab, server.port()), 3, "not_ldap");
  CHECK(contains(doc["error"]["message"], "first octet 0x48"));
  CHECK(contains(doc["error"]["hint"], "HTTP"));
  CHECK(doc["legs"].size() == 1);  // the AP-REQ went out in the BindRequest
}

TEST_CASE("ldap hostile client: a bind never answered times out at --timeout", "[ldap][hostile]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::silent);
  const auto started = Clock::now();
  const auto r = against(h.lab, server.port(), {}, "1");
  const auto took = Clock::now() - started;
  failed(r, 3, "timeout");
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("ldap hostile client: an oversized message and an indefinite length are refused", "[ldap][hostile]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  SECTION("2 GiB") {
    HostileLdapServer server(HostileScript::oversized_message);
    const auto doc = failed(against(h.lab, server.port()), 3, "message_too_large");
    CHECK(contains(doc["error"]["message"], "(at byte 1)"));
    CHECK(contains(doc["error"]["hint"], "--max-token-size"));
  }
  SECTION("indefinite") {
    HostileLdapServer server(HostileScript::indefinite_length);
    const auto doc = failed(against(h.lab, server.port()), 3, "malformed_message");
    CHECK(contains(doc["error"]["message"], "indefinite length"));
  }
}

TEST_CASE("ldap hostile client: a Notice of Disconnection and a wrong message ID end the bind", "[ldap][hostile]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  SECTION("notice") {
    HostileLdapServer server(HostileScript::notice_of_disconnection);
    const auto doc = failed(against(h.lab, server.port()), 3, "notice_of_disconnection");
    CHECK(contains(doc["error"]["message"], "unavailable (52): the server is shutting down"));
  }
  SECTION("message id") {
    HostileLdapServer server(HostileScript::wrong_message_id);
    failed(against(h.lab, server.port()), 3, "unexpected_message_id");
  }
}

TEST_CASE("ldap hostile client: endless saslBindInProgress stops at the round limit", "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::endless_bind_in_progress, h.keytab);
  // GSS-SPNEGO: once the context is complete the client answers saslBindInProgress with
  // empty credentials, 16 times at most.
  const auto doc = failed(against(h.lab, server.port(), {"--mech", "spnego"}), 3, "sasl_bind_loop");
  CHECK(doc["established"] == true);
  CHECK(contains(doc["error"]["message"], "after 16 BindRequests"));
  CHECK(server.bind_requests() == 1 + 16);
}

TEST_CASE("ldap hostile client: saslBindInProgress without the GSSAPI layer message is refused",
          "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::endless_bind_in_progress, h.keytab);
  const auto doc = failed(against(h.lab, server.port()), 3, "sasl_layer_missing");
  CHECK(doc["error"]["stage"] == "sasl_security_layer");
  CHECK(contains(doc["error"]["hint"], "RFC 4752"));
  CHECK(server.bind_requests() == 2);
}

TEST_CASE("ldap hostile client: a malformed security-layer message is refused with its offset",
          "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::malformed_layer, h.keytab);
  const auto doc = failed(against(h.lab, server.port()), 3, "sasl_layer_malformed");
  CHECK(doc["error"]["stage"] == "sasl_security_layer");
  CHECK(contains(doc["error"]["message"], "(at byte 3)"));
  CHECK(doc["application"]["security_layer"]["offer"]["unwrapped_hex"] == "070010");
}

TEST_CASE("ldap hostile client: a zero maximum buffer with a protection layer warns and fails to send",
          "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::zero_max_buffer, h.keytab);
  const auto doc = failed(against(h.lab, server.port()), 3, "wrap_too_large");
  CHECK(has(json(authctx::test::warning_classes(doc)), "sasl_zero_max_buffer"));
  CHECK(doc["application"]["security_layer"]["offer"]["max_buffer"] == 0);
  CHECK(doc["application"]["bind"]["result_name"] == "success");
}

TEST_CASE("ldap hostile client: a wrapped buffer over --sasl-maxbuf is refused unread", "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::oversized_wrapped_buffer, h.keytab);
  const auto doc = failed(against(h.lab, server.port(), {"--sasl-maxbuf", "8192"}), 3, "sasl_buffer_too_large");
  CHECK(contains(doc["error"]["message"], "8193 bytes, over the negotiated maximum of 8192"));
  CHECK(contains(doc["error"]["hint"], "--sasl-maxbuf"));
}

TEST_CASE("ldap hostile client: none refused as Active Directory does names the layer fix", "[ldap][hostile][gss]") {
  authctx::test::skip_without_kdc();
  HostileLab h;
  HostileLdapServer server(HostileScript::reject_none, h.keytab);
  const auto doc = failed(against(h.lab, server.port(), {"--sasl-layer", "none"}), 1, "ldap_signing_required");
  CHECK(contains(doc["error"]["message"], "strongerAuthRequired (8): SASL:[GSSAPI]: Sign or Seal are required."));
  CHECK(contains(doc["error"]["hint"], "--sasl-layer integrity"));
  CHECK(doc["application"]["bind"]["result_code"] == 8);
}

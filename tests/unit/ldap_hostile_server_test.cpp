// The LDAP library against a scripted hostile server (issue 16, item 5): a server that is not
// LDAP, a bind that never completes, a partial reply, an oversized or indefinite-length
// message, a Notice of Disconnection, a wrong message ID, endless saslBindInProgress, a
// malformed security-layer message, a zero maximum buffer, a wrapped buffer over the
// negotiated maximum, and an AD-style refusal of "none". Each ends in its class, bounded in
// time. The (GSS) scripts need a lab; all skip (77) without the MIT KDC programs.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "lab/lab.hpp"
#include "ldap/connection.hpp"
#include "ldap/operations.hpp"
#include "ldap/result_code.hpp"
#include "support/gss_sasl.hpp"
#include "support/harness.hpp"
#include "support/hostile_ldap_server.hpp"
#include "support/slapd.hpp"

namespace lab = authctx::lab;
namespace ldap = authctx::ldap;
using authctx::test::BindOutcome;
using authctx::test::BindSettings;
using authctx::test::HostileLdapServer;
using authctx::test::HostileScript;
using authctx::test::ScopedEnv;

namespace {

using Clock = std::chrono::steady_clock;

using Session = authctx::test::LdapSession;

// The error a bind attempt against the script ends with.
ldap::Error bind_error(HostileScript script, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  HostileLdapServer server(script);
  Session s(server.port(), timeout);
  try {
    s.ops.bind("GSSAPI", ldap::Bytes{0x60, 0x00});
  } catch (const ldap::Error& e) {
    return e;
  }
  FAIL("the bind did not fail");
  throw std::logic_error("unreachable");
}

void require_kdc() { authctx::test::skip_without_kdc(); }

// A lab with ldap/localhost in a keytab for the hostile server's acceptor.
struct GssLab {
  lab::ScopedLab realm;
  ScopedEnv env;
  authctx::test::TempDir dir;
  std::string keytab;
  GssLab() : env(authctx::test::gss_environment(realm.info().env())), keytab(dir.path + "/ldap.keytab") {
    authctx::test::add_ldap_service(realm.info().env(), keytab);
  }
};

}  // namespace

TEST_CASE("ldap hostile: a server that answers in HTTP is not LDAP", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::not_ldap);
  CHECK(e.error_class() == "not_ldap");
  CHECK(e.kind() == ldap::ErrorKind::transport);
  CHECK(std::string(e.what()).find("first octet 0x48") != std::string::npos);
  CHECK(std::string(e.what()).find("(at byte 0)") != std::string::npos);
  CHECK(e.hint().find("HTTP") != std::string::npos);
}

TEST_CASE("ldap hostile: a bind that is never answered times out within the bound", "[ldap][hostile]") {
  const auto started = Clock::now();
  const auto e = bind_error(HostileScript::silent, std::chrono::milliseconds(400));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  CHECK(e.error_class() == "timeout");
  CHECK(took >= std::chrono::milliseconds(350));
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("ldap hostile: a reply cut short after three bytes times out", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::slow_partial, std::chrono::milliseconds(400));
  CHECK(e.error_class() == "timeout");
}

TEST_CASE("ldap hostile: a 2 GiB message is refused before it is read", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::oversized_message);
  CHECK(e.error_class() == "message_too_large");
  CHECK(std::string(e.what()).find("2147483653 bytes") != std::string::npos);
  CHECK(std::string(e.what()).find("(at byte 1)") != std::string::npos);
}

TEST_CASE("ldap hostile: an indefinite length is refused with its offset", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::indefinite_length);
  CHECK(e.error_class() == "malformed_message");
  CHECK(std::string(e.what()).find("indefinite") != std::string::npos);
  CHECK(std::string(e.what()).find("(at byte 1)") != std::string::npos);
}

TEST_CASE("ldap hostile: a Notice of Disconnection ends the bind with its result", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::notice_of_disconnection);
  CHECK(e.error_class() == "notice_of_disconnection");
  CHECK(std::string(e.what()).find("unavailable (52): the server is shutting down") != std::string::npos);
}

TEST_CASE("ldap hostile: an answer to another message ID is refused", "[ldap][hostile]") {
  const auto e = bind_error(HostileScript::wrong_message_id);
  CHECK(e.error_class() == "unexpected_message_id");
  CHECK(std::string(e.what()).find("answered message 6 while message 1") != std::string::npos);
}

TEST_CASE("ldap hostile: endless saslBindInProgress stops at the round limit", "[ldap][hostile][gss]") {
  require_kdc();
  GssLab lab;
  HostileLdapServer server(HostileScript::endless_bind_in_progress, lab.keytab);
  Session s(server.port(), std::chrono::seconds(5));
  BindSettings settings;
  settings.max_rounds = 6;
  const auto o = authctx::test::sasl_bind(s.ops, s.stream, s.ctx, s.protection, settings);
  CHECK(o.context_complete);
  CHECK(o.legs.size() == 6);
  CHECK(ldap::result_code_name(o.result_code) == "saslBindInProgress");
  CHECK(server.bind_requests() == 6);
}

TEST_CASE("ldap hostile: a 3-byte security-layer message is diagnosed at offset 3", "[ldap][hostile][gss]") {
  require_kdc();
  GssLab lab;
  HostileLdapServer server(HostileScript::malformed_layer, lab.keytab);
  Session s(server.port(), std::chrono::seconds(5));
  const auto o = authctx::test::sasl_bind(s.ops, s.stream, s.ctx, s.protection, {});
  REQUIRE(o.offer);
  REQUIRE_FALSE(o.offer->ok());
  CHECK(o.offer->diagnostics[0].offset == 3);
  CHECK(o.offer->diagnostics[0].message.find("RFC 4752") != std::string::npos);
  CHECK_FALSE(o.bound());
}

TEST_CASE("ldap hostile: a zero maximum buffer with protection warns and nothing can be sent", "[ldap][hostile][gss]") {
  require_kdc();
  GssLab lab;
  HostileLdapServer server(HostileScript::zero_max_buffer, lab.keytab);
  Session s(server.port(), std::chrono::seconds(5));
  const auto o = authctx::test::sasl_bind(s.ops, s.stream, s.ctx, s.protection, {});
  REQUIRE(o.bound());
  REQUIRE(o.review);
  REQUIRE_FALSE(o.review->warnings.empty());
  CHECK(o.review->warnings[0].cls == "sasl_zero_max_buffer");
  try {
    s.ops.search(ldap::root_dse_search());
    FAIL("a protected search was sent to a server with a zero maximum buffer");
  } catch (const ldap::Error& e) {
    CHECK(e.error_class() == "wrap_too_large");
  }
}

TEST_CASE("ldap hostile: a wrapped buffer over the negotiated maximum is refused unread", "[ldap][hostile][gss]") {
  require_kdc();
  GssLab lab;
  HostileLdapServer server(HostileScript::oversized_wrapped_buffer, lab.keytab);
  Session s(server.port(), std::chrono::seconds(5));
  BindSettings settings;
  settings.max_buffer = 8192;
  const auto o = authctx::test::sasl_bind(s.ops, s.stream, s.ctx, s.protection, settings);
  REQUIRE(o.bound());
  try {
    s.ops.search(ldap::root_dse_search());
    FAIL("the oversized buffer was accepted");
  } catch (const ldap::Error& e) {
    CHECK(e.error_class() == "sasl_buffer_too_large");
    CHECK(std::string(e.what()).find("8193 bytes, over the negotiated maximum of 8192") != std::string::npos);
  }
}

TEST_CASE("ldap hostile: none refused as Active Directory does is strongerAuthRequired", "[ldap][hostile][gss]") {
  require_kdc();
  GssLab lab;
  HostileLdapServer server(HostileScript::reject_none, lab.keytab);
  Session s(server.port(), std::chrono::seconds(5));
  BindSettings settings;
  settings.layer = ldap::SaslLayer::none;
  const auto o = authctx::test::sasl_bind(s.ops, s.stream, s.ctx, s.protection, settings);
  CHECK_FALSE(o.bound());
  CHECK(ldap::result_code_name(o.result_code) == "strongerAuthRequired");
  CHECK(o.diagnostic_message == "SASL:[GSSAPI]: Sign or Seal are required.");
  CHECK(o.review->warnings.empty());  // it offered none, then refused it: only the result says so
}

// The LDAP library against OpenLDAP slapd with Cyrus SASL in an MIT lab: the whole SASL
// bind with real GSS-API calls made here in the test (the library stays GSS-free), each
// security layer proved by a root DSE search and a WhoAmI under it, ldaps:// and StartTLS,
// and ldapwhoami as a cross-check. Skips (77) without slapd or the MIT KDC programs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <regex>

#include "lab/lab.hpp"
#include "ldap/connection.hpp"
#include "ldap/operations.hpp"
#include "ldap/result_code.hpp"
#include "support/gss_sasl.hpp"
#include "support/slapd.hpp"

namespace lab = authctx::lab;
namespace ldap = authctx::ldap;
using authctx::test::BindOutcome;
using authctx::test::BindSettings;
using authctx::test::GssProtection;
using authctx::test::ScopedEnv;
using authctx::test::Slapd;
using authctx::test::SlapdOptions;

namespace {

void require_peers() {
  authctx::test::skip_without_slapd();
  authctx::test::skip_without_kdc();
}

// A lab, its environment for this process's GSS-API calls, and slapd on it.
struct SlapdLab {
  lab::ScopedLab realm;
  ScopedEnv env;
  std::unique_ptr<Slapd> slapd;
  explicit SlapdLab(SlapdOptions options = {}) : env(authctx::test::gss_environment(realm.info().env())) {
    options.lab_env = realm.info().env();
    slapd = std::make_unique<Slapd>(options);
    WARN("slapd started in " << slapd->startup_ms() << " ms");
  }
};

using Session = authctx::test::LdapSession;

std::string text(const ldap::Bytes& b) { return std::string(b.begin(), b.end()); }

std::string whoami(Session& s) {
  auto ex = s.ops.extended(ldap::k_oid_whoami);
  const auto& resp = std::get<ldap::ExtendedResponse>(ex.final_message().op);
  REQUIRE(resp.result.code == 0);
  REQUIRE(resp.value);
  return text(*resp.value);
}

// The bind's legs as RFC 4752 §3.1 describes them for a mutual krb5 context.
void check_gssapi_legs(const BindOutcome& o) {
  REQUIRE(o.legs.size() == 3);
  const auto& first = std::get<ldap::BindResponse>(o.legs[0].final_message().op);
  CHECK(o.legs[0].message_id == 1);
  CHECK(first.result.code == ldap::result::sasl_bind_in_progress);
  REQUIRE(first.server_sasl_creds);
  CHECK((*first.server_sasl_creds)[0] == 0x60);  // the GSS token framing around the AP-REP
  CHECK(o.legs[1].message_id == 2);
  const auto& second = std::get<ldap::BindResponse>(o.legs[1].final_message().op);
  CHECK(second.result.code == ldap::result::sasl_bind_in_progress);
  REQUIRE(second.server_sasl_creds);  // the wrapped security-layer offer
  CHECK(o.legs[2].message_id == 3);
  CHECK(ldap::result_code_name(o.result_code) == "success");
  REQUIRE(o.offer);
  CHECK(o.offer->ok());
}

void check_root_dse(Session& s, bool protected_stream) {
  auto ex = s.ops.search(ldap::root_dse_search());
  CHECK(ex.result().code == 0);
  const auto entries = ex.entries();
  REQUIRE(entries.size() == 1);
  const auto mechs = entries[0].values("supportedSASLMechanisms");
  CHECK(std::find(mechs.begin(), mechs.end(), "GSSAPI") != mechs.end());
  CHECK(entries[0].values("namingContexts") == std::vector<std::string>{"dc=authctx,dc=test"});
  CHECK(entries[0].values("supportedLDAPVersion") == std::vector<std::string>{"3"});
  const auto exts = entries[0].values("supportedExtension");
  CHECK(std::find(exts.begin(), exts.end(), std::string(ldap::k_oid_whoami)) != exts.end());
  CHECK(ex.request.sasl_buffers.empty() == !protected_stream);
  CHECK(ex.responses.front().sasl_buffers.empty() == !protected_stream);
}

}  // namespace

TEST_CASE("ldap slapd: GSSAPI with confidentiality binds and seals the root DSE search and WhoAmI",
          "[ldap][slapd][gssapi]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  const auto o = s.bind({});
  INFO(o.diagnostic_message);
  REQUIRE(o.bound());
  check_gssapi_legs(o);
  CHECK(o.offer->offers(ldap::SaslLayer::confidentiality));
  CHECK(o.offer->max_buffer > 0);
  CHECK(o.review->warnings.empty());
  CHECK(o.choice[0] == 0x04);
  REQUIRE(s.protection);
  check_root_dse(s, true);
  CHECK(whoami(s) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
  CHECK(s.protection->wrapped >= 2);
  CHECK(s.protection->unwrapped >= 2);
  CHECK(s.protection->all_sealed);
}

TEST_CASE("ldap slapd: GSSAPI with integrity binds and signs without sealing", "[ldap][slapd][gssapi]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  BindSettings settings;
  settings.layer = ldap::SaslLayer::integrity;
  const auto o = s.bind(settings);
  REQUIRE(o.bound());
  check_gssapi_legs(o);
  CHECK(o.choice[0] == 0x02);
  REQUIRE(s.protection);
  check_root_dse(s, true);
  CHECK(whoami(s) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
  CHECK(s.protection->unwrapped >= 2);
  CHECK_FALSE(s.protection->all_sealed);
}

TEST_CASE("ldap slapd: GSSAPI with no security layer leaves the traffic in the clear", "[ldap][slapd][gssapi]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  BindSettings settings;
  settings.layer = ldap::SaslLayer::none;
  const auto o = s.bind(settings);
  REQUIRE(o.bound());
  check_gssapi_legs(o);
  CHECK(o.offer->offers(ldap::SaslLayer::none));
  CHECK(o.choice == ldap::Bytes{0x01, 0x00, 0x00, 0x00});
  CHECK_FALSE(s.protection);
  check_root_dse(s, false);
  CHECK(whoami(s) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
}

TEST_CASE("ldap slapd: GSS-SPNEGO binds and is mapped by slapd", "[ldap][slapd][spnego]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  BindSettings settings;
  settings.mechanism = "GSS-SPNEGO";
  const auto o = s.bind(settings);
  INFO(o.result_code << " " << o.diagnostic_message << " complete " << o.context_complete << " legs " << o.legs.size()
                     << " " << (o.gss_error ? o.gss_error->what() : ""));
  REQUIRE(o.bound());
  CHECK_FALSE(o.offer);  // no RFC 4752 layer message with GSS-SPNEGO
  CHECK(o.legs.size() <= 2);
  CHECK(whoami(s) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
}

TEST_CASE("ldap slapd: a server that requires a layer refuses none", "[ldap][slapd][gssapi]") {
  require_peers();
  SlapdOptions options;
  options.sasl_secprops = "minssf=1";
  SlapdLab lab(options);
  Session s(lab.slapd->port());
  BindSettings settings;
  settings.layer = ldap::SaslLayer::none;
  const auto o = s.bind(settings);
  REQUIRE(o.offer);
  CHECK_FALSE(o.offer->offers(ldap::SaslLayer::none));
  REQUIRE(o.review);
  REQUIRE_FALSE(o.review->warnings.empty());
  CHECK(o.review->warnings[0].cls == "sasl_protection_required");
  CHECK_FALSE(o.bound());
  INFO(o.result_code << " " << o.diagnostic_message);
  // Cyrus refuses the choice as a protocol violation; slapd maps it to other (80).
  CHECK(ldap::result_code_name(o.result_code) == "other");
  CHECK(o.diagnostic_message.find("client requested invalid layer") != std::string::npos);
}

TEST_CASE("ldap slapd: a layer the server does not offer is warned about and refused", "[ldap][slapd][gssapi]") {
  require_peers();
  SlapdOptions options;
  options.sasl_secprops = "maxbufsize=0";
  SlapdLab lab(options);
  Session s(lab.slapd->port());
  const auto o = s.bind({});
  REQUIRE(o.offer);
  INFO("mask " << int(o.offer->mask) << " max " << o.offer->max_buffer << " code " << o.result_code << " "
               << o.diagnostic_message);
  // Cyrus with maxbufsize 0 offers only "none", with a zero maximum buffer.
  CHECK(o.offer->max_buffer == 0);
  CHECK(o.offer->layers() == std::vector<std::string>{"none"});
  REQUIRE(o.review);
  REQUIRE(o.review->warnings.size() == 1);
  CHECK(o.review->warnings[0].cls == "sasl_layer_not_offered");
  CHECK(o.choice[0] == 0x04);  // sent anyway, so the server's refusal is seen
  CHECK_FALSE(o.bound());
  CHECK(ldap::result_code_name(o.result_code) == "other");
  CHECK(o.diagnostic_message.find("client requested invalid layer") != std::string::npos);
}

TEST_CASE("ldap slapd: ldapwhoami reports the same identity as the library", "[ldap][slapd][crosscheck]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  REQUIRE(s.bind({}).bound());
  const auto ours = whoami(s);
  authctx::util::RunOptions run;
  run.argv = {*authctx::util::find_program("ldapwhoami"),
              "-N",
              "-Y",
              "GSSAPI",
              "-H",
              "ldap://localhost:" + std::to_string(lab.slapd->port())};
  run.env = authctx::util::current_environment(lab.realm.info().env());
  const auto r = authctx::util::run(run);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(ours) != std::string::npos);
  CHECK(r.err.find("SASL SSF: 256") != std::string::npos);
}

TEST_CASE("ldap slapd: ldaps and StartTLS carry the bind inside verified TLS", "[ldap][slapd][tls]") {
  require_peers();
  SlapdOptions options;
  options.tls = true;
  SlapdLab lab(options);
  ldap::TlsOptions tls{"localhost", lab.slapd->ca_file(), false};
  SECTION("ldaps") {
    Session s(lab.slapd->tls_port());
    s.conn.start_tls(tls, ldap::Clock::now() + std::chrono::seconds(10));
    REQUIRE(s.conn.tls_info());
    CHECK(s.conn.tls_info()->verified);
    CHECK(s.conn.tls_info()->peer_subject == "/CN=localhost");
    CHECK(s.conn.tls_info()->server_end_point_hash == "sha256");
    CHECK(s.conn.tls_info()->server_end_point.size() == 21 + 32);
    BindSettings settings;
    settings.layer = ldap::SaslLayer::none;
    REQUIRE(s.bind(settings).bound());
    CHECK(whoami(s) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
  }
  SECTION("StartTLS") {
    Session s(lab.slapd->port());
    const auto ex = s.ops.start_tls(tls);
    CHECK(ex.result().code == 0);
    // slapd 2.5 sends no responseName (RFC 4511 §4.12 makes it optional).
    CHECK_FALSE(std::get<ldap::ExtendedResponse>(ex.final_message().op).name);
    REQUIRE(s.conn.tls_info());
    CHECK(s.conn.tls_info()->version.rfind("TLSv1.", 0) == 0);
    REQUIRE(s.bind({}).bound());
    check_root_dse(s, true);
  }
  SECTION("an untrusted certificate") {
    Session s(lab.slapd->tls_port());
    try {
      s.conn.start_tls(ldap::TlsOptions{"localhost", "", false}, ldap::Clock::now() + std::chrono::seconds(10));
      FAIL("TLS succeeded without the CA");
    } catch (const ldap::Error& e) {
      CHECK(e.error_class() == "tls_certificate_untrusted");
    }
  }
  SECTION("a name the certificate does not hold") {
    Session s(lab.slapd->tls_port());
    try {
      s.conn.start_tls(ldap::TlsOptions{"dc1.example.com", lab.slapd->ca_file(), false},
                       ldap::Clock::now() + std::chrono::seconds(10));
      FAIL("TLS succeeded with the wrong name");
    } catch (const ldap::Error& e) {
      CHECK(e.error_class() == "tls_name_mismatch");
    }
  }
}

TEST_CASE("ldap slapd: StartTLS on a server without TLS is refused with its result code", "[ldap][slapd][tls]") {
  require_peers();
  SlapdLab lab;
  Session s(lab.slapd->port());
  try {
    s.ops.start_tls(ldap::TlsOptions{"localhost", "", true});
    FAIL("StartTLS succeeded");
  } catch (const ldap::Error& e) {
    CHECK(e.error_class() == "starttls_refused");
    CHECK(e.kind() == ldap::ErrorKind::transport);
  }
}

TEST_CASE("ldap slapd: slapd stops and its process is gone", "[ldap][slapd]") {
  require_peers();
  SlapdLab lab;
  const auto pid = lab.slapd->pid();
  CHECK(authctx::util::process_alive(pid));
  CHECK(lab.slapd->startup_ms() < 5000);
  CHECK(lab.slapd->stop());
  CHECK_FALSE(authctx::util::process_alive(pid));
  CHECK_FALSE(authctx::test::port_open(lab.slapd->port()));
}

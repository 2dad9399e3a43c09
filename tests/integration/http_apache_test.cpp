// `authctx client --url` against Apache 2.4 with mod_auth_gssapi in a lab realm (test
// support: support/apache.hpp): the krb5 location (SPNEGO, mutual token verified), the NTLM
// location (connection-bound, every leg on one connection), the krb5-only location refusing
// NTLM, the same over https with a certificate the test makes, and redirects.
#include <catch2/catch.hpp>

#include "support/apache.hpp"
#include "support/harness.hpp"
#include "support/pki.hpp"

using authctx::test::Apache;
using authctx::test::has;
using authctx::test::Lab;
using nlohmann::json;

namespace {
void require_apache() {
  if (!Apache::available()) {
    WARN("apache2 or libapache2-mod-auth-gssapi not installed: skipping");
    std::exit(77);
  }
}

authctx::test::ApacheOptions options_of(const Lab& lab) {
  authctx::test::ApacheOptions o;
  o.keytab = lab.path("keytab");
  o.krb5_conf = lab.path("krb5_conf");
  o.ntlm_user_file = lab.path("ntlm_user_file");
  return o;
}

// The lab's environment without alice's ticket: the initiator has only its NTLM password.
authctx::util::Environment no_ticket(const Lab& lab) { return {{"KRB5CCNAME", "FILE:" + lab.dir() + "/none"}}; }
}  // namespace

TEST_CASE("http apache: the krb5 location establishes SPNEGO krb5 and the mutual token is verified", "[http][apache]") {
  require_apache();
  Lab lab;
  Apache apache(options_of(lab));
  const auto r = lab.run({"client", "--url", apache.url("/krb5/whoami"), "--format", "json"});
  INFO(r.out << r.err << apache.error_log());
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["mech"]["name"] == "krb5");
  REQUIRE(doc["legs"].size() == 2);
  CHECK(doc["legs"][0]["transport"]["request"] == "GET /krb5/whoami HTTP/1.1");
  CHECK(doc["legs"][0]["transport"]["authorization"] ==
        "Negotiate <" + std::to_string(doc["legs"][0]["length"].get<int>()) + " bytes>");
  CHECK(doc["legs"][1]["transport"]["status"] == 200);
  CHECK(doc["legs"][1]["decoded"]["type"] == "spnego.neg_token_resp");
  CHECK(has(doc["initiator"]["flags"]["granted"], "mutual"));
  const auto& t = doc["transport"];
  CHECK(t["kind"] == "http");
  CHECK(t["offered"] == json::array({"Negotiate"}));
  REQUIRE(t["exchanges"].size() == 2);
  CHECK(t["exchanges"][0]["status"] == 401);
  CHECK(t["exchanges"][0]["authorization"].is_null());
  CHECK(t["exchanges"][1]["connection"]["state"] == "reused");
  CHECK(t["service"]["principal"] == "HTTP/localhost@AUTHCTX.TEST");
  CHECK(t["service"]["dns_canonicalize_hostname"] == "false");
  CHECK(doc["initiator"]["target_name"] == "HTTP/localhost@AUTHCTX.TEST");
  apache.stop();
}

TEST_CASE("http apache: the NTLM location takes NTLM inside SPNEGO with every leg on one connection",
          "[http][apache][ntlm]") {
  require_apache();
  Lab lab;
  Apache apache(options_of(lab));
  const auto r = lab.run({"client", "--url", apache.url("/ntlm/whoami"), "--format", "json"}, no_ticket(lab));
  INFO(r.out << r.err << apache.error_log());
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "ntlm");
  REQUIRE(doc["legs"].size() == 4);
  CHECK(doc["legs"][1]["transport"]["status"] == 401);
  CHECK(doc["legs"][3]["transport"]["status"] == 200);
  for (const auto& ex : doc["transport"]["exchanges"]) CHECK(ex["connection"]["number"] == 1);
  bool fallback = false;
  for (const auto& w : doc["warnings"]) fallback = fallback || w["class"] == "ntlm_fallback";
  CHECK(fallback);
  apache.stop();
}

TEST_CASE("http apache: the krb5-only location refuses NTLM and names the leg it rejected", "[http][apache][ntlm]") {
  require_apache();
  Lab lab;
  Apache apache(options_of(lab));
  SECTION("NTLM inside SPNEGO from a client without a ticket") {
    const auto r = lab.run({"client", "--url", apache.url("/krb5/whoami"), "--format", "json"}, no_ticket(lab));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    const auto doc = r.json();
    CHECK(doc["established"] == false);
    CHECK(doc["error"]["class"] == "http_token_rejected");
    CHECK(doc["error"]["message"] == "the server rejected leg 1: its 401 carries a SPNEGO reject");
    CHECK(doc["legs"][0]["decoded"]["inner_token"]["mech_types"][0]["name"] == "ntlmssp");
    REQUIRE(doc["legs"].size() == 2);
    CHECK(doc["legs"][1]["decoded"]["neg_state"]["name"] == "reject");
    CHECK(doc["legs"][1]["transport"]["status"] == 401);
    CHECK_THAT(apache.error_log(), Catch::Contains("An unsupported mechanism was requested"));
    CHECK_THAT(r.err, Catch::Contains("[http_token_rejected]"));
  }
  SECTION("a raw NTLM message under Negotiate (--mech ntlm)") {
    const auto r = lab.run({"client", "--url", apache.url("/krb5/whoami"), "--mech", "ntlm", "--format", "json"});
    CHECK(r.exit_code == 1);
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "http_token_rejected");
    CHECK(doc["error"]["message"] ==
          "the server answered leg 1 with 401 and no Negotiate token: it rejected that token");
    CHECK(doc["transport"]["scheme"] == "Negotiate");
    CHECK(doc["legs"][0]["decoded"]["type"] == "ntlm.negotiate");
    CHECK_THAT(apache.error_log(), Catch::Contains("No credentials were supplied"));
  }
  apache.stop();
}

TEST_CASE("http apache: over https the certificate is verified and its end-point hash is sent as bindings",
          "[http][apache][tls]") {
  require_apache();
  Lab lab;
  authctx::test::Pki pki;
  const auto cert = pki.issue("apache");
  auto o = options_of(lab);
  o.tls_cert = cert.cert;
  o.tls_key = cert.key;
  Apache apache(o);
  const auto r =
      lab.run({"client", "--url", apache.url("/krb5/whoami"), "--cacert", pki.ca_cert(), "--format", "json"});
  INFO(r.out << r.err << apache.error_log());
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& tls = doc["transport"]["tls"];
  CHECK(tls["verified"] == true);
  CHECK(tls["server_name"] == "localhost");
  CHECK(tls["certificate"]["subject"] == "CN=localhost,O=authctx test");
  CHECK(tls["certificate"]["issuer"] == "CN=authctx test CA,O=authctx test");
  CHECK(tls["certificate"]["signature_hash"] == "sha256");
  const auto fingerprint = authctx::test::openssl_fingerprint(cert.cert, "sha256");
  CHECK(tls["certificate"]["end_point_hash"]["hex"] == fingerprint);
  const auto& cb = doc["transport"]["channel_bindings"];
  CHECK(cb["type"] == "tls-server-end-point");
  CHECK(cb["sent"] == true);
  // "tls-server-end-point:" in hex, then the certificate's SHA-256.
  CHECK(cb["application_data_hex"] == "746c732d7365727665722d656e642d706f696e743a" + fingerprint);

  const auto untrusted = lab.run({"client", "--url", apache.url("/krb5/whoami"), "--format", "json"});
  CHECK(untrusted.exit_code == 3);
  CHECK(untrusted.json()["error"]["class"] == "tls_untrusted_certificate");
  CHECK_THAT(untrusted.json()["error"]["message"].get<std::string>(), Catch::Contains("issuer \"CN=authctx test CA"));
  apache.stop();
}

TEST_CASE("http apache: a redirect is reported and followed only with --location", "[http][apache]") {
  require_apache();
  Lab lab;
  Apache apache(options_of(lab));
  const auto stopped = lab.run({"client", "--url", apache.url("/redirect"), "--format", "json"});
  CHECK(stopped.exit_code == 1);
  CHECK(stopped.json()["error"]["class"] == "redirect_not_followed");
  CHECK_THAT(stopped.json()["error"]["hint"].get<std::string>(), Catch::Contains("--location"));
  const auto followed = lab.run({"client", "--url", apache.url("/redirect"), "--location", "--format", "json"});
  INFO(followed.out << followed.err);
  REQUIRE(followed.exit_code == 0);
  const auto doc = followed.json();
  REQUIRE(doc["transport"]["redirects"].size() == 1);
  CHECK(doc["transport"]["redirects"][0]["status"] == 302);
  CHECK_THAT(doc["transport"]["url"].get<std::string>(), Catch::EndsWith("/krb5/whoami"));
  apache.stop();
}

TEST_CASE("http apache: a load run authenticates every handshake on its own connection", "[http][apache][load]") {
  require_apache();
  Lab lab;
  Apache apache(options_of(lab));
  SECTION("krb5 location") {
    const auto r = lab.run({"client", "--url", apache.url("/krb5/whoami"), "--count", "20", "--concurrency", "2",
                            "--format", "json"});
    INFO(r.out << r.err << apache.error_log());
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["established"] == true);
    const auto& s = doc["summary"];
    CHECK(s["runs"] == 20);
    CHECK(s["established"] == 20);
    CHECK(s["failed"] == 0);
    CHECK(s["concurrency"] == 2);
    CHECK(s["phases"]["connect"]["count"] == 20);  // each run's connection and its 401 probe
    CHECK(s["phases"]["context"]["count"] == 20);
    CHECK(doc["outcomes"] == json{{"established", 20}});
    const auto& first = doc["runs"]["first"]["document"];
    CHECK(first["mech"]["name"] == "krb5");
    CHECK(first["transport"]["kind"] == "http");
    CHECK(first["transport"]["exchanges"].size() == 2);
    CHECK(first["transport"]["service"]["principal"] == "HTTP/localhost@AUTHCTX.TEST");
  }
  SECTION("NTLM location") {
    const auto r = lab.run({"client", "--url", apache.url("/ntlm/whoami"), "--count", "6", "--concurrency", "2",
                            "--format", "json"},
                           no_ticket(lab));
    INFO(r.out << r.err << apache.error_log());
    REQUIRE(r.exit_code == 0);
    CHECK(r.json()["summary"]["established"] == 6);
    CHECK(r.json()["runs"]["first"]["document"]["mech"]["name"] == "ntlm");
  }
  SECTION("a location without authentication fails once with its class") {
    const auto r = lab.run({"client", "--url", apache.url("/public/index.html"), "--count", "5", "--format", "json"});
    CHECK(r.exit_code == 1);  // one document, as a single run: the first probe found nothing to authenticate to
    CHECK(r.json()["error"]["class"] == "authentication_not_requested");
    CHECK_FALSE(r.json().contains("summary"));
  }
}

// `authctx client --url ldap://|ldaps://` against OpenLDAP slapd with Cyrus SASL in an MIT
// lab: every leg's LDAP exchange, the RFC 4752 security layer with each choice, GSS-SPNEGO,
// TLS (ldaps:// and StartTLS), the failures a person meets (a server that requires a layer,
// an address instead of a name, an untrusted certificate, no TLS for StartTLS, nobody
// listening) with their classes and exit codes, and ldapwhoami as a cross-check.
#include <catch2/catch.hpp>

#include "integration/ldap_support.hpp"
#include "lab/ports.hpp"
#include "util/base64.hpp"
#include "util/files.hpp"

using authctx::test::contains;
using authctx::test::has;
using authctx::test::require_ldap_peers;
using authctx::test::SlapdOnLab;
using authctx::test::SlapdOptions;
using authctx::test::warning_classes;
using nlohmann::json;

namespace {

const std::string k_alice = "dn:uid=alice,ou=people,dc=authctx,dc=test";

void check_gssapi_bind(const json& doc, const std::string& layer) {
  CHECK(doc["established"] == true);
  CHECK(doc["error"].is_null());
  CHECK(doc["mech"]["name"] == "krb5");
  CHECK(doc["initiator"]["target_name"] == "ldap/localhost@AUTHCTX.TEST");
  REQUIRE(doc["legs"].size() == 2);
  const auto& first = doc["legs"][0]["transport"]["ldap"];
  CHECK(first["message_id"] == 1);
  CHECK(first["operation"] == "bindRequest");
  CHECK(first["mechanism"] == "GSSAPI");
  const auto& second = doc["legs"][1]["transport"]["ldap"];
  CHECK(second["message_id"] == 1);
  CHECK(second["operation"] == "bindResponse");
  CHECK(second["result_code"] == 14);
  CHECK(second["result_name"] == "saslBindInProgress");
  CHECK(doc["legs"][1]["decoded"]["inner_token"]["type"] == "krb5.ap_rep");
  const auto& app = doc["application"];
  CHECK(app["protocol"] == "ldap");
  CHECK(app["bind"]["result_name"] == "success");
  const auto& sl = app["security_layer"];
  CHECK(sl["negotiation"] == "rfc4752");
  CHECK(sl["offer"]["layers"] == json::array({"none", "integrity", "confidentiality"}));
  CHECK(sl["offer"]["max_buffer"].get<int>() > 0);
  CHECK(sl["offer"]["unwrapped_hex"].get<std::string>().rfind("07", 0) == 0);
  CHECK(sl["offer"]["wrapped_decoded"]["type"] == "krb5.wrap");
  CHECK(has(sl["offer"]["wrapped_decoded"]["flags"], "sent_by_acceptor"));
  CHECK(sl["choice"]["layer"] == layer);
  CHECK(sl["choice"]["wrapped_decoded"]["type"] == "krb5.wrap");
  CHECK(app["protection"]["layer"] == layer);
  CHECK(app["root_dse"]["namingContexts"] == json::array({"dc=authctx,dc=test"}));
  CHECK(has(app["root_dse"]["supportedSASLMechanisms"], "GSSAPI"));
  CHECK(app["authorization_identity"] == k_alice);
  CHECK(doc["transport"]["kind"] == "ldap");
  CHECK(doc["transport"]["resolved_by"] == "--resolve");
  CHECK(doc["transport"]["connected_to"].get<std::string>().rfind("127.0.0.1:", 0) == 0);
}

}  // namespace

TEST_CASE("ldap client: GSSAPI seals the root DSE search and WhoAmI by default", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  check_gssapi_bind(doc, "confidentiality");
  const auto& app = doc["application"];
  CHECK(app["security_layer"]["choice"]["unwrapped_hex"] == "04010000");
  CHECK(app["protection"]["wrapped_tokens_received"]["sealed"].get<int>() >= 3);
  CHECK(app["protection"]["wrapped_tokens_received"]["signed_only"] == 0);
  // Message 2: the empty response after the context; 3: the wrapped choice; 4: the search.
  const auto& ex = app["exchanges"];
  REQUIRE(ex.size() == 4);
  CHECK(ex[0]["message_id"] == 2);
  CHECK(ex[0]["responses"][0]["result_name"] == "saslBindInProgress");
  CHECK(ex[1]["message_id"] == 3);
  CHECK(ex[1]["responses"][0]["result_name"] == "success");
  CHECK(ex[2]["operation"] == "searchRequest");
  CHECK(ex[2]["sasl_buffers"].size() == 1);
  CHECK(ex[2]["responses"][0]["operation"] == "searchResEntry");
  CHECK(ex[3]["operation"] == "extendedReq");
  CHECK(doc["warnings"].empty());
}

TEST_CASE("ldap client: GSSAPI with --sasl-layer integrity signs without sealing", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--sasl-layer", "integrity"});
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  check_gssapi_bind(doc, "integrity");
  CHECK(doc["application"]["security_layer"]["choice"]["unwrapped_hex"] == "02010000");
  CHECK(doc["application"]["protection"]["wrapped_tokens_received"]["sealed"] == 0);
  CHECK(doc["application"]["protection"]["wrapped_tokens_received"]["signed_only"].get<int>() >= 3);
  CHECK(has(doc["initiator"]["flags"]["requested"], "integ"));
  CHECK_FALSE(has(doc["initiator"]["flags"]["requested"], "conf"));
}

TEST_CASE("ldap client: GSSAPI with --sasl-layer none and an authzid leaves the search in the clear", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--sasl-layer", "none", "--sasl-maxbuf", "4096", "--authzid", k_alice});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  check_gssapi_bind(doc, "none");
  const auto& choice = doc["application"]["security_layer"]["choice"];
  CHECK(choice["max_buffer"] == 0);  // RFC 4752 §3.1: 0 without a layer, whatever --sasl-maxbuf says
  CHECK(choice["authzid"] == k_alice);
  CHECK(choice["unwrapped_hex"].get<std::string>().rfind("01000000", 0) == 0);
  for (const auto& ex : doc["application"]["exchanges"]) CHECK_FALSE(ex.contains("sasl_buffers"));
}

TEST_CASE("ldap client: GSS-SPNEGO gets its final token with success and seals per the flags", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--mech", "spnego"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["mech"]["name"] == "krb5");
  CHECK(doc["requested_mech"]["name"] == "spnego");
  REQUIRE(doc["legs"].size() == 2);
  CHECK(doc["legs"][0]["transport"]["ldap"]["mechanism"] == "GSS-SPNEGO");
  CHECK(doc["legs"][1]["decoded"]["type"] == "spnego.neg_token_resp");
  CHECK(doc["legs"][1]["transport"]["ldap"]["result_name"] == "success");
  const auto& app = doc["application"];
  CHECK(app["security_layer"]["negotiation"] == "gss_flags");
  CHECK(app["protection"]["wrapped_tokens_received"]["sealed"].get<int>() >= 3);
  CHECK(app["authorization_identity"] == k_alice);
}

TEST_CASE("ldap client: none against a server that requires a layer is refused and explained", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOptions options;
  options.sasl_secprops = "minssf=1";
  SlapdOnLab s(options);
  const auto r = s.client({"--sasl-layer", "none"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == true);  // the context was; the bind was not
  CHECK(has(json(warning_classes(doc)), "sasl_protection_required"));
  CHECK(doc["application"]["security_layer"]["offer"]["layers"] == json::array({"integrity", "confidentiality"}));
  CHECK(doc["error"]["class"] == "sasl_layer_refused");
  CHECK(doc["error"]["stage"] == "ldap_bind");
  CHECK(contains(doc["error"]["message"], "other (80)"));
  CHECK(contains(doc["error"]["hint"], "--sasl-layer"));
  CHECK(contains(r.err, "[sasl_layer_refused]"));
}

TEST_CASE("ldap client: an address in the URL is classified with the --resolve fix", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r =
      s.lab.run({"client", "--url", "ldap://127.0.0.1:" + std::to_string(s.slapd->port()), "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "service_principal_unknown");
  CHECK(doc["initiator"].is_null());
  CHECK(contains(doc["error"]["minor"]["text"], "ldap/127.0.0.1@AUTHCTX.TEST"));
  CHECK(contains(doc["error"]["hint"], "--resolve NAME:" + std::to_string(s.slapd->port()) + ":127.0.0.1"));
  CHECK(has(json(warning_classes(doc)), "ldap_target_is_address"));
}

TEST_CASE("ldap client: ldapwhoami binds as the same identity with the same strength", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto ours = s.client({}).json();
  authctx::util::RunOptions run;
  run.argv = {*authctx::util::find_program("ldapwhoami"),           "-N", "-Y", "GSSAPI", "-H",
              "ldap://localhost:" + std::to_string(s.slapd->port())};
  run.env = authctx::util::current_environment(s.lab.env());
  const auto theirs = authctx::util::run(run);
  INFO(theirs.out << theirs.err);
  REQUIRE(theirs.exit_code == 0);
  CHECK(contains(theirs.out, ours["application"]["authorization_identity"].get<std::string>()));
  // SSF 256: Cyrus chose confidentiality with the aes256 session key, as authctx did.
  CHECK(contains(theirs.err, "SASL SSF: 256"));
  CHECK(ours["application"]["security_layer"]["choice"]["layer"] == "confidentiality");
  CHECK(ours["initiator"]["sasl_ssf"] == 256);
}

TEST_CASE("ldap client: ldaps and StartTLS verify the certificate and bind without a layer inside", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOptions options;
  options.tls = true;
  SlapdOnLab s(options);
  SECTION("ldaps") {
    const auto r = s.client({"--cacert", s.slapd->ca_file()}, true);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    const auto& tls = doc["transport"]["tls"];
    CHECK(tls["started_by"] == "ldaps");
    CHECK(tls["verified"] == true);
    CHECK(tls["peer_subject"] == "/CN=localhost");
    CHECK(tls["server_end_point_hash"] == "sha256");
    CHECK(doc["application"]["security_layer"]["choice"]["layer"] == "none");
    CHECK(doc["application"]["authorization_identity"] == k_alice);
  }
  SECTION("StartTLS") {
    const auto r = s.client({"--starttls", "--cacert", s.slapd->ca_file()});
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["transport"]["tls"]["started_by"] == "starttls");
    CHECK(doc["transport"]["starttls"]["message_id"] == 1);
    CHECK(doc["transport"]["starttls"]["responses"][0]["result_name"] == "success");
    CHECK(doc["legs"][0]["transport"]["ldap"]["message_id"] == 2);
  }
  SECTION("a certificate nobody vouches for") {
    const auto r = s.client({}, true);
    CHECK(r.exit_code == 3);
    CHECK(r.json()["error"]["class"] == "tls_certificate_untrusted");
    CHECK(contains(r.json()["error"]["hint"], "--cacert"));
  }
  SECTION("--insecure looks anyway and says so") {
    const auto r = s.client({"--insecure"}, true);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["transport"]["tls"]["verified"] == false);
    CHECK(has(json(warning_classes(doc)), "tls_not_verified"));
  }
}

TEST_CASE("ldap client: StartTLS refused and nobody listening are transport failures", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto refused = s.client({"--starttls", "--insecure"});
  CHECK(refused.exit_code == 3);
  CHECK(refused.json()["error"]["class"] == "starttls_refused");
  const int port = authctx::lab::pick_free_port();
  const auto nobody = s.lab.run({"client", "--url", "ldap://localhost:" + std::to_string(port), "--resolve",
                                 "localhost:" + std::to_string(port) + ":127.0.0.1", "--format", "json"});
  CHECK(nobody.exit_code == 3);
  CHECK(nobody.json()["error"]["class"] == "connection_refused");
}

TEST_CASE("ldap client: the text view shows each leg's LDAP message and the layer negotiation", "[ldap][slapd]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.lab.run({"client", "--url", s.url(), "--resolve", s.resolve(), "--format", "text"});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "LDAP #1 bindRequest GSSAPI"));
  CHECK(contains(r.out, "LDAP #1 bindResponse"));
  CHECK(contains(r.out, "saslBindInProgress (14)"));
  CHECK(contains(r.out, "server offers       none, integrity, confidentiality; max buffer"));
  CHECK(contains(r.out, "client chose        confidentiality"));
  CHECK(contains(r.out, "bound as            " + k_alice));
}

TEST_CASE("ldap client: --expect and --junit judge the bind as they judge any handshake", "[ldap][slapd][policy]") {
  require_ldap_peers();
  SlapdOptions options;
  options.sasl_secprops = "minssf=1";
  SlapdOnLab s(options);
  authctx::test::TempDir tmp;
  const auto report = tmp.path + "/ldap.xml";
  SECTION("every expectation holds on a sealed GSSAPI bind") {
    const auto r = s.client({"--expect", "mech=krb5", "--expect", "flags>=mutual,integ,conf", "--expect",
                             "target=ldap/localhost@AUTHCTX.TEST", "--expect", "user=alice@AUTHCTX.TEST", "--expect",
                             "legs<=2", "--junit", report});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    REQUIRE(doc["expectations"].size() == 5);
    for (const auto& e : doc["expectations"]) CHECK(e["ok"] == true);
    CHECK(doc["application"]["authorization_identity"] == k_alice);
    const auto xml = authctx::util::read_file(report);
    CHECK(contains(xml, "expect flags&gt;=mutual,integ,conf"));
    CHECK_FALSE(contains(xml, "<failure"));
  }
  SECTION("an unmet expectation on an established bind exits 6") {
    const auto r = s.client({"--expect", "mech=spnego", "--junit", report});
    REQUIRE(r.exit_code == 6);
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "expectation_failed");
    CHECK(doc["expectations"][0]["actual"] == "krb5");
    CHECK(contains(authctx::util::read_file(report), "<failure"));
  }
  SECTION("a bind refused after the context keeps exit 1 and fails the JUnit report") {
    const auto r = s.client({"--sasl-layer", "none", "--expect", "mech=krb5", "--junit", report});
    REQUIRE(r.exit_code == 1);
    const auto doc = r.json();
    CHECK(doc["error"]["class"] == "sasl_layer_refused");
    CHECK(doc["expectations"][0]["ok"] == true);  // the context was krb5; the bind failed after it
    const auto xml = authctx::util::read_file(report);
    CHECK(contains(xml, "<failure type=\"sasl_layer_refused\" message=\"established, then failed: "));
  }
}

TEST_CASE("ldap client: URL options that cannot work together are usage errors", "[ldap]") {
  const auto run = [](std::vector<std::string> args) { return authctx::test::run_authctx(args); };
  CHECK(run({"client", "--url", "ldaps://dc1", "--starttls"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1", "--mech", "ntlm"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1", "--count", "2", "--record", "/tmp/authctx-never-written"}).exit_code ==
        2);
  CHECK(run({"client", "--url", "ldap://dc1", "--cacert", "/etc/hosts"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1", "--connect", "127.0.0.1:1"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1", "--sasl-layer", "sign"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1", "--sasl-maxbuf", "16777216"}).exit_code == 2);
  CHECK(run({"client", "--url", "ldap://dc1/dc=example", "--format", "json"}).exit_code == 2);
  const auto bad = run({"client", "--url", "ldap://dc1", "--resolve", "dc1:389:notanaddress", "--format", "json"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "not a numeric address"));
  CHECK(run({"client", "--url", "ldap://dc1", "--expect", "bogus"}).exit_code == 2);
  CHECK(run({"client", "--url", "ftp://dc1"}).exit_code == 2);
  // Each scheme family's options are refused with a URL of the other.
  const auto header = run({"client", "--url", "ldap://dc1", "--header", "X-A: b"});
  CHECK(header.exit_code == 2);
  CHECK(contains(header.err, "--header is for http:// and https:// URLs"));
  const auto layer = run({"client", "--url", "https://www.example.test/", "--sasl-layer", "none"});
  CHECK(layer.exit_code == 2);
  CHECK(contains(layer.err, "--sasl-layer is for ldap:// and ldaps:// URLs"));
}

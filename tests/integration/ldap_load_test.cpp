// Load runs of LDAP binds (`client --url ldap://... --count --concurrency --duration
// --fresh-tickets`) against OpenLDAP slapd with Cyrus SASL in an MIT lab: every run is a
// connection and a whole bind (security layer, root DSE, WhoAmI), counted in the summary;
// the duration honoured; outcomes counted by class when binds fail on purpose (at the KDC,
// at the server, or with nobody listening); KDC requests with --fresh-tickets.
// Functional checks only: figures belong to scripts/bench-handshakes.
#include <catch2/catch.hpp>

#include <chrono>

#include "integration/ldap_support.hpp"
#include "lab/ports.hpp"
#include "support/load_summary.hpp"

using authctx::test::check_phase;
using authctx::test::contains;
using authctx::test::has;
using authctx::test::require_ldap_peers;
using authctx::test::SlapdOnLab;
using authctx::test::SlapdOptions;
using authctx::test::warning_classes;
using nlohmann::json;

TEST_CASE("ldap load: --count and --concurrency make a connection and a whole bind per run", "[ldap][slapd][load]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--count", "6", "--concurrency", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["command"] == "client");
  CHECK(doc["established"] == true);
  CHECK(doc["error"].is_null());
  CHECK(doc["mech"]["name"] == "krb5");
  const auto& sum = doc["summary"];
  CHECK(sum["runs"] == 6);
  CHECK(sum["established"] == 6);
  CHECK(sum["failed"] == 0);
  CHECK(sum["concurrency"] == 2);
  CHECK(sum["stopped_by"] == "count");
  CHECK(sum["fresh_tickets"] == false);
  CHECK(sum["handshakes_per_second"].get<double>() > 0);
  // Each thread copies the lab's ccache (its TGT) and fetches the service ticket once.
  CHECK(sum["kdc_requests"].get<int>() >= 1);
  CHECK(sum["kdc_requests"].get<int>() <= 2);
  check_phase(sum["phases"]["total"], 6);
  check_phase(sum["phases"]["connect"], 6);
  check_phase(sum["phases"]["context"], 6);
  CHECK(sum["phases"]["messages"].is_null());  // the LDAP phase is the proof: its own phase
  check_phase(sum["phases"]["application"], 6);
  CHECK(doc["outcomes"] == json{{"established", 6}});
  CHECK(doc["failures"].empty());
  // The first run is kept in full: its LDAP legs, the security layer decoded, the proof.
  const auto& first = doc["runs"]["first"]["document"];
  CHECK(first["established"] == true);
  CHECK(first["initiator"]["target_name"] == "ldap/localhost@AUTHCTX.TEST");
  REQUIRE(first["legs"].size() == 2);
  CHECK(first["legs"][0]["transport"]["ldap"]["operation"] == "bindRequest");
  CHECK(first["legs"][1]["transport"]["ldap"]["result_name"] == "saslBindInProgress");
  const auto& app = first["application"];
  CHECK(app["bind"]["result_name"] == "success");
  CHECK(app["security_layer"]["choice"]["layer"] == "confidentiality");
  CHECK(app["security_layer"]["offer"]["wrapped_decoded"]["type"] == "krb5.wrap");
  CHECK(app["security_layer"]["choice"]["wrapped_decoded"]["type"] == "krb5.wrap");
  CHECK(app["authorization_identity"] == "dn:uid=alice,ou=people,dc=authctx,dc=test");
  CHECK(first["transport"]["kind"] == "ldap");
  CHECK(first["transport"]["resolved_by"] == "--resolve");
  CHECK(first["transport"]["connected_to"] == "127.0.0.1:" + std::to_string(s.slapd->port()));
  CHECK(first["peer"] == "127.0.0.1:" + std::to_string(s.slapd->port()));
  CHECK(first["warnings"].empty());
}

TEST_CASE("ldap load: the text view has a row for the LDAP phase with the names column widened",
          "[ldap][slapd][load][text]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.lab.run(
      {"--format", "text", "--color", "never", "client", "--url", s.url(), "--resolve", s.resolve(), "--count", "2"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\n  phase        count      p50 "));  // as wide as "application"
  CHECK_THAT(r.out, Catch::Contains("\n  application      2 "));
  CHECK_THAT(r.out, Catch::Contains("\n  total            2 "));
}

TEST_CASE("ldap load: --duration stops on time", "[ldap][slapd][load]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = s.client({"--duration", "1", "--sasl-layer", "integrity"});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& sum = doc["summary"];
  CHECK(sum["stopped_by"] == "duration");
  CHECK(sum["duration_s"] == 1);
  CHECK(sum["runs"].get<int>() > 0);
  CHECK(sum["runs"] == sum["established"]);
  CHECK(sum["total_ms"].get<double>() >= 1000);
  CHECK(doc["runs"]["first"]["document"]["application"]["protection"]["layer"] == "integrity");
  CHECK(wall < 30);  // a bound, not a figure: the runs in flight finish, then the summary
}

TEST_CASE("ldap load: failures are counted by class at the KDC and with nobody listening", "[ldap][slapd][load]") {
  require_ldap_peers();
  SlapdOnLab s;
  // A service the KDC does not know: every run's first step fails at the KDC, so no run
  // connects.
  const auto unknown = s.client({"--count", "4", "--concurrency", "2", "--target", "ldap@nosuchhost"});
  INFO(unknown.err);
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.err, "a run failed: "));
  CHECK(contains(unknown.err, "[service_principal_unknown]"));
  const auto doc = unknown.json();
  CHECK(doc["established"] == false);
  CHECK(doc["outcomes"] == json{{"service_principal_unknown", 4}});
  CHECK(doc["summary"]["runs"] == 4);
  CHECK(doc["summary"]["failed"] == 4);
  CHECK(doc["summary"]["kdc_requests"] == 4);
  CHECK(doc["summary"]["phases"]["connect"].is_null());
  REQUIRE(doc["failures"].size() == 1);
  const auto& f = doc["failures"][0];
  CHECK(f["class"] == "service_principal_unknown");
  CHECK(f["count"] == 4);
  CHECK(f["error"]["side"] == "initiator");
  CHECK(contains(f["error"]["minor"]["text"], "ldap/nosuchhost@AUTHCTX.TEST"));
  CHECK(f["document"]["transport"]["connected_to"].is_null());
  CHECK(doc["error"]["class"] == "service_principal_unknown");

  // The URL names an address: each failure keeps the single bind's warning and --resolve hint.
  const auto port = std::to_string(s.slapd->port());
  const auto address = s.lab.run({"client", "--url", "ldap://127.0.0.1:" + port, "--count", "2", "--format", "json"});
  CHECK(address.exit_code == 1);
  const auto adoc = address.json();
  CHECK(adoc["outcomes"] == json{{"service_principal_unknown", 2}});
  REQUIRE(adoc["failures"].size() == 1);
  CHECK(contains(adoc["failures"][0]["error"]["hint"], "--resolve NAME:" + port + ":127.0.0.1"));
  CHECK(has(json(warning_classes(adoc["failures"][0]["document"])), "ldap_target_is_address"));

  // Nobody listening: a transport failure per run, and exit 3.
  const int free_port = authctx::lab::pick_free_port();
  const auto nobody =
      s.lab.run({"client", "--url", "ldap://localhost:" + std::to_string(free_port), "--resolve",
                 "localhost:" + std::to_string(free_port) + ":127.0.0.1", "--count", "3", "--format", "json"});
  CHECK(nobody.exit_code == 3);
  const auto ndoc = nobody.json();
  CHECK(ndoc["outcomes"] == json{{"connection_refused", 3}});
  CHECK(ndoc["summary"]["phases"]["connect"].is_null());
  CHECK(ndoc["error"]["class"] == "connection_refused");
}

TEST_CASE("ldap load: a bind the server refuses after the context is counted by its class", "[ldap][slapd][load]") {
  require_ldap_peers();
  SlapdOptions options;
  options.sasl_secprops = "minssf=1";
  SlapdOnLab s(options);
  const auto r = s.client({"--count", "3", "--sasl-layer", "none"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["outcomes"] == json{{"sasl_layer_refused", 3}});
  CHECK(doc["summary"]["established"] == 0);
  // Each run connected and established the context before the server refused the layer.
  check_phase(doc["summary"]["phases"]["connect"], 3);
  REQUIRE(doc["failures"].size() == 1);
  CHECK(doc["failures"][0]["error"]["stage"] == "ldap_bind");
  CHECK(doc["failures"][0]["document"]["established"] == true);
}

TEST_CASE("ldap load: --fresh-tickets asks the KDC for a ticket for every bind", "[ldap][slapd][load]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--count", "4", "--fresh-tickets", "--mech", "spnego"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto& sum = doc["summary"];
  CHECK(sum["fresh_tickets"] == true);
  CHECK(sum["runs"] == 4);
  CHECK(sum["established"] == 4);
  CHECK(sum["kdc_requests"].get<int>() >= sum["runs"].get<int>());
  check_phase(sum["phases"]["kdc"], 4);
  CHECK(doc["mech"]["name"] == "krb5");
  CHECK(doc["requested_mech"]["name"] == "spnego");
  CHECK(doc["runs"]["first"]["document"]["legs"][0]["transport"]["ldap"]["mechanism"] == "GSS-SPNEGO");
}

TEST_CASE("ldap load: --expect checks every bind and the summary tallies them", "[ldap][slapd][load][policy]") {
  require_ldap_peers();
  SlapdOnLab s;
  const auto r = s.client({"--count", "4", "--concurrency", "2", "--expect", "user=alice@AUTHCTX.TEST", "--expect",
                           "flags>=integ,conf", "--expect", "mech=spnego"});
  INFO(r.err);
  REQUIRE(r.exit_code == 6);
  const auto doc = r.json();
  CHECK(doc["summary"]["established"] == 4);
  REQUIRE(doc["expectations"].size() == 3);
  CHECK(doc["expectations"][0]["ok"] == true);
  CHECK(doc["expectations"][0]["runs"]["passed"] == 4);
  CHECK(doc["expectations"][1]["ok"] == true);
  CHECK(doc["expectations"][1]["runs"]["passed"] == 4);
  CHECK(doc["expectations"][2]["ok"] == false);
  CHECK(doc["expectations"][2]["runs"]["failed"] == 4);
  CHECK(doc["expectations"][2]["actual"] == "krb5");
  CHECK(doc["error"]["class"] == "expectation_failed");
}

TEST_CASE("ldap load: ldaps and StartTLS runs each verify the certificate on their own connection",
          "[ldap][slapd][load][tls]") {
  require_ldap_peers();
  SlapdOptions options;
  options.tls = true;
  SlapdOnLab s(options);
  const auto ldaps = s.client({"--count", "4", "--concurrency", "2", "--cacert", s.slapd->ca_file()}, true);
  INFO(ldaps.err);
  REQUIRE(ldaps.exit_code == 0);
  const auto doc = ldaps.json();
  CHECK(doc["summary"]["established"] == 4);
  check_phase(doc["summary"]["phases"]["connect"], 4);  // TCP and the TLS handshake
  const auto& first = doc["runs"]["first"]["document"];
  CHECK(first["transport"]["tls"]["started_by"] == "ldaps");
  CHECK(first["transport"]["tls"]["verified"] == true);
  CHECK(first["application"]["security_layer"]["choice"]["layer"] == "none");
  // StartTLS with an untrusted certificate: every run fails its own TLS handshake.
  const auto untrusted = s.client({"--count", "3", "--starttls"});
  CHECK(untrusted.exit_code == 3);
  const auto udoc = untrusted.json();
  REQUIRE(udoc["failures"].size() == 1);
  CHECK(udoc["outcomes"] == json{{"tls_certificate_untrusted", 3}});
  CHECK(contains(udoc["failures"][0]["error"]["hint"], "--cacert"));
  CHECK(udoc["failures"][0]["document"]["peer"] == "127.0.0.1:" + std::to_string(s.slapd->port()));
}

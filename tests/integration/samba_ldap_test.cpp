// `authctx client --url ldap://` against a Samba AD domain controller (`lab up --kdc samba`,
// LDAP signing required): GSSAPI with integrity and with confidentiality, "none" refused
// with "Sign or Seal are required" and the fix, GSS-SPNEGO signing or sealing by the GSS-API
// flags (and refused without them), an address instead of the DC's name, and OpenLDAP's
// ldapsearch as a cross-check of the root DSE. Skips (77) unless the AD lab can run here.
#include <catch2/catch.hpp>

#include <filesystem>

#include "integration/samba_support.hpp"

using authctx::test::AdLab;
using authctx::test::contains;
using authctx::test::has;
using authctx::test::require_samba;
using authctx::test::Run;
using nlohmann::json;

namespace {

const std::string k_dc = "dc1.ad.authctx.test";

Run bind(const AdLab& lab, std::vector<std::string> extra) {
  std::vector<std::string> args{"client",   "--url", "ldap://" + k_dc, "--resolve", k_dc + ":389:" + lab.address(),
                                "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return lab.run(args);
}

void check_root_dse(const json& doc) {
  const auto& dse = doc["application"]["root_dse"];
  CHECK(dse["defaultNamingContext"] == json::array({"DC=ad,DC=authctx,DC=test"}));
  CHECK(dse["dnsHostName"] == json::array({k_dc}));
  CHECK(has(dse["supportedSASLMechanisms"], "GSS-SPNEGO"));
  CHECK(has(dse["supportedSASLMechanisms"], "GSSAPI"));
  // Samba does not list WhoAmI (and refuses it): the search is the proof.
  CHECK(doc["application"]["whoami"]["sent"] == false);
}

}  // namespace

TEST_CASE("samba ldap: GSSAPI with confidentiality and with integrity binds to the DC", "[samba][ldap]") {
  require_samba();
  AdLab lab;
  for (const std::string layer : {"confidentiality", "integrity"}) {
    const auto r = bind(lab, {"--sasl-layer", layer});
    INFO(layer << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = r.json();
    CHECK(doc["initiator"]["target_name"] == "ldap/" + k_dc + "@AD.AUTHCTX.TEST");
    CHECK(doc["legs"][1]["transport"]["ldap"]["result_name"] == "saslBindInProgress");
    const auto& sl = doc["application"]["security_layer"];
    CHECK(sl["offer"]["layers"] == json::array({"none", "integrity", "confidentiality"}));
    CHECK(sl["choice"]["layer"] == layer);
    const auto& received = doc["application"]["protection"]["wrapped_tokens_received"];
    CHECK(received[layer == "confidentiality" ? "sealed" : "signed_only"].get<int>() >= 1);
    CHECK(received[layer == "confidentiality" ? "signed_only" : "sealed"] == 0);
    check_root_dse(doc);
  }
}

TEST_CASE("samba ldap: GSSAPI with no layer is refused with Sign or Seal are required", "[samba][ldap]") {
  require_samba();
  AdLab lab;
  const auto r = bind(lab, {"--sasl-layer", "none"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["established"] == true);
  CHECK(doc["error"]["class"] == "ldap_signing_required");
  CHECK(doc["error"]["stage"] == "ldap_bind");
  CHECK(contains(doc["error"]["message"], "strongerAuthRequired (8): SASL:[GSSAPI]: Sign or Seal are required."));
  CHECK(contains(doc["error"]["hint"], "--sasl-layer integrity"));
  CHECK(doc["application"]["security_layer"]["choice"]["unwrapped_hex"] == "01000000");
  CHECK(contains(r.err, "[ldap_signing_required]"));
}

TEST_CASE("samba ldap: GSS-SPNEGO signs or seals by the flags and is refused without them", "[samba][ldap]") {
  require_samba();
  AdLab lab;
  const auto sealed = bind(lab, {"--mech", "spnego"});
  INFO(sealed.err);
  REQUIRE(sealed.exit_code == 0);
  const auto doc = sealed.json();
  CHECK(doc["legs"][1]["decoded"]["type"] == "spnego.neg_token_resp");
  CHECK(doc["legs"][1]["transport"]["ldap"]["result_name"] == "success");
  CHECK(doc["application"]["protection"]["wrapped_tokens_received"]["sealed"].get<int>() >= 1);
  check_root_dse(doc);
  const auto signed_only = bind(lab, {"--mech", "spnego", "--sasl-layer", "integrity"});
  REQUIRE(signed_only.exit_code == 0);
  CHECK(signed_only.json()["application"]["protection"]["wrapped_tokens_received"]["signed_only"].get<int>() >= 1);
  CHECK_FALSE(has(signed_only.json()["initiator"]["flags"]["requested"], "conf"));
  const auto refused = bind(lab, {"--mech", "spnego", "--sasl-layer", "none"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.json()["error"]["class"] == "ldap_signing_required");
  CHECK(contains(refused.json()["error"]["message"], "SASL:[GSS-SPNEGO]: Sign or Seal are required."));
}

TEST_CASE("samba ldap: the DC's address in the URL has no SPN and the fix names --resolve", "[samba][ldap]") {
  require_samba();
  AdLab lab;
  const auto r = lab.run({"client", "--url", "ldap://" + lab.address(), "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["class"] == "service_principal_unknown");
  CHECK(contains(doc["error"]["hint"], "--resolve NAME:389:" + lab.address()));
  CHECK(contains(doc["error"]["minor"]["text"], "Server not found in Kerberos database"));
  REQUIRE(doc["warnings"].size() >= 1);
  CHECK(doc["warnings"][0]["class"] == "ldap_target_is_address");
}

TEST_CASE("samba ldap: ldapsearch reads the same root DSE through a sealed GSSAPI bind", "[samba][ldap]") {
  require_samba();
  if (!authctx::util::find_program("ldapsearch") || !authctx::util::find_program("unshare")) {
    WARN("ldapsearch (ldap-utils) or unshare is not installed");
    std::exit(77);
  }
  AdLab lab;
  const auto ours = bind(lab, {}).json();
  // OpenLDAP's client names the service after the URL's host: a private /etc/hosts gives it
  // the DC's address (as lab_samba's signing test does).
  authctx::test::TempDir tmp;
  authctx::util::write_private_file(tmp.path + "/hosts", lab.address() + " " + k_dc + "\n");
  const auto theirs =
      authctx::test::run_tool(lab, {"unshare", "-m", "sh", "-c",
                                    "mount --bind \"$0\" /etc/hosts && exec ldapsearch -LLL -H ldap://" + k_dc +
                                        " -Y GSSAPI -b '' -s base defaultNamingContext dnsHostName",
                                    tmp.path + "/hosts"});
  INFO(theirs.err);
  REQUIRE(theirs.exit_code == 0);
  CHECK(contains(theirs.err, "SASL SSF: 256"));
  CHECK(contains(theirs.out, "defaultNamingContext: " +
                                 ours["application"]["root_dse"]["defaultNamingContext"][0].get<std::string>()));
  CHECK(contains(theirs.out, "dnsHostName: " + ours["application"]["root_dse"]["dnsHostName"][0].get<std::string>()));
  CHECK(ours["application"]["security_layer"]["choice"]["layer"] == "confidentiality");
}

TEST_CASE("samba ldap: inside verified TLS the DC refuses both a layer and none until signing is relaxed",
          "[samba][ldap]") {
  require_samba();
  AdLab lab;
  // Samba's autogenerated CA, made when its LDAP server starts TLS.
  const std::string ca = lab.dir() + "/samba/private/tls/ca.pem";
  auto ldaps = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"client",   "--url", "ldaps://" + k_dc, "--resolve", k_dc + ":636:" + lab.address(),
                                  "--cacert", ca,      "--format",        "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return lab.run(args);
  };
  const auto none = ldaps({});
  CHECK(none.exit_code == 1);
  const auto doc = none.json();
  CHECK(doc["transport"]["tls"]["verified"] == true);
  CHECK(contains(doc["transport"]["tls"]["peer_subject"], "CN=DC1.ad.authctx.test"));
  CHECK(doc["error"]["class"] == "ldap_signing_required");
  CHECK(contains(doc["error"]["hint"], "does not count TLS"));
  const auto layer = ldaps({"--sasl-layer", "integrity"});
  CHECK(layer.exit_code == 1);
  CHECK(layer.json()["error"]["class"] == "sasl_layer_over_tls_refused");
  CHECK(contains(layer.json()["error"]["message"], "Sign or Seal are not allowed if TLS is used"));
  lab.knob({"ldap-signing", "--mode", "relax"});
  const auto relaxed = ldaps({"--mech", "spnego"});
  INFO(relaxed.err);
  REQUIRE(relaxed.exit_code == 0);
  CHECK(relaxed.json()["application"]["protection"]["layer"] == "none");
  check_root_dse(relaxed.json());
}

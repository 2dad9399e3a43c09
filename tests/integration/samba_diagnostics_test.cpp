// Diagnostics that Active Directory makes possible (src/report/ad_diagnostics.hpp), each
// provoked for real against an AD lab: an RC4 service ticket, a duplicate SPN, an SPN moved
// to another account (the acceptor cannot decrypt: KRB_AP_ERR_MODIFIED on Windows), a stale
// keytab after a password change, an IP address where a host name was needed, and
// delegation refused by account policy.
#include <catch2/catch.hpp>

#include "integration/samba_support.hpp"

using authctx::test::AdLab;
using authctx::test::Background;
using authctx::test::contains;
using authctx::test::has;
using authctx::test::require_samba;
using nlohmann::json;

namespace {

json warning(const json& doc, const std::string& cls) {
  for (const auto& w : doc["warnings"])
    if (w["class"] == cls) return w;
  return nullptr;
}

std::string hint_of(const json& doc) { return doc["error"]["hint"].get<std::string>(); }

}  // namespace

TEST_CASE("ad diagnostics: an RC4 service ticket warns and names the account and the fix", "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  const auto r = lab.run({"local", "--target", "HTTP@localhost", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const auto w = warning(r.json(), "rc4_service_ticket");
  REQUIRE(w.is_object());
  CHECK(contains(w["message"], "HTTP/localhost@AD.AUTHCTX.TEST is encrypted with arcfour-hmac"));
  CHECK(contains(w["message"], "although the session key is aes256-cts-hmac-sha1-96"));
  const auto hint = w["hint"].get<std::string>();
  CHECK(contains(hint, "websvc"));
  CHECK(contains(hint, "msDS-SupportedEncryptionTypes"));
  CHECK(contains(hint, "authctx lab ad enctypes --account websvc --enctypes aes --dir " + lab.dir()));
  CHECK(contains(hint, "Set-ADUser websvc -KerberosEncryptionType AES128,AES256"));
  // The fix it names works: no warning afterwards.
  lab.knob({"enctypes", "--account", "websvc", "--enctypes", "aes"});
  const auto fixed = lab.run({"local", "--target", "HTTP@localhost", "--format", "json"});
  REQUIRE(fixed.exit_code == 0);
  CHECK(warning(fixed.json(), "rc4_service_ticket").is_null());
}

TEST_CASE("ad diagnostics: a duplicate SPN names both accounts and setspn -X in krb5 and SPNEGO",
          "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  lab.knob({"spn", "--account", "hostsvc", "--add", "HTTP/localhost"});
  const auto krb5 = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--format", "json"});
  CHECK(krb5.exit_code == 1);
  CHECK(krb5.json()["error"]["class"] == "service_principal_unknown");
  const auto hint = hint_of(krb5.json());
  CHECK(contains(hint, "HTTP/localhost is registered on 2 accounts (hostsvc, websvc)"));
  CHECK(contains(hint, "setspn -X"));
  CHECK(contains(hint, "authctx lab ad spn --account websvc --remove HTTP/localhost"));
  // SPNEGO quietly falls back to NTLM; the warning says why.
  const auto spnego = lab.run({"local", "--target", "HTTP@localhost", "--format", "json"});
  REQUIRE(spnego.exit_code == 0);
  CHECK(spnego.json()["mech"]["name"] == "ntlm");
  const auto w = warning(spnego.json(), "ntlm_fallback");
  REQUIRE(w.is_object());
  CHECK(contains(w["hint"], "registered on 2 accounts"));
}

TEST_CASE("ad diagnostics: an SPN on another account than the keytab's is KRB_AP_ERR_MODIFIED with setspn hints",
          "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  std::map<std::string, json> accounts;
  for (const auto& a : lab.info()["accounts"]) accounts[a["name"].get<std::string>()] = a;
  // Both service accounts have the same kvno, so the keytab has a key of the ticket's kvno
  // and enctype for HTTP/localhost, but websvc's, while the DC now uses hostsvc's.
  REQUIRE(accounts["hostsvc"]["kvno"] == accounts["websvc"]["kvno"]);
  lab.knob({"spn", "--account", "hostsvc", "--add", "HTTP/localhost"});
  lab.knob({"spn", "--account", "websvc", "--remove", "HTTP/localhost"});
  const auto r = lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--acceptor-name", "HTTP@localhost",
                          "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = r.json();
  CHECK(doc["error"]["stage"] == "accept_sec_context");
  CHECK(doc["error"]["class"] == "keytab_no_matching_key");  // not preauth_failed: that is the KDC's meaning
  REQUIRE(doc["legs"].size() == 2);
  CHECK(doc["legs"][1]["decoded"]["inner_token"]["type"] == "krb5.krb_error");
  CHECK(doc["legs"][1]["decoded"]["inner_token"]["error_code"]["name"] == "KRB_AP_ERR_BAD_INTEGRITY");
  const auto hint = hint_of(doc);
  CHECK(contains(hint, "KRB_AP_ERR_MODIFIED"));
  CHECK(contains(hint, "setspn -Q HTTP/localhost"));
  CHECK(contains(hint, "setspn -X"));
  CHECK(contains(hint, "(here: hostsvc)"));
}

TEST_CASE("ad diagnostics: a stale keytab after a password change names the AD export and the lab fix",
          "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  lab.knob({"rekey", "--account", "websvc"});
  // Over TCP: the server classifies, and the client reports the server's hint.
  Background server({"server", "--listen", "127.0.0.1:0", "--once", "--format", "json"}, lab.env());
  const int port = server.wait_for_port();
  const auto r = lab.run({"client", "--connect", "127.0.0.1:" + std::to_string(port), "--mech", "krb5", "--target",
                          "HTTP@localhost", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(r.json()["error"]["class"] == "keytab_kvno_mismatch");
  const auto hint = hint_of(r.json());
  CHECK(contains(hint, "msDS-KeyVersionNumber"));
  CHECK(contains(hint, "samba-tool domain exportkeytab"));
  CHECK(contains(hint, "authctx lab ad rekey --account websvc --update-keytab --dir " + lab.dir()));
  server.wait();
}

TEST_CASE("ad diagnostics: an IP address where a host name was needed says so and points at --resolve",
          "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  const std::string target = "HTTP@" + lab.address();  // the DC's own address, which does answer
  const auto krb5 = lab.run({"local", "--mech", "krb5", "--target", target, "--format", "json"});
  CHECK(krb5.exit_code == 1);
  CHECK(krb5.json()["error"]["class"] == "service_principal_unknown");
  const auto hint = hint_of(krb5.json());
  CHECK(contains(hint, "the target names an IP address (" + lab.address() + ")"));
  CHECK(contains(hint, "HTTP/" + lab.address()));
  CHECK(contains(hint, "--resolve HOST:PORT:ADDRESS"));
  const auto spnego = lab.run({"local", "--target", target, "--format", "json"});
  REQUIRE(spnego.exit_code == 0);
  const auto w = warning(spnego.json(), "ntlm_fallback");
  REQUIRE(w.is_object());
  CHECK(contains(w["hint"], "names an IP address"));
  // By name it works.
  CHECK(lab.run({"local", "--mech", "krb5", "--target", "HTTP@localhost", "--format", "json"}).exit_code == 0);
}

TEST_CASE("ad diagnostics: delegation refused by account policy names the flag and the account", "[samba][diagnostics]") {
  require_samba();
  AdLab lab;
  lab.knob({"delegation", "--account", "alice", "--sensitive", "on"});
  const auto sensitive = lab.run({"local", "--target", "host@localhost", "--delegate", "--format", "json"});
  REQUIRE(sensitive.exit_code == 0);
  const auto w = warning(sensitive.json(), "delegation_not_granted");
  REQUIRE(w.is_object());
  CHECK(contains(w["message"], "not forwardable"));
  CHECK(contains(w["hint"], "alice is marked \"Account is sensitive and cannot be delegated\""));
  CHECK(contains(w["hint"], "authctx lab ad delegation --account alice --sensitive off"));
  lab.knob({"delegation", "--account", "alice", "--sensitive", "off"});

  const auto policy = lab.run({"local", "--target", "HTTP@localhost", "--delegate-policy", "--format", "json"});
  REQUIRE(policy.exit_code == 0);
  const auto p = warning(policy.json(), "delegation_not_granted");
  REQUIRE(p.is_object());
  CHECK(contains(p["message"], "ok-as-delegate"));
  CHECK(contains(p["hint"], "authctx lab ad delegation --account websvc --trusted on"));
  lab.knob({"delegation", "--account", "websvc", "--trusted", "on"});
  const auto granted = lab.run({"local", "--target", "HTTP@localhost", "--delegate-policy", "--format", "json"});
  REQUIRE(granted.exit_code == 0);
  CHECK(warning(granted.json(), "delegation_not_granted").is_null());
  CHECK(has(granted.json()["initiator"]["flags"]["granted"], "deleg"));
}

TEST_CASE("ad diagnostics: doctor against the AD lab passes and reports the DC it used", "[samba][doctor]") {
  require_samba();
  AdLab lab;
  const auto r = lab.run({"doctor", "--target", "HTTP@localhost", "--format", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto doc = r.json();
  CHECK(doc["ok"] == true);
  CHECK(doc["summary"]["fail"] == 0);
  std::map<std::string, json> checks;
  for (const auto& c : doc["checks"]) checks[c["check"].get<std::string>()] = c;
  const std::string dc = lab.address() + ":88";
  CHECK(checks["kdc_reachable"]["data"]["kdc"] == dc);
  CHECK(checks["target"]["data"]["kdc"] == dc);
  CHECK(contains(checks["target"]["detail"], "answered by " + dc));
  CHECK(checks["target"]["data"]["ticket_enctype"]["id"] == 23);  // the AD RC4 pitfall, as a warning
  CHECK(checks["target"]["status"] == "warn");
  CHECK(checks["keytab_kvno"]["status"] == "ok");
  CHECK(checks["keytab_kvno"]["data"]["pac"]["logon_info"] == true);
  CHECK(contains(checks["keytab_kvno"]["detail"], "an Active Directory domain controller issued it"));
}

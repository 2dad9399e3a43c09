// The PAC of an Active Directory lab (`authctx lab up --kdc samba`), decoded, against what
// the domain controller itself reports (`samba-tool user show`, `group show`): alice's SID
// and RID, her groups, her UPN, the domain SID; decoded offline from the urn:mspac: name
// attribute and live in the acceptor's view (its ticket: RC4 beside an AES session key, and
// its PAC name attributes). And `decode --keytab` on the same exchange: the RC4 ticket opens
// with the lab keytab and carries the same PAC.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "integration/samba_support.hpp"

using authctx::test::AdLab;
using authctx::test::require_samba;
using authctx::test::run_tool;
using nlohmann::json;

namespace {
// "objectSid: S-1-5-..." from `samba-tool user show NAME` / `group show NAME` on the lab's DC.
std::string object_sid(const AdLab& lab, const std::string& kind, const std::string& name) {
  const auto r = run_tool(lab, {"samba-tool", kind, "show", name, "-s", lab.dir() + "/samba/etc/smb.conf"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("objectSid: (S-1-5-21-[0-9-]+)")));
  return m[1];
}

const json* find_type(const json& v, const std::string& type) {
  if (v.is_object()) {
    if (v.contains("type") && v["type"] == type) return &v;
    for (const auto& [k, x] : v.items()) {
      if (const auto* f = find_type(x, type)) return f;
    }
  } else if (v.is_array()) {
    for (const auto& x : v) {
      if (const auto* f = find_type(x, type)) return f;
    }
  }
  return nullptr;
}
}  // namespace

TEST_CASE("samba pac: alice's PAC names the SID RID groups and UPN the domain controller reports",
          "[samba][pac]") {
  require_samba();
  AdLab lab;
  const std::string alice_sid = object_sid(lab, "user", "alice");
  const std::string domain_users_sid = object_sid(lab, "group", "Domain Users");
  const std::string domain_sid = alice_sid.substr(0, alice_sid.rfind('-'));
  const auto rid = std::stoul(alice_sid.substr(alice_sid.rfind('-') + 1));

  const auto local = lab.run({"--format", "json", "--show-secrets", "local", "--mech", "krb5", "--target",
                              "HTTP@localhost", "--messages", "0"});
  INFO(local.err);
  REQUIRE(local.exit_code == 0);
  const json local_doc = local.json();
  std::string pac_b64;
  for (const auto& a : local_doc["acceptor"]["name_attributes"]) {
    if (a["name"] == "urn:mspac:") pac_b64 = a["values_base64"][0].get<std::string>();
  }
  REQUIRE_FALSE(pac_b64.empty());
  const auto r = authctx::test::run_authctx({"--format", "json", "decode", "--in", "base64", pac_b64});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = r.json();
  const auto* li = find_type(doc, "mspac.logon_info");
  REQUIRE(li != nullptr);
  CHECK((*li)["effective_name"] == "alice");
  CHECK((*li)["user_id"] == rid);
  CHECK((*li)["user_sid"] == alice_sid);
  CHECK((*li)["logon_domain_id"] == domain_sid);
  CHECK((*li)["logon_domain_name"] == "AUTHCTX");
  CHECK((*li)["primary_group_id"] == 513);
  CHECK((*li)["primary_group_sid"] == domain_users_sid);
  REQUIRE((*li)["groups"].size() >= 1);
  CHECK((*li)["groups"][0]["sid"] == domain_users_sid);
  CHECK((*li)["groups"][0]["name"] == "Domain Users");
  const auto* upn = find_type(doc, "mspac.upn_dns_info");
  REQUIRE(upn != nullptr);
  CHECK((*upn)["upn"] == "alice@ad.authctx.test");
  CHECK((*upn)["dns_domain_name"] == "AD.AUTHCTX.TEST");
  CHECK((*upn)["sid"] == alice_sid);

  // Live: the acceptor's own view names the RC4 ticket beside its AES session key, and
  // decodes the PAC name attributes in place.
  const auto& acceptor = local_doc["acceptor"];
  CHECK(acceptor["ticket"]["enctype"]["name"] == "arcfour-hmac");
  CHECK(acceptor["ticket"]["session_key"]["enctype"]["name"] == "aes256-cts-hmac-sha1-96");
  CHECK(acceptor["ticket"]["client"] == "alice@AD.AUTHCTX.TEST");
  CHECK(acceptor["ticket"]["pac"]["user"] == "AUTHCTX\\alice");
  CHECK(acceptor["ticket"]["pac"]["user_sid"] == alice_sid);
  CHECK(acceptor["ticket"]["pac"]["upn"] == "alice@ad.authctx.test");
  bool logon_info_seen = false;
  for (const auto& a : acceptor["name_attributes"]) {
    if (a["name"] != "urn:mspac:logon-info") continue;
    logon_info_seen = true;
    CHECK(a["decoded"]["user_id"] == rid);
    CHECK(a["decoded"]["groups"][0]["sid"] == domain_users_sid);
  }
  CHECK(logon_info_seen);

  SECTION("the same exchange opened with the lab keytab: an RC4 ticket with that PAC inside") {
    authctx::test::TempDir dir;
    const std::string path = dir.path + "/doc.json";
    std::ofstream(path) << local.out;
    const auto d = lab.run({"--format", "json", "decode", "--keytab", lab.path("keytab"), path});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    const auto opened = d.json();
    CHECK(opened["decryption"]["failed"] == 0);
    const auto* etp = find_type(opened, "krb5.enc_ticket_part");
    REQUIRE(etp != nullptr);
    CHECK((*etp)["cname"] == "alice");
    CHECK((*etp)["key"]["enctype"]["name"] == "aes256-cts-hmac-sha1-96");
    CHECK(authctx::test::first_ap_req(local_doc)["ticket"]["enc_part"]["etype"]["name"] == "arcfour-hmac");
    const auto* inner = find_type(*etp, "mspac.logon_info");
    REQUIRE(inner != nullptr);
    CHECK((*inner)["user_sid"] == alice_sid);
  }
}

// Unit tests for the AD lab's pure parts (src/lab): smb.conf and krb5.conf text, the LDIF it
// writes and parses, enctype names, complex passwords and the AD lab's state file. No Samba
// needed; the lab itself is tested in tests/integration/lab_samba_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "util/errors.hpp"
#include "lab/ad_directory.hpp"
#include "lab/ad_knobs.hpp"
#include "lab/samba_config.hpp"
#include "lab/state.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"

namespace lab = authctx::lab;

TEST_CASE("lab samba: smb.conf binds one loopback address and keeps every folder in the lab", "[lab][unit][samba]") {
  const lab::SambaPaths p("/tmp/x/samba");
  const auto text = lab::render_smb_conf(p, "127.0.0.42", "/tmp/x/samba.log", true);
  CHECK(text.find("\tinterfaces = 127.0.0.42/8\n") != std::string::npos);  // Samba needs the /8
  CHECK(text.find("\tbind interfaces only = yes\n") != std::string::npos);
  CHECK(text.find("\trealm = AD.AUTHCTX.TEST\n") != std::string::npos);
  CHECK(text.find("\tserver services = ldap, cldap, kdc\n") != std::string::npos);
  CHECK(text.find("\tldap server require strong auth = yes\n") != std::string::npos);
  for (const char* key : {"private dir", "lock directory", "state directory", "cache directory", "pid directory",
                          "ncalrpc dir", "winbindd socket directory", "ntp signd socket directory", "binddns dir"}) {
    INFO(key);
    const auto at = text.find(std::string("\t") + key + " = ");
    REQUIRE(at != std::string::npos);
    CHECK(text.compare(at + std::string(key).size() + 4, 13, "/tmp/x/samba/") == 0);
  }
  CHECK(lab::render_smb_conf(p, "127.0.0.42", "/tmp/x/samba.log", false).find("require strong auth = no\n") !=
        std::string::npos);
}

TEST_CASE("lab samba: krb5.conf sends the AD realm to the DC's own address without DNS", "[lab][unit][samba]") {
  const lab::LabPaths paths("/tmp/x");
  const auto text = lab::render_ad_krb5_conf(paths, "127.0.0.42");
  CHECK(text.find("default_realm = AD.AUTHCTX.TEST\n") != std::string::npos);
  CHECK(text.find("dns_lookup_kdc = false\n") != std::string::npos);
  CHECK(text.find("kdc = 127.0.0.42:88\n") != std::string::npos);
  CHECK(text.find("kpasswd_server = 127.0.0.42:464\n") != std::string::npos);
  CHECK(text.find("localhost = AD.AUTHCTX.TEST\n") != std::string::npos);
  CHECK(text.find(".ad.authctx.test = AD.AUTHCTX.TEST\n") != std::string::npos);
}

TEST_CASE("lab samba: a password travels as quoted UTF-16LE base64 in unicodePwd", "[lab][unit][samba]") {
  const auto ldif = lab::password_ldif("CN=alice,CN=Users,DC=ad,DC=authctx,DC=test", "Ab1");
  // "\"Ab1\"" in UTF-16LE ([MS-ADTS] 3.1.1.3.1.5.1).
  const authctx::util::Bytes utf16{'"', 0, 'A', 0, 'b', 0, '1', 0, '"', 0};
  CHECK(ldif == "dn: CN=alice,CN=Users,DC=ad,DC=authctx,DC=test\nchangetype: modify\nreplace: unicodePwd\n"
                "unicodePwd:: " + authctx::util::base64_encode(utf16) + "\n-\n\n");
  CHECK_THROWS_AS(lab::password_ldif("CN=x", "new\nline"), std::invalid_argument);
  CHECK_THROWS_AS(lab::ldif_value("HTTP/x\ndn: CN=evil"), std::invalid_argument);
}

TEST_CASE("lab samba: ldbsearch output is parsed with folded lines base64 values and referrals", "[lab][unit][samba]") {
  const std::string text =
      "# record 1\n"
      "dn: CN=websvc,CN=Users,DC=ad,DC=authctx,DC=test\n"
      "sAMAccountName: websvc\n"
      "servicePrincipalName: HTTP/localhost\n"
      "servicePrincipalName: HTTP/a-very-long-name.ad.authc\n"
      " tx.test\n"
      "description:: aMOpbGxv\n"
      "msDS-KeyVersionNumber: 3\n"
      "\n"
      "# Referral\n"
      "ref: ldap://ad.authctx.test/CN=Configuration,DC=ad,DC=authctx,DC=test\n"
      "\n"
      "garbage without a colon\n"
      "dn: CN=alice,CN=Users,DC=ad,DC=authctx,DC=test\n"
      "userAccountControl: 66048\n";
  const auto entries = lab::parse_ldif(text);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].dn == "CN=websvc,CN=Users,DC=ad,DC=authctx,DC=test");
  CHECK(entries[0].first("samaccountname") == "websvc");
  CHECK(entries[0].all("servicePrincipalName") ==
        std::vector<std::string>{"HTTP/localhost", "HTTP/a-very-long-name.ad.authctx.test"});
  CHECK(entries[0].first("description") == "h\xc3\xa9llo");
  CHECK(entries[0].first("msDS-KeyVersionNumber") == "3");
  CHECK(entries[1].first("userAccountControl") == "66048");
  CHECK_FALSE(entries[1].first("servicePrincipalName").has_value());
  CHECK(lab::parse_ldif("").empty());
  CHECK(lab::parse_ldif(" \n\n:::\n\x01\x02").empty());
}

TEST_CASE("lab samba: filter values are escaped as RFC 4515 says", "[lab][unit][samba]") {
  CHECK(lab::filter_escape("websvc") == "websvc");
  CHECK(lab::filter_escape("a*b(c)d\\e") == "a\\2ab\\28c\\29d\\5ce");
  CHECK(lab::filter_escape(std::string("x\0y", 3)) == "x\\00y");
}

TEST_CASE("lab samba: --enctypes names map to msDS-SupportedEncryptionTypes bits", "[lab][unit][samba]") {
  CHECK(lab::parse_supported_enctypes("aes") == 0x18u);
  CHECK(lab::parse_supported_enctypes("rc4") == 0x4u);
  CHECK(lab::parse_supported_enctypes("RC4,aes256") == 0x14u);
  CHECK(lab::parse_supported_enctypes("aes128,aes256-cts-hmac-sha1-96") == 0x18u);
  CHECK_FALSE(lab::parse_supported_enctypes("default").has_value());
  CHECK_THROWS_AS(lab::parse_supported_enctypes("aes512"), authctx::util::Error);
  CHECK_THROWS_AS(lab::parse_supported_enctypes(","), authctx::util::Error);
  const auto j = lab::supported_enctypes_json(0x1c);
  CHECK(j["value"] == 28);
  REQUIRE(j["enctypes"].size() == 3);
  CHECK(j["enctypes"][0]["id"] == 23);
  CHECK(j["enctypes"][2]["name"] == "aes256-cts-hmac-sha1-96");
  CHECK(lab::account_flag_names(0x100000 | 0x80000 | 0x200) ==
        std::vector<std::string>{"trusted_for_delegation", "sensitive"});
}

TEST_CASE("lab samba: passwords meet AD complexity and are not repeated", "[lab][unit][samba]") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto p = lab::random_complex_password(16);
    REQUIRE(p.size() == 16);
    CHECK(std::any_of(p.begin(), p.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    CHECK(std::any_of(p.begin(), p.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
    CHECK(std::any_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }));
    seen.insert(p);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("lab samba: an AD lab's state survives save and load with its DC and accounts", "[lab][unit][samba]") {
  authctx::test::TempDir dir;
  const auto canonical = std::filesystem::canonical(dir.path);
  lab::LabInfo info;
  info.flavour = lab::Flavour::samba;
  info.dir = canonical;
  info.realm = "AD.AUTHCTX.TEST";
  info.kdc_address = "127.0.0.42";
  info.kdc_port = 88;
  info.kdc_pid = 4242;
  info.user = "alice@AD.AUTHCTX.TEST";
  info.password = "Secret1234567890";
  info.services = {"host/localhost@AD.AUTHCTX.TEST"};
  info.dc = lab::DcInfo{"127.0.0.42", false};
  info.accounts = {{"websvc", "service", {"HTTP/localhost"}, 3, 0x18u, 0x80200u}, {"alice", "user", {}, 2, {}, 0x200u}};
  lab::save_state(info);
  const auto doc = lab::to_document(info);
  CHECK(doc["flavour"] == "samba");
  CHECK(doc["dc"]["ldap_signing"] == "relaxed");
  CHECK(doc["dc"]["resolve"][0] == "dc1.ad.authctx.test:389:127.0.0.42");
  CHECK(doc["accounts"][0]["flags"] == nlohmann::json({"trusted_for_delegation"}));
  CHECK(doc["paths"]["smb_conf"] == (canonical / "samba/etc/smb.conf").string());
  const auto back = lab::load_state(canonical);
  CHECK(back.flavour == lab::Flavour::samba);
  REQUIRE(back.dc.has_value());
  CHECK(back.dc->address == "127.0.0.42");
  CHECK_FALSE(back.dc->ldap_strong_auth);
  REQUIRE(back.accounts.size() == 2);
  CHECK(back.accounts[0].spns == std::vector<std::string>{"HTTP/localhost"});
  CHECK(back.accounts[0].supported_enctypes == 0x18u);
  CHECK_FALSE(back.accounts[1].supported_enctypes.has_value());
  CHECK(back.accounts[1].user_account_control == 0x200u);
}

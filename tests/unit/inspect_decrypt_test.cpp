// Opening captured exchanges (tests/data/exchanges, README there) with the keys a user holds:
// src/inspect's KeySet and KeyDecryptor behind src/decode's Decryptor. Asserts what was
// inside: the client principal, the session-key enctype, the PAC, the authenticator's GSS
// checksum (its bindings hash equal to the MD5 of the bindings the capture used, RFC 4121
// §4.1.1.2), the delegated KRB-CRED, the AP-REP; and, when the key is missing or wrong,
// the sentence naming the kvno and enctype the ticket needs and what the keytab holds.
// The krb5 context comes from a krb5.conf written here, never the machine's.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "inspect/key_decryptor.hpp"
#include "inspect/keys.hpp"
#include "krb5/handles.hpp"
#include "support/bindings.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

using authctx::decode::Value;
using authctx::inspect::KeyDecryptor;
using authctx::inspect::KeySet;

namespace {
const std::string kData = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/exchanges/";
constexpr const char* kBindings = "authctx-test-bindings";  // what the captures passed to --channel-bindings

// A krb5 context that reads only a krb5.conf of our own (default realm AUTHCTX.TEST).
struct TestContext {
  authctx::test::TempDir dir;
  std::unique_ptr<authctx::krb5::Context> ctx;
  TestContext() {
    const std::string conf = dir.path + "/krb5.conf";
    std::ofstream(conf) << "[libdefaults]\n default_realm = AUTHCTX.TEST\n";
    ctx = std::make_unique<authctx::krb5::Context>(conf);
  }
};

std::vector<std::vector<std::uint8_t>> legs(const std::string& exchange) {
  std::ifstream in(kData + exchange);
  REQUIRE(in.good());
  const auto doc = nlohmann::json::parse(in);
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& leg : doc["legs"]) {
    const auto bytes = authctx::util::base64_decode(leg["base64"].get<std::string>());
    REQUIRE(bytes.has_value());
    out.push_back(*bytes);
  }
  return out;
}

// Every leg of an exchange decoded with one decryptor, as `authctx decode` does.
std::vector<Value> open_exchange(const std::string& exchange, KeyDecryptor& d, bool show_secrets = false) {
  authctx::decode::Options o;
  o.decryptor = &d;
  o.show_secrets = show_secrets;
  std::vector<Value> out;
  for (const auto& leg : legs(exchange)) out.push_back(authctx::decode::decode_token(leg, o));
  return out;
}

bool has_name(const Value& list, const std::string& name) {
  for (const auto& v : list.items()) {
    if (v.as_string() == name) return true;
  }
  return false;
}

// The node of `type` inside a token, through ICT inner tokens and SPNEGO mech/response tokens.
const Value& inner_of(const Value& token, const std::string& type) {
  const Value* v = &token;
  for (int i = 0; i < 4 && (*v)["type"].as_string() != type; ++i) {
    for (const char* key : {"inner_token", "mech_token", "response_token"}) {
      if ((*v).contains(key)) {
        v = &(*v)[key];
        break;
      }
    }
  }
  REQUIRE((*v)["type"].as_string() == type);
  return *v;
}
const Value& ap_req_of(const Value& token) { return inner_of(token, "krb5.ap_req"); }
const Value& ap_rep_of(const Value& token) { return inner_of(token, "krb5.ap_rep"); }

const Value& pac_of(const Value& enc_ticket_part) {
  const auto& ad = enc_ticket_part["authorization_data"];
  REQUIRE(ad[0]["ad_type"]["name"].as_string() == "AD-IF-RELEVANT");
  REQUIRE(ad[0]["elements"][0]["ad_type"]["name"].as_string() == "AD-WIN2K-PAC");
  return ad[0]["elements"][0]["pac"];
}

const Value& pac_buffer(const Value& pac, const std::string& name) {
  for (const auto& b : pac["buffers"].items()) {
    if (b["buffer_type"]["name"].as_string() == name) return b["decoded"];
  }
  FAIL("no " << name);
  static const Value none;
  return none;
}
}  // namespace

TEST_CASE("decrypt: a service keytab opens the ticket the authenticator the delegated KRB-CRED and the AP-REP",
          "[inspect][decrypt]") {
  TestContext t;
  KeySet keys(*t.ctx);
  keys.add_keytab(kData + "mit.keytab");
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("mit_krb5_deleg_cb.json", d);
  REQUIRE(tokens.size() == 2);
  const auto& req = ap_req_of(tokens[0]);

  const auto& ticket = req["ticket"]["enc_part"];
  CHECK(ticket["decryption"]["ok"].as_bool());
  CHECK(ticket["decryption"]["key"].as_string() == "keytab entry host/localhost@AUTHCTX.TEST kvno 2 (aes256-cts-hmac-sha1-96)");
  const auto& etp = ticket["decrypted"];
  CHECK(etp["type"].as_string() == "krb5.enc_ticket_part");
  CHECK(etp["cname"].as_string() == "alice");
  CHECK(etp["crealm"].as_string() == "AUTHCTX.TEST");
  CHECK(etp["key"]["enctype"]["id"].as_int() == 18);
  CHECK(etp["key"]["length"].as_uint() == 32);
  CHECK(etp["key"]["redacted"].as_bool());
  CHECK_FALSE(etp["key"].contains("hex"));
  CHECK(has_name(etp["flags"], "forwardable"));
  CHECK(has_name(etp["flags"], "pre-authent"));
  CHECK(has_name(etp["flags"], "enc-pa-rep"));
  CHECK(pac_buffer(pac_of(etp), "client_info")["name"].as_string() == "alice");

  const auto& auth = req["authenticator"];
  CHECK(auth["decryption"]["key"].as_string() == "the ticket's session key");
  const auto& a = auth["decrypted"];
  CHECK(a["type"].as_string() == "krb5.authenticator");
  CHECK(a["cname"].as_string() == "alice");
  CHECK(a["subkey"]["enctype"]["id"].as_int() == 18);
  CHECK(a["seq_number"].is_number());
  const auto& gss = a["cksum"]["gss"];
  CHECK(a["cksum"]["cksumtype"]["id"].as_int() == 0x8003);
  CHECK(gss["bindings_present"].as_bool());
  CHECK(gss["bindings_hash"].as_string() == authctx::test::gss_bindings_md5_hex(kBindings));
  CHECK(gss["bindings_hash"].as_string() == "7671368d7f8913d52ebdccada3c82b88");
  for (const char* f : {"deleg", "mutual", "replay", "conf", "integ"}) CHECK(has_name(gss["flags"]["names"], f));
  CHECK_FALSE(has_name(gss["flags"]["names"], "sequence"));

  const auto& cred = gss["delegation"]["krb_cred"];
  CHECK(gss["delegation"]["dlg_opt"].as_uint() == 1);
  CHECK(cred["type"].as_string() == "krb5.krb_cred");
  CHECK(cred["tickets"][0]["sname"].as_string() == "krbtgt/AUTHCTX.TEST");
  CHECK(cred["tickets"][0]["enc_part"]["decryption"]["class"].as_string() == "no_key");  // no krbtgt key here
  CHECK(cred["enc_part"]["decryption"]["ok"].as_bool());
  const auto& info = cred["enc_part"]["decrypted"]["ticket_info"][0];
  CHECK(info["pname"].as_string() == "alice");
  CHECK(info["sname"].as_string() == "krbtgt/AUTHCTX.TEST");
  CHECK(has_name(info["flags"], "forwarded"));
  CHECK(info["key"]["redacted"].as_bool());

  const auto& rep = ap_rep_of(tokens[1])["enc_part"];
  CHECK(rep["decryption"]["ok"].as_bool());
  CHECK(rep["decrypted"]["type"].as_string() == "krb5.enc_ap_rep_part");
  CHECK(rep["decrypted"]["ctime"].as_string() == a["ctime"].as_string());
  CHECK(rep["decrypted"]["cusec"].as_int() == a["cusec"].as_int());  // RFC 4120 §3.2.5: echoed
  CHECK(rep["decrypted"]["subkey"]["enctype"]["id"].as_int() == 18);

  CHECK(d.opened() == 4);  // ticket, authenticator, KRB-CRED, AP-REP
  const auto summary = d.summary();
  CHECK(summary["failed"].as_uint() == 1);  // the forwarded TGT, in the krbtgt key
}

TEST_CASE("decrypt: session keys appear only with show-secrets and then open parts given by --key",
          "[inspect][decrypt]") {
  TestContext t;
  std::string session_hex;
  {
    KeySet keys(*t.ctx);
    keys.add_keytab(kData + "mit.keytab");
    KeyDecryptor d(*t.ctx, keys);
    const auto tokens = open_exchange("mit_krb5_deleg_cb.json", d, true);
    const auto& key = ap_req_of(tokens[0])["ticket"]["enc_part"]["decrypted"]["key"];
    CHECK_FALSE(key.contains("redacted"));
    session_hex = key["hex"].as_string();
    REQUIRE(session_hex.size() == 64);
  }
  // Only the session key now: the ticket stays shut, the AP-REP opens.
  KeySet keys(*t.ctx);
  keys.add_key_spec("aes256-cts-hmac-sha1-96:" + session_hex);
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("mit_krb5_deleg_cb.json", d);
  CHECK(ap_req_of(tokens[0])["ticket"]["enc_part"]["decryption"]["class"].as_string() == "wrong_key");
  CHECK(ap_req_of(tokens[0])["authenticator"]["decryption"]["key"].as_string() ==
        "the aes256-cts-hmac-sha1-96 key given with --key");
  CHECK(ap_rep_of(tokens[1])["enc_part"]["decryption"]["ok"].as_bool());
}

TEST_CASE("decrypt: a stale keytab is named with the kvno the ticket needs and the kvno it holds",
          "[inspect][decrypt]") {
  TestContext t;
  KeySet keys(*t.ctx);
  keys.add_keytab(kData + "mit_stale.keytab");
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("mit_krb5_deleg_cb.json", d);
  const auto& req = ap_req_of(tokens[0]);
  const auto& status = req["ticket"]["enc_part"]["decryption"];
  CHECK_FALSE(status["ok"].as_bool());
  CHECK(status["class"].as_string() == "kvno_mismatch");
  CHECK(status["message"].as_string() ==
        "the ticket is for host/localhost@AUTHCTX.TEST, kvno 2, aes256-cts-hmac-sha1-96; the keytab holds "
        "host/localhost@AUTHCTX.TEST kvno 3 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)");
  CHECK(req["authenticator"]["decryption"]["class"].as_string() == "no_session_key");
  CHECK_FALSE(req["authenticator"].contains("decrypted"));
  CHECK(d.opened() == 0);
}

TEST_CASE("decrypt: a keytab for another service says which principal it holds", "[inspect][decrypt]") {
  TestContext t;
  KeySet keys(*t.ctx);
  keys.add_keytab(kData + "samba_http.keytab");
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("mit_krb5_deleg_cb.json", d);
  const auto& status = ap_req_of(tokens[0])["ticket"]["enc_part"]["decryption"];
  CHECK(status["class"].as_string() == "no_key");
  CHECK(status["message"].as_string() ==
        "the ticket is for host/localhost@AUTHCTX.TEST, kvno 2, aes256-cts-hmac-sha1-96; the keytab holds "
        "HTTP/localhost@AD.AUTHCTX.TEST kvno 2 (arcfour-hmac)");
}

TEST_CASE("decrypt: a password-derived key opens an MIT SPNEGO exchange with the principal's salt",
          "[inspect][decrypt]") {
  TestContext t;
  KeySet keys(*t.ctx);
  keys.add_password_file(kData + "mit_pwsvc.password", "HTTP/pw.localhost", std::nullopt);
  const auto described = keys.describe();
  CHECK(described[0]["principal"].as_string() == "HTTP/pw.localhost@AUTHCTX.TEST");
  CHECK(described[0]["salt"].as_string() == "AUTHCTX.TESTHTTPpw.localhost");
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("mit_spnego_pw.json", d);
  const auto& req = ap_req_of(tokens[0]);
  CHECK(req["ticket"]["enc_part"]["decryption"]["key"].as_string() ==
        "the password for HTTP/pw.localhost@AUTHCTX.TEST (aes256-cts-hmac-sha1-96, salt \"AUTHCTX.TESTHTTPpw.localhost\")");
  CHECK(req["ticket"]["enc_part"]["decrypted"]["cname"].as_string() == "alice");
  CHECK(req["authenticator"]["decrypted"]["cksum"]["gss"]["bindings_present"].as_bool() == false);
  CHECK(ap_rep_of(tokens[1])["enc_part"]["decryption"]["ok"].as_bool());

  SECTION("with a wrong salt the key is wrong, and the message says why it may be") {
    KeySet salted(*t.ctx);
    salted.add_password_file(kData + "mit_pwsvc.password", "HTTP/pw.localhost", std::string("AUTHCTX.TESTpwsvc"));
    KeyDecryptor wrong(*t.ctx, salted);
    const auto again = open_exchange("mit_spnego_pw.json", wrong);
    const auto& status = ap_req_of(again[0])["ticket"]["enc_part"]["decryption"];
    CHECK(status["class"].as_string() == "wrong_key");
    CHECK(status["message"].as_string().find("a wrong salt") != std::string::npos);
  }
}

TEST_CASE("decrypt: an Active Directory RC4 ticket carries an AES session key and alice's full PAC",
          "[inspect][decrypt][samba]") {
  TestContext t;
  KeySet keys(*t.ctx);
  keys.add_keytab(kData + "samba_http.keytab");
  KeyDecryptor d(*t.ctx, keys);
  const auto tokens = open_exchange("samba_spnego_rc4.json", d);
  const auto& ticket = ap_req_of(tokens[0])["ticket"]["enc_part"];
  CHECK(ticket["etype"]["name"].as_string() == "arcfour-hmac");
  const auto& etp = ticket["decrypted"];
  CHECK(etp["key"]["enctype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
  CHECK(etp["cname"].as_string() == "alice");
  CHECK(etp["crealm"].as_string() == "AD.AUTHCTX.TEST");
  const auto& li = pac_buffer(pac_of(etp), "logon_info");
  CHECK(li["user_id"].as_uint() == 1102);
  CHECK(li["logon_domain_id"].as_string() == "S-1-5-21-2724309713-1845307091-1617779520");
  CHECK(li["groups"][1]["rid"].as_uint() == 1103);
  CHECK(pac_buffer(pac_of(etp), "upn_dns_info")["upn"].as_string() == "alice@ad.authctx.test");
  CHECK(d.opened() == 3);
}

TEST_CASE("decrypt: an AD service password needs the account's salt and a krbtgt key opens the delegated TGT",
          "[inspect][decrypt][samba]") {
  TestContext t;
  SECTION("the account's password with AD's salt for it") {
    KeySet keys(*t.ctx);
    keys.add_password_file(kData + "samba_aessvc.password", "aessvc@AD.AUTHCTX.TEST", std::nullopt);
    CHECK(keys.describe()[0]["salt"].as_string() == "AD.AUTHCTX.TESTaessvc");
    KeyDecryptor d(*t.ctx, keys);
    const auto tokens = open_exchange("samba_krb5_aes_deleg_cb.json", d);
    const auto& req = ap_req_of(tokens[0]);
    CHECK(req["ticket"]["enc_part"]["decryption"]["ok"].as_bool());
    CHECK(req["authenticator"]["decrypted"]["cksum"]["gss"]["bindings_hash"].as_string() ==
          authctx::test::gss_bindings_md5_hex(kBindings));
  }
  SECTION("the SPN's salt is not the account's: the key is wrong") {
    KeySet keys(*t.ctx);
    keys.add_password_file(kData + "samba_aessvc.password", "HTTP/aes.localhost@AD.AUTHCTX.TEST", std::nullopt);
    KeyDecryptor d(*t.ctx, keys);
    const auto tokens = open_exchange("samba_krb5_aes_deleg_cb.json", d);
    CHECK(ap_req_of(tokens[0])["ticket"]["enc_part"]["decryption"]["class"].as_string() == "wrong_key");
  }
  SECTION("the service keytab and the krbtgt keytab together open the forwarded TGT and its PAC") {
    KeySet keys(*t.ctx);
    keys.add_keytab(kData + "samba_aes.keytab");
    keys.add_keytab(kData + "samba_krbtgt.keytab");
    KeyDecryptor d(*t.ctx, keys);
    const auto tokens = open_exchange("samba_krb5_aes_deleg_cb.json", d);
    const auto& cred = ap_req_of(tokens[0])["authenticator"]["decrypted"]["cksum"]["gss"]["delegation"]["krb_cred"];
    const auto& tgt = cred["tickets"][0]["enc_part"];
    CHECK(tgt["decryption"]["key"].as_string() == "keytab entry krbtgt@AD.AUTHCTX.TEST kvno 1 (aes256-cts-hmac-sha1-96)");
    const auto& pac = pac_of(tgt["decrypted"]);
    CHECK(pac_buffer(pac, "attributes_info")["flags"]["names"][0].as_string() == "PAC_WAS_GIVEN_IMPLICITLY");
    CHECK(pac_buffer(pac, "requestor")["sid"].as_string() == "S-1-5-21-2724309713-1845307091-1617779520-1102");
    CHECK(d.summary()["failed"].as_uint() == 0);
  }
}

TEST_CASE("keys: AD salts and malformed key material", "[inspect][keys]") {
  TestContext t;
  CHECK(authctx::inspect::ad_salt_for(*t.ctx, "DC1$@AD.AUTHCTX.TEST") == "AD.AUTHCTX.TESThostdc1.ad.authctx.test");
  CHECK(authctx::inspect::ad_salt_for(*t.ctx, "alice@AD.AUTHCTX.TEST") == "AD.AUTHCTX.TESTalice");
  CHECK(authctx::inspect::ad_salt_for(*t.ctx, "alice") == "AUTHCTX.TESTalice");  // default realm

  KeySet keys(*t.ctx);
  CHECK_THROWS_WITH(keys.add_key_spec("aes256-cts-hmac-sha1-96"), Catch::Contains("ENCTYPE:HEX"));
  CHECK_THROWS_WITH(keys.add_key_spec("nosuch:00"), Catch::Contains("unknown enctype 'nosuch'"));
  CHECK_THROWS_WITH(keys.add_key_spec("aes256-cts:zz"), Catch::Contains("not valid hexadecimal"));
  CHECK_THROWS_WITH(keys.add_key_spec("18:0011"), Catch::Contains("key is 32 bytes, this one is 2"));
  CHECK_THROWS_AS(keys.add_keytab(kData + "no-such.keytab"), authctx::util::Error);
  CHECK_THROWS_WITH(keys.add_keytab(kData + "no-such.keytab"), Catch::Contains("No such file or directory"));
  CHECK_THROWS_AS(keys.add_keytab(kData + "mit_krb5_deleg_cb.json"), authctx::util::Error);
  CHECK(keys.empty());
  keys.add_key_spec("rc4-hmac:00112233445566778899aabbccddeeff");
  CHECK(keys.describe()[0]["enctype"]["id"].as_int() == 23);
  CHECK(keys.holdings() == "--key gives one arcfour-hmac key");
}

// Kerberos: RFC 4121 GSS tokens and RFC 4120 messages, on tokens captured from MIT krb5.
#include "decode_fixtures.hpp"
#include "decode/value.hpp"

using authctx::decode::decode_token;
using authctx::decode::has_diagnostics;
using authctx::test::decode_fixture;
using authctx::test::hex;

TEST_CASE("krb5: the initiator token is an InitialContextToken carrying an AP-REQ", "[decode][krb5]") {
  const auto v = decode_fixture("krb5_ap_req");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "gss.initial_context_token");
  CHECK(v["length"].as_uint() == 701);
  CHECK(v["mech"]["oid"].as_string() == "1.2.840.113554.1.2.2");
  CHECK(v["mech"]["name"].as_string() == "krb5");
  const auto& ap = v["inner_token"];
  CHECK(ap["type"].as_string() == "krb5.ap_req");
  CHECK(ap["gss_token_id"].as_string() == "01 00");
  CHECK(ap["pvno"].as_int() == 5);
  CHECK(ap["msg_type"]["name"].as_string() == "KRB_AP_REQ");
  REQUIRE(ap["ap_options"].size() == 1);
  CHECK(ap["ap_options"][0].as_string() == "mutual-required");
  const auto& t = ap["ticket"];
  CHECK(t["tkt_vno"].as_int() == 5);
  CHECK(t["realm"].as_string() == "AUTHCTX.TEST");
  CHECK(t["sname"].as_string() == "host/localhost");
  CHECK(t["sname_type"]["id"].as_int() == 1);
  CHECK(t["sname_type"]["name"].as_string() == "NT-PRINCIPAL");
  CHECK(t["enc_part"]["etype"]["id"].as_int() == 18);
  CHECK(t["enc_part"]["etype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
  CHECK(t["enc_part"]["kvno"].as_int() == 2);
  CHECK(t["enc_part"]["cipher_length"].as_uint() == 359);
  CHECK(ap["authenticator"]["etype"]["id"].as_int() == 18);
  CHECK(ap["authenticator"]["cipher_length"].as_uint() == 192);
  CHECK_FALSE(ap["authenticator"].contains("kvno"));
}

TEST_CASE("krb5: the acceptor's mutual-auth token is an AP-REP", "[decode][krb5]") {
  const auto v = decode_fixture("krb5_ap_rep");
  CHECK_FALSE(has_diagnostics(v));
  const auto& rep = v["inner_token"];
  CHECK(rep["type"].as_string() == "krb5.ap_rep");
  CHECK(rep["gss_token_id"].as_string() == "02 00");
  CHECK(rep["msg_type"]["id"].as_int() == 15);
  CHECK(rep["enc_part"]["etype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
  CHECK(rep["enc_part"]["cipher_length"].as_uint() == 111);
}

TEST_CASE("krb5: a stale keytab yields a KRB-ERROR token with KRB_AP_ERR_BADKEYVER", "[decode][krb5]") {
  const auto v = decode_fixture("krb5_krb_error_badkeyver");
  CHECK_FALSE(has_diagnostics(v));
  const auto& e = v["inner_token"];
  CHECK(e["type"].as_string() == "krb5.krb_error");
  CHECK(e["gss_token_id"].as_string() == "03 00");
  CHECK(e["error_code"]["code"].as_int() == 44);
  CHECK(e["error_code"]["name"].as_string() == "KRB_AP_ERR_BADKEYVER");
  CHECK(e["stime"].as_string() == "2026-11-21T23:41:02Z");
  CHECK(e["susec"].as_int() == 184983);
  CHECK(e["realm"].as_string() == "AUTHCTX.TEST");
  CHECK(e["sname"].as_string() == "stale/localhost");
  CHECK(e["sname_type"]["name"].as_string() == "NT-SRV-HST");
  CHECK_FALSE(e.contains("ctime"));
}

TEST_CASE("krb5: RFC 4121 MIC and Wrap tokens show flags, EC, RRC and sequence numbers", "[decode][krb5]") {
  SECTION("initiator MIC") {
    const auto v = decode_fixture("krb5_mic_initiator");
    CHECK(v["type"].as_string() == "krb5.mic");
    CHECK(v["gss_token_id"].as_string() == "04 04");
    REQUIRE(v["flags"].size() == 1);
    CHECK(v["flags"][0].as_string() == "acceptor_subkey");
    CHECK(v["snd_seq"].as_uint() == 2564989);
    CHECK(v["checksum_length"].as_uint() == 12);
    CHECK_FALSE(has_diagnostics(v));
  }
  SECTION("initiator sealed Wrap") {
    const auto v = decode_fixture("krb5_wrap_sealed");
    CHECK(v["type"].as_string() == "krb5.wrap");
    CHECK(v["flags"][0].as_string() == "sealed");
    CHECK(v["flags"][1].as_string() == "acceptor_subkey");
    CHECK(v["ec"].as_uint() == 0);
    CHECK(v["rrc"].as_uint() == 0);
    CHECK(v["snd_seq"].as_uint() == 2564990);
    CHECK(v["data_length"].as_uint() == 49);
  }
  SECTION("acceptor integrity-only Wrap") {
    const auto v = decode_fixture("krb5_wrap_acceptor_integ");
    CHECK(v["flags"][0].as_string() == "sent_by_acceptor");
    CHECK(v["ec"].as_uint() == 12);
    CHECK(v["snd_seq"].as_uint() == 712938455);
  }
  SECTION("a broken filler byte is reported at its offset") {
    auto bytes = authctx::test::token_fixture("krb5_mic_acceptor");
    bytes[5] = 0x00;
    const auto v = decode_token(bytes);
    CHECK(v["type"].as_string() == "krb5.mic");
    REQUIRE(v["diagnostics"].size() == 1);
    CHECK(v["diagnostics"][0]["offset"].as_uint() == 5);
  }
}

TEST_CASE("krb5: KDC exchanges decode with options, names, etypes and padata by name", "[decode][krb5][kdc]") {
  SECTION("AS-REQ without pre-authentication") {
    const auto v = decode_fixture("kdc_as_req");
    CHECK_FALSE(has_diagnostics(v));
    CHECK(v["type"].as_string() == "krb5.as_req");
    CHECK(v["msg_type"]["name"].as_string() == "KRB_AS_REQ");
    CHECK(v["padata"][0]["padata_type"]["name"].as_string() == "PA-AS-FRESHNESS");
    const auto& body = v["req_body"];
    CHECK(body["kdc_options"][0].as_string() == "renewable-ok");
    CHECK(body["cname"].as_string() == "alice");
    CHECK(body["cname_type"]["name"].as_string() == "NT-PRINCIPAL");
    CHECK(body["realm"].as_string() == "AUTHCTX.TEST");
    CHECK(body["sname"].as_string() == "krbtgt/AUTHCTX.TEST");
    CHECK(body["sname_type"]["id"].as_int() == 2);
    CHECK(body["till"].as_string() == "2026-11-22T23:39:09Z");
    CHECK(body["nonce"].as_int() == 1967085208);
    REQUIRE(body["etypes"].size() == 8);
    CHECK(body["etypes"][0]["id"].as_int() == 18);
    CHECK(body["etypes"][5]["name"].as_string() == "arcfour-hmac");
  }
  SECTION("KRB-ERROR asking for pre-authentication carries ETYPE-INFO2 with the salt") {
    const auto v = decode_fixture("kdc_krb_error_preauth_required");
    CHECK_FALSE(has_diagnostics(v));
    CHECK(v["error_code"]["code"].as_int() == 25);
    CHECK(v["error_code"]["name"].as_string() == "KDC_ERR_PREAUTH_REQUIRED");
    CHECK(v["e_text"].as_string() == "NEEDED_PREAUTH");
    CHECK(v["cname"].as_string() == "alice");
    const auto& md = v["e_data"]["method_data"];
    REQUIRE(md.size() == 4);
    CHECK(md[0]["padata_type"]["name"].as_string() == "PA-FX-FAST");
    CHECK(md[1]["padata_type"]["id"].as_int() == 19);
    CHECK(md[1]["etype_info2"][0]["etype"]["name"].as_string() == "aes256-cts-hmac-sha1-96");
    CHECK(md[1]["etype_info2"][0]["salt"].as_string() == "AUTHCTX.TESTalice");
    CHECK(md[2]["padata_type"]["name"].as_string() == "PA-ENC-TIMESTAMP");
    CHECK(md[3]["padata_type"]["name"].as_string() == "PA-FX-COOKIE");
  }
  SECTION("AS-REQ with an encrypted timestamp") {
    const auto v = decode_fixture("kdc_as_req_enc_timestamp");
    const auto& pa = v["padata"][1];
    CHECK(pa["padata_type"]["name"].as_string() == "PA-ENC-TIMESTAMP");
    CHECK(pa["encrypted_data"]["etype"]["id"].as_int() == 18);
    CHECK(pa["encrypted_data"]["cipher_length"].as_uint() == 56);
  }
  SECTION("AS-REP") {
    const auto v = decode_fixture("kdc_as_rep");
    CHECK_FALSE(has_diagnostics(v));
    CHECK(v["type"].as_string() == "krb5.as_rep");
    CHECK(v["crealm"].as_string() == "AUTHCTX.TEST");
    CHECK(v["cname"].as_string() == "alice");
    CHECK(v["ticket"]["sname"].as_string() == "krbtgt/AUTHCTX.TEST");
    CHECK(v["ticket"]["enc_part"]["kvno"].as_int() == 1);
    CHECK(v["enc_part"]["cipher_length"].as_uint() == 266);
  }
  SECTION("TGS-REQ carries its AP-REQ in PA-TGS-REQ") {
    const auto v = decode_fixture("kdc_tgs_req");
    CHECK_FALSE(has_diagnostics(v));
    CHECK(v["type"].as_string() == "krb5.tgs_req");
    const auto& pa = v["padata"][0];
    CHECK(pa["padata_type"]["name"].as_string() == "PA-TGS-REQ");
    CHECK(pa["ap_req"]["type"].as_string() == "krb5.ap_req");
    CHECK(pa["ap_req"]["ticket"]["sname"].as_string() == "krbtgt/AUTHCTX.TEST");
    CHECK(v["req_body"]["kdc_options"][0].as_string() == "canonicalize");
    CHECK(v["req_body"]["sname"].as_string() == "host/localhost");
    CHECK_FALSE(v["req_body"].contains("cname"));
  }
  SECTION("TGS-REP") {
    const auto v = decode_fixture("kdc_tgs_rep");
    CHECK(v["type"].as_string() == "krb5.tgs_rep");
    CHECK(v["ticket"]["sname"].as_string() == "host/localhost");
    CHECK(v["ticket"]["enc_part"]["kvno"].as_int() == 2);
  }
  SECTION("unknown service and wrong password") {
    CHECK(decode_fixture("kdc_krb_error_s_principal_unknown")["error_code"]["name"].as_string() ==
          "KDC_ERR_S_PRINCIPAL_UNKNOWN");
    CHECK(decode_fixture("kdc_krb_error_preauth_failed")["error_code"]["code"].as_int() == 24);
  }
}

TEST_CASE("krb5: a KRB-ERROR with ctime and cusec renders both", "[decode][krb5]") {
  // Hand-built KRB-ERROR: pvno 5, msg-type 30, ctime, cusec 7, stime, susec 0, error 37,
  // realm R, sname a/b (NT-SRV-INST).
  const auto bytes = hex(
      "7e673065a003020105a10302011ea211180f32303236303130323033303430355aa303020107"
      "a411180f32303236303130323033303530365aa503020100a603020125a9031b0152aa11300f"
      "a003020102a10830061b01611b0162ab0c1b0a736b657720746f6f2021");
  const auto v = decode_token(bytes);
  INFO(authctx::decode::to_debug_json(v));
  CHECK(v["type"].as_string() == "krb5.krb_error");
  CHECK(v["ctime"].as_string() == "2026-01-02T03:04:05Z");
  CHECK(v["cusec"].as_int() == 7);
  CHECK(v["stime"].as_string() == "2026-01-02T03:05:06Z");
  CHECK(v["error_code"]["name"].as_string() == "KRB_AP_ERR_SKEW");
  CHECK(v["sname"].as_string() == "a/b");
  CHECK(v["e_text"].as_string() == "skew too !");
}

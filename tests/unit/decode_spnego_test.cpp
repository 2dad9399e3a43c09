// SPNEGO (RFC 4178, MS-SPNG): captured MIT tokens plus hand-built NegTokenInit2.
#include "decode_fixtures.hpp"
#include "decode/value.hpp"

using authctx::decode::decode_token;
using authctx::decode::has_diagnostics;
using authctx::test::decode_fixture;
using authctx::test::hex;

TEST_CASE("spnego: negTokenInit carries the krb5 mech token", "[decode][spnego]") {
  const auto v = decode_fixture("spnego_init_krb5");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "gss.initial_context_token");
  CHECK(v["mech"]["name"].as_string() == "spnego");
  CHECK(v["mech"]["oid"].as_string() == "1.3.6.1.5.5.2");
  const auto& init = v["inner_token"];
  CHECK(init["type"].as_string() == "spnego.neg_token_init");
  REQUIRE(init["mech_types"].size() == 2);
  CHECK(init["mech_types"][0]["name"].as_string() == "krb5");
  CHECK(init["mech_types"][1]["oid"].as_string() == "1.3.6.1.4.1.311.2.2.10");
  CHECK(init["mech_types"][1]["name"].as_string() == "ntlmssp");
  const auto& mt = init["mech_token"];
  CHECK(mt["type"].as_string() == "gss.initial_context_token");
  CHECK(mt["mech"]["name"].as_string() == "krb5");
  CHECK(mt["inner_token"]["type"].as_string() == "krb5.ap_req");
  CHECK(mt["inner_token"]["ticket"]["sname"].as_string() == "host/localhost");
}

TEST_CASE("spnego: negTokenResp names the state and mech and decodes the AP-REP", "[decode][spnego]") {
  const auto v = decode_fixture("spnego_resp_krb5");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "spnego.neg_token_resp");
  CHECK(v["neg_state"]["id"].as_int() == 0);
  CHECK(v["neg_state"]["name"].as_string() == "accept-completed");
  CHECK(v["supported_mech"]["name"].as_string() == "krb5");
  CHECK(v["response_token"]["inner_token"]["type"].as_string() == "krb5.ap_rep");
}

TEST_CASE("spnego: the NTLM fallback decodes all four legs", "[decode][spnego][ntlm]") {
  const auto init = decode_fixture("spnego_init_ntlm");
  CHECK(init["inner_token"]["mech_types"][0]["name"].as_string() == "ntlmssp");
  CHECK(init["inner_token"]["mech_token"]["type"].as_string() == "ntlm.negotiate");

  const auto chal = decode_fixture("spnego_resp_ntlm_challenge");
  CHECK(chal["neg_state"]["name"].as_string() == "accept-incomplete");
  CHECK(chal["supported_mech"]["name"].as_string() == "ntlmssp");
  CHECK(chal["response_token"]["type"].as_string() == "ntlm.challenge");

  const auto auth = decode_fixture("spnego_resp_ntlm_authenticate");
  CHECK(auth["response_token"]["type"].as_string() == "ntlm.authenticate");
  CHECK(auth["response_token"]["user"].as_string() == "alice");
  CHECK(auth["mech_list_mic"]["length"].as_uint() == 16);

  const auto last = decode_fixture("spnego_resp_ntlm_mic");
  CHECK(last["neg_state"]["name"].as_string() == "accept-completed");
  CHECK(last["mech_list_mic"]["length"].as_uint() == 16);
  CHECK_FALSE(last.contains("response_token"));
  for (const auto* v : {&init, &chal, &auth, &last}) CHECK_FALSE(has_diagnostics(*v));
}

TEST_CASE("spnego: NegTokenInit2 with negHints and reqFlags", "[decode][spnego]") {
  // a0 { 30 { [0] mechTypes {krb5, krb5_wrong}, [1] reqFlags (mutual, replay),
  //           [3] negHints { [0] "not_defined_in_RFC4178@please_ignore" }, [4] mechListMIC 01 02 } }
  const auto bytes = hex(
      "a0543052a018301606092a864886f71201020206092a864882f712010202a10403020160"
      "a32a3028a0261b246e6f745f646566696e65645f696e5f5246433431373840706c656173655f69676e6f7265"
      "a40404020102");
  const auto v = decode_token(bytes);
  INFO(authctx::decode::to_debug_json(v));
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "spnego.neg_token_init2");
  CHECK(v["mech_types"][0]["name"].as_string() == "krb5");
  CHECK(v["mech_types"][1]["oid"].as_string() == "1.2.840.48018.1.2.2");
  CHECK(v["mech_types"][1]["name"].as_string() == "krb5_wrong");
  REQUIRE(v["req_flags"].size() == 2);
  CHECK(v["req_flags"][0].as_string() == "mutual");
  CHECK(v["req_flags"][1].as_string() == "replay");
  CHECK(v["neg_hints"]["hint_name"].as_string() == "not_defined_in_RFC4178@please_ignore");
  CHECK(v["mech_list_mic"]["length"].as_uint() == 2);
}

TEST_CASE("spnego: a bad negState and a truncated mechTypes are reported with offsets", "[decode][spnego]") {
  SECTION("negState of two octets") {
    // a1 { 30 { [0] ENUMERATED 00 01 } }
    const auto v = decode_token(hex("a1083006a0040a020001"));
    CHECK(v["type"].as_string() == "spnego.neg_token_resp");
    REQUIRE(v["diagnostics"].size() == 1);
    CHECK(v["diagnostics"][0]["offset"].as_uint() == 6);
  }
  SECTION("mechTypes OID runs past its SEQUENCE") {
    const auto v = decode_token(hex("a00e300ca00a3008060a2a864886f712"));
    CHECK(v["type"].as_string() == "spnego.neg_token_init");
    REQUIRE(has_diagnostics(v));
    CHECK(v["diagnostics"][0]["offset"].as_uint() == 8);
  }
}

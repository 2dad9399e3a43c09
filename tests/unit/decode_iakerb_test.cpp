// IAKERB (draft-ietf-kitten-iakerb, MIT): an 8-leg exchange captured with a password and no
// tickets, where the acceptor proxies the AS and TGS exchanges.
#include "decode_fixtures.hpp"
#include "decode/value.hpp"

using authctx::decode::has_diagnostics;
using authctx::test::decode_fixture;

TEST_CASE("iakerb: the first token is framed with the IAKERB OID and tunnels an AS-REQ", "[decode][iakerb]") {
  const auto v = decode_fixture("iakerb_as_req");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["mech"]["name"].as_string() == "iakerb");
  CHECK(v["mech"]["oid"].as_string() == "1.3.6.1.5.2.5");
  const auto& p = v["inner_token"];
  CHECK(p["type"].as_string() == "iakerb.proxy");
  CHECK(p["gss_token_id"].as_string() == "05 01");
  CHECK(p["header"]["target_realm"].as_string() == "AUTHCTX.TEST");
  CHECK(p["message"]["type"].as_string() == "krb5.as_req");
  CHECK(p["message"]["req_body"]["cname"].as_string() == "alice");
}

TEST_CASE("iakerb: later proxy tokens are bare TOK_ID + header + Kerberos message", "[decode][iakerb]") {
  const auto err = decode_fixture("iakerb_krb_error_preauth_required");
  CHECK_FALSE(has_diagnostics(err));
  CHECK(err["type"].as_string() == "iakerb.proxy");
  CHECK(err["message"]["error_code"]["name"].as_string() == "KDC_ERR_PREAUTH_REQUIRED");
  CHECK(decode_fixture("iakerb_as_rep")["message"]["type"].as_string() == "krb5.as_rep");
  CHECK(decode_fixture("iakerb_tgs_req")["message"]["padata"][0]["ap_req"]["type"].as_string() == "krb5.ap_req");
  const auto rep = decode_fixture("iakerb_tgs_rep");
  CHECK(rep["message"]["ticket"]["sname"].as_string() == "host/localhost");
  CHECK(rep["header"]["target_realm"].as_string() == "AUTHCTX.TEST");
}

TEST_CASE("iakerb: the final AP-REQ and AP-REP use the IAKERB OID", "[decode][iakerb]") {
  const auto req = decode_fixture("iakerb_ap_req");
  CHECK(req["mech"]["name"].as_string() == "iakerb");
  CHECK(req["inner_token"]["type"].as_string() == "krb5.ap_req");
  CHECK(req["inner_token"]["ticket"]["sname_type"]["name"].as_string() == "NT-SRV-HST");
  CHECK(decode_fixture("iakerb_ap_rep")["inner_token"]["type"].as_string() == "krb5.ap_rep");
}

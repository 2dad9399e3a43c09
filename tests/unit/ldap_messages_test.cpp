// LDAP messages through liblber: exact encodings of the client's requests, round trips of
// every response a bind check reads, result-code names, and the Notice of Disconnection.
#include <catch2/catch.hpp>

#include "ldap/messages.hpp"
#include "ldap/result_code.hpp"
#include "unit/ldap_fixtures.hpp"

using namespace authctx::ldap;
using namespace authctx::ldap::testing;

namespace {
Message decode_ok(const Bytes& b) {
  const auto d = decode_message(b);
  INFO((d.diagnostics.empty() ? std::string("") : d.diagnostics.front().message));
  REQUIRE(d.ok());
  return *d.message;
}
}  // namespace

TEST_CASE("ldap: a SASL BindRequest without credentials has the RFC 4511 encoding", "[ldap][messages]") {
  const auto b = encode_sasl_bind(1, "GSSAPI", std::nullopt);
  const auto expected =
      concat(bytes_of({0x30, 0x14, 0x02, 0x01, 0x01, 0x60, 0x0f, 0x02, 0x01, 0x03, 0x04, 0x00, 0xa3, 0x08, 0x04, 0x06}),
             ascii("GSSAPI"));
  CHECK(b == expected);
}

TEST_CASE("ldap: a SASL BindRequest carries the mechanism and the token as credentials", "[ldap][messages]") {
  const Bytes token = bytes_of({0x60, 0x82, 0x00, 0x00, 0x06, 0x09, 0x2a});
  const auto m = decode_ok(encode_sasl_bind(7, "GSS-SPNEGO", token));
  CHECK(m.message_id == 7);
  CHECK(m.kind() == OpKind::bind_request);
  const auto& req = std::get<BindRequest>(m.op);
  CHECK(req.version == 3);
  CHECK(req.name.empty());
  CHECK(req.mechanism == "GSS-SPNEGO");
  REQUIRE(req.credentials);
  CHECK(*req.credentials == token);
}

TEST_CASE("ldap: a BindResponse keeps its result code name and serverSaslCreds", "[ldap][messages]") {
  BindResponse resp;
  resp.result.code = result::sasl_bind_in_progress;
  resp.result.matched_dn = "dc=example,dc=com";
  resp.result.diagnostic_message = "more please";
  resp.server_sasl_creds = bytes_of({0x05, 0x04, 0x00, 0xff});
  const auto m = decode_ok(encode_bind_response(3, resp));
  CHECK(m.message_id == 3);
  CHECK(m.kind() == OpKind::bind_response);
  const auto& r = std::get<BindResponse>(m.op);
  CHECK(r.result.code == 14);
  CHECK(result_code_name(r.result.code) == "saslBindInProgress");
  CHECK(r.result.matched_dn == "dc=example,dc=com");
  CHECK(r.result.diagnostic_message == "more please");
  REQUIRE(r.server_sasl_creds);
  CHECK(*r.server_sasl_creds == bytes_of({0x05, 0x04, 0x00, 0xff}));
  REQUIRE(m.result() != nullptr);
  CHECK(m.result()->code == 14);
}

TEST_CASE("ldap: a BindResponse without serverSaslCreds has none", "[ldap][messages]") {
  BindResponse resp;
  resp.result.code = result::stronger_auth_required;
  resp.result.diagnostic_message = "SASL:[GSSAPI]: Sign or Seal are required.";
  const auto m = decode_ok(encode_bind_response(2, resp));
  const auto& r = std::get<BindResponse>(m.op);
  CHECK(result_code_name(r.result.code) == "strongerAuthRequired");
  CHECK_FALSE(r.server_sasl_creds);
  CHECK(r.result.diagnostic_message == "SASL:[GSSAPI]: Sign or Seal are required.");
}

TEST_CASE("ldap: the root DSE search asks for base scope with (objectClass=*)", "[ldap][messages]") {
  const auto m = decode_ok(encode_search(4, root_dse_search()));
  CHECK(m.kind() == OpKind::search_request);
  const auto& s = std::get<SearchRequest>(m.op);
  CHECK(s.base.empty());
  CHECK(s.scope == SearchScope::base_object);
  CHECK(s.present_attribute == "objectClass");
  CHECK(s.attributes == root_dse_attributes());
  CHECK(std::find(s.attributes.begin(), s.attributes.end(), "supportedSASLMechanisms") != s.attributes.end());
  CHECK(std::find(s.attributes.begin(), s.attributes.end(), "defaultNamingContext") != s.attributes.end());
}

TEST_CASE("ldap: a SearchResultEntry round-trips its attributes and values", "[ldap][messages]") {
  SearchResultEntry e;
  e.object_name = "";
  e.attributes = {
      {"supportedSASLMechanisms", {"GSSAPI", "GSS-SPNEGO"}}, {"dnsHostName", {"dc1.ad.authctx.test"}}, {"empty", {}}};
  const auto m = decode_ok(encode_search_entry(5, e));
  CHECK(m.kind() == OpKind::search_result_entry);
  const auto& got = std::get<SearchResultEntry>(m.op);
  REQUIRE(got.attributes.size() == 3);
  CHECK(got.values("supportedsaslmechanisms") == std::vector<std::string>{"GSSAPI", "GSS-SPNEGO"});
  CHECK(got.values("dnsHostName") == std::vector<std::string>{"dc1.ad.authctx.test"});
  CHECK(got.values("empty").empty());
  CHECK(got.values("absent").empty());
}

TEST_CASE("ldap: SearchResultDone carries its LDAPResult and referrals", "[ldap][messages]") {
  LdapResult r;
  r.code = 10;
  r.referrals = {"ldap://other.example/"};
  const auto m = decode_ok(encode_search_done(6, r));
  CHECK(m.kind() == OpKind::search_result_done);
  CHECK(result_code_name(m.result()->code) == "referral");
  CHECK(m.result()->referrals == std::vector<std::string>{"ldap://other.example/"});
}

TEST_CASE("ldap: the WhoAmI request has the RFC 4532 encoding", "[ldap][messages]") {
  const auto b = encode_extended(2, k_oid_whoami);
  const auto expected = concat(bytes_of({0x30, 0x1e, 0x02, 0x01, 0x02, 0x77, 0x19, 0x80, 0x17}), ascii(k_oid_whoami));
  CHECK(b == expected);
  const auto m = decode_ok(b);
  CHECK(std::get<ExtendedRequest>(m.op).name == k_oid_whoami);
  CHECK_FALSE(std::get<ExtendedRequest>(m.op).value);
}

TEST_CASE("ldap: a WhoAmI response carries the authorization identity as its value", "[ldap][messages]") {
  ExtendedResponse x;
  x.value = ascii("dn:uid=alice,ou=people,dc=authctx,dc=test");
  const auto m = decode_ok(encode_extended_response(2, x));
  const auto& got = std::get<ExtendedResponse>(m.op);
  CHECK(got.result.code == 0);
  CHECK_FALSE(got.name);
  REQUIRE(got.value);
  CHECK(std::string(got.value->begin(), got.value->end()) == "dn:uid=alice,ou=people,dc=authctx,dc=test");
  CHECK_FALSE(m.is_notice_of_disconnection());
}

TEST_CASE("ldap: a Notice of Disconnection is recognised by message ID 0 and its OID", "[ldap][messages]") {
  ExtendedResponse x;
  x.result.code = result::unavailable;
  x.result.diagnostic_message = "shutting down";
  x.name = std::string(k_oid_notice_of_disconnection);
  CHECK(decode_ok(encode_extended_response(0, x)).is_notice_of_disconnection());
  CHECK_FALSE(decode_ok(encode_extended_response(1, x)).is_notice_of_disconnection());
}

TEST_CASE("ldap: UnbindRequest is an APPLICATION 2 NULL", "[ldap][messages]") {
  const auto b = encode_unbind(3);
  CHECK(b == bytes_of({0x30, 0x05, 0x02, 0x01, 0x03, 0x42, 0x00}));
  CHECK(decode_ok(b).kind() == OpKind::unbind_request);
}

TEST_CASE("ldap: an operation it does not know keeps its tag", "[ldap][messages]") {
  // A DelResponse [APPLICATION 11] with success.
  const auto m =
      decode_ok(bytes_of({0x30, 0x0c, 0x02, 0x01, 0x09, 0x6b, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}));
  CHECK(m.kind() == OpKind::other);
  CHECK(std::get<OtherOp>(m.op).tag == 0x6b);
}

TEST_CASE("ldap: controls after the operation are counted", "[ldap][messages]") {
  auto b = encode_search_done(4, LdapResult{});
  // Append controls [0] { Control { controlType "1.2.3" } } and fix the outer length.
  const Bytes controls = bytes_of({0xa0, 0x09, 0x30, 0x07, 0x04, 0x05, '1', '.', '2', '.', '3'});
  b.insert(b.end(), controls.begin(), controls.end());
  b[1] = static_cast<std::uint8_t>(b.size() - 2);
  const auto m = decode_ok(b);
  CHECK(m.controls == 1);
}

TEST_CASE("ldap: result codes are named as in RFC 4511 Appendix A", "[ldap][messages]") {
  CHECK(result_code_name(0) == "success");
  CHECK(result_code_name(7) == "authMethodNotSupported");
  CHECK(result_code_name(8) == "strongerAuthRequired");
  CHECK(result_code_name(13) == "confidentialityRequired");
  CHECK(result_code_name(14) == "saslBindInProgress");
  CHECK(result_code_name(48) == "inappropriateAuthentication");
  CHECK(result_code_name(49) == "invalidCredentials");
  CHECK(result_code_name(53) == "unwillingToPerform");
  CHECK(result_code_name(80) == "other");
  CHECK(result_code_name(9) == "unknown");
  CHECK(result_code_name(-1) == "unknown");
  CHECK_FALSE(is_known_result_code(9));
  CHECK(is_known_result_code(71));
}

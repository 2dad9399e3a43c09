// Secrets in tokens: the decoder's secret ranges (NTLM response material, password-keyed
// Kerberos cipher), the blanked copy the documents carry instead of the token, and that it
// still decodes to the same structure. Inputs: the captured vectors in tests/data/tokens.
#include <catch2/catch.hpp>

#include "decode/decode.hpp"
#include "report/document.hpp"
#include "unit/decode_fixtures.hpp"
#include "util/base64.hpp"

namespace {

using authctx::decode::SecretRange;
namespace decode = authctx::decode;
namespace report = authctx::report;

bool inside(std::size_t i, const std::vector<SecretRange>& ranges) {
  for (const auto& r : ranges)
    if (i >= r.offset && i < r.offset + r.length) return true;
  return false;
}

// Every byte outside the ranges is unchanged, every byte inside is zero.
void check_blanked(const std::vector<std::uint8_t>& token, const std::vector<std::uint8_t>& redacted,
                   const std::vector<SecretRange>& ranges) {
  REQUIRE(redacted.size() == token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    INFO("byte " << i);
    CHECK(redacted[i] == (inside(i, ranges) ? 0 : token[i]));
  }
}
}  // namespace

TEST_CASE("secrets: an NTLM AUTHENTICATE has its responses key and MIC as secret ranges", "[secrets][ntlm]") {
  const auto token = authctx::test::token_fixture("ntlm_authenticate");
  const auto ranges = decode::secret_ranges(token);
  const auto shown = authctx::test::decode_fixture("ntlm_authenticate", true);
  REQUIRE(shown["type"].as_string() == "ntlm.authenticate");
  // NTProofStr (16 of the NT response), the client challenge (8), the LM response, the
  // encrypted session key and the MIC: each range is one of these fields.
  std::size_t total = 0;
  for (const auto& r : ranges) total += r.length;
  const auto lm = shown["lm_challenge_response"]["length"].as_uint();
  const auto key = shown["encrypted_random_session_key"]["length"].as_uint();
  const std::uint64_t mic = shown["mic"]["present"].as_bool() ? 16 : 0;
  CHECK(total == 16 + 8 + lm + key + mic);
  CHECK(total == 40);  // this capture: no LM response, no MIC
  const auto redacted = decode::redact_secrets(token, ranges);
  check_blanked(token, redacted, ranges);
  // The blanked token still says what it was.
  const auto again = decode::decode_token(redacted);
  CHECK(again["type"].as_string() == "ntlm.authenticate");
  CHECK(again["user"].as_string() == shown["user"].as_string());
  CHECK(again["domain"].as_string() == shown["domain"].as_string());
  CHECK(again["nt_challenge_response"]["kind"].as_string() == "ntlmv2");
  CHECK(again["nt_challenge_response"]["client_blob"]["timestamp"].as_string() ==
        shown["nt_challenge_response"]["client_blob"]["timestamp"].as_string());
  CHECK(again["mic"]["present"] == shown["mic"]["present"]);
  CHECK(decode::secret_ranges(redacted) == ranges);
}

TEST_CASE("secrets: SPNEGO wrapping an NTLM AUTHENTICATE blanks the same fields inside it", "[secrets][spnego]") {
  const auto inner = authctx::test::token_fixture("ntlm_authenticate");
  const auto token = authctx::test::token_fixture("spnego_resp_ntlm_authenticate");
  const auto ranges = decode::secret_ranges(token);
  REQUIRE_FALSE(ranges.empty());
  const auto redacted = decode::redact_secrets(token, ranges);
  check_blanked(token, redacted, ranges);
  const auto again = decode::decode_token(redacted);
  CHECK(again["type"].as_string() == "spnego.neg_token_resp");
  CHECK(again["response_token"]["type"].as_string() == "ntlm.authenticate");
  CHECK_FALSE(decode::has_diagnostics(again));
  CHECK(decode::secret_ranges(inner).size() == ranges.size());
}

TEST_CASE("secrets: password-keyed Kerberos cipher is secret and other cipher is not", "[secrets][krb5]") {
  // PA-ENC-TIMESTAMP and the AS-REP enc-part are in the client's password-derived key.
  for (const char* name : {"kdc_as_req_enc_timestamp", "kdc_as_rep", "iakerb_as_req_preauth", "iakerb_as_rep"}) {
    INFO(name);
    const auto token = authctx::test::token_fixture(name);
    const auto ranges = decode::secret_ranges(token);
    REQUIRE(ranges.size() == 1);
    const auto redacted = decode::redact_secrets(token, ranges);
    check_blanked(token, redacted, ranges);
    const auto before = decode::decode_token(token);
    const auto after = decode::decode_token(redacted);
    CHECK(after == before);  // cipher bytes are never decoded, only their length shown
  }
  for (const char* name : {"krb5_ap_req", "krb5_ap_rep", "kdc_tgs_req", "kdc_tgs_rep", "kdc_as_req",
                           "spnego_init_krb5", "ntlm_negotiate", "ntlm_challenge", "iakerb_tgs_req"}) {
    INFO(name);
    CHECK(decode::secret_ranges(authctx::test::token_fixture(name)).empty());
  }
}

TEST_CASE("secrets: a leg's base64 is blanked without show-secrets and whole with it", "[secrets][report]") {
  report::Leg leg;
  leg.index = 3;
  leg.token = authctx::test::token_fixture("ntlm_authenticate");
  report::decode_leg(leg, false);
  const auto j = report::leg_json(leg, {false, true});
  REQUIRE(j.contains("redacted"));
  const auto blanked = authctx::util::base64_decode(j["base64"].get<std::string>());
  REQUIRE(blanked);
  CHECK(*blanked != leg.token);
  CHECK(*blanked == decode::redact_secrets(leg.token, leg.secrets));
  CHECK(j["redacted"].size() == leg.secrets.size());
  CHECK(j["redacted"][0]["offset"] == leg.secrets[0].offset);
  CHECK(j["decoded"]["type"] == "ntlm.authenticate");

  const auto shown = report::leg_json(leg, {true, false});
  CHECK_FALSE(shown.contains("redacted"));
  CHECK(authctx::util::base64_decode(shown["base64"].get<std::string>()) == leg.token);

  report::Leg plain;
  plain.token = authctx::test::token_fixture("krb5_ap_req");
  report::decode_leg(plain, false);
  const auto p = report::leg_json(plain, {false, false});
  CHECK_FALSE(p.contains("redacted"));
  CHECK(authctx::util::base64_decode(p["base64"].get<std::string>()) == plain.token);
}

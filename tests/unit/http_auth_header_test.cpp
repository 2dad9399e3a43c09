// WWW-Authenticate / Authorization parsing (src/http/auth_header.hpp): RFC 9110 §11 challenge
// lists as real servers send them, and hostile values that must end in diagnostics with
// byte offsets, never a crash or a wrong token.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "http/auth_header.hpp"

using namespace authctx::http;

namespace {
// The final token Apache mod_auth_gssapi 1.6.4 sent after an NTLM-in-SPNEGO exchange.
constexpr const char* k_apache_final = "oRswGaADCgEAoxIEEAEAAAAjHNNeug5b4wAAAAA=";
}  // namespace

TEST_CASE("http auth: a bare Negotiate and NTLM in two fields are two schemes without tokens", "[http][auth]") {
  const auto p = parse_challenges({"Negotiate", "NTLM"});
  REQUIRE(p.ok());
  REQUIRE(p.items.size() == 2);
  CHECK(p.items[0].kind == AuthScheme::negotiate);
  CHECK(p.items[0].field == 0);
  CHECK_FALSE(p.items[0].token68.has_value());
  CHECK(p.items[1].kind == AuthScheme::ntlm);
  CHECK(p.items[1].field == 1);
  CHECK(scheme_name(p.items[1].kind) == "NTLM");
}

TEST_CASE("http auth: a Negotiate token68 is decoded to its bytes", "[http][auth]") {
  const auto p = parse_challenges({std::string("Negotiate ") + k_apache_final});
  REQUIRE(p.ok());
  REQUIRE(p.items.size() == 1);
  const auto& c = p.items[0];
  CHECK(c.token68 == k_apache_final);
  REQUIRE(c.token.has_value());
  CHECK(c.token->size() == 29);
  CHECK(c.token->front() == 0xa1);  // SPNEGO NegTokenResp
  CHECK(c.offset == 0);
}

TEST_CASE("http auth: several challenges with params and quoted strings in one field", "[http][auth]") {
  const auto p = parse_challenges(
      {R"(Basic realm="a \"quoted\", realm", charset=UTF-8, Negotiate, NTLM TlRMTVNTUAACAAAA, Kerberos)"});
  INFO(p.diagnostics.size());
  REQUIRE(p.ok());
  REQUIRE(p.items.size() == 4);
  CHECK(p.items[0].kind == AuthScheme::basic);
  REQUIRE(p.items[0].params.size() == 2);
  CHECK(p.items[0].params[0].name == "realm");
  CHECK(p.items[0].params[0].value == "a \"quoted\", realm");
  CHECK(p.items[0].params[0].quoted);
  CHECK(p.items[0].param("CHARSET") == "UTF-8");
  CHECK(p.items[1].kind == AuthScheme::negotiate);
  CHECK(p.items[2].kind == AuthScheme::ntlm);
  REQUIRE(p.items[2].token.has_value());
  CHECK(std::string(p.items[2].token->begin(), p.items[2].token->begin() + 7) == "NTLMSSP");
  CHECK(p.items[3].kind == AuthScheme::kerberos);
}

TEST_CASE("http auth: empty list elements and odd spacing are allowed", "[http][auth]") {
  const auto p = parse_challenges({" ,, Negotiate ,\t, Bearer realm = \"x\" , error=\"invalid_token\",,"});
  REQUIRE(p.ok());
  REQUIRE(p.items.size() == 2);
  CHECK(p.items[1].kind == AuthScheme::bearer);
  CHECK(p.items[1].param("realm") == "x");
  CHECK(p.items[1].param("error") == "invalid_token");
}

TEST_CASE("http auth: a token68 ending in = is not mistaken for a parameter", "[http][auth]") {
  const auto p = parse_challenges({"Negotiate YWJj=, NTLM YQ==, Custom a=b"});
  REQUIRE(p.ok());
  REQUIRE(p.items.size() == 3);
  CHECK(p.items[0].token68 == "YWJj=");
  CHECK_FALSE(p.items[0].token.has_value());  // 5 characters: not valid base64
  REQUIRE(p.items[0].token_error.has_value());
  CHECK(p.items[0].token_error->offset == 15);  // the end of the token, within the field
  CHECK(p.items[1].token68 == "YQ==");
  CHECK(p.items[1].token == std::vector<std::uint8_t>{'a'});
  CHECK_FALSE(p.items[2].token68.has_value());
  CHECK(p.items[2].param("a") == "b");
}

TEST_CASE("http auth: non-base64 tokens are reported with the offset of the bad byte", "[http][auth][hostile]") {
  SECTION("a token68 character outside the base64 alphabet") {
    const auto p = parse_challenges({"Negotiate YII.AAAA"});
    REQUIRE(p.ok());
    REQUIRE(p.items.size() == 1);
    REQUIRE(p.items[0].token_error.has_value());
    CHECK(p.items[0].token_error->offset == 13);
    CHECK_THAT(p.items[0].token_error->message, Catch::Contains("'.' at offset 3 is not base64"));
    CHECK_FALSE(p.items[0].token.has_value());
  }
  SECTION("a character that cannot be in a token68 at all") {
    const auto p = parse_challenges({"Negotiate YII*AAAA"});
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].offset == 13);
    CHECK_THAT(p.diagnostics[0].message, Catch::Contains("'*'"));
    REQUIRE(p.items.size() == 1);
    CHECK_FALSE(p.items[0].token68.has_value());
  }
  SECTION("base64url") {
    const auto p = parse_challenges({"NTLM abc-def_"});
    REQUIRE(p.items.size() == 1);
    REQUIRE(p.items[0].token_error.has_value());
    CHECK(p.items[0].token_error->offset == 8);
    CHECK_THAT(p.items[0].token_error->message, Catch::Contains("base64url"));
  }
  SECTION("missing padding") {
    const auto r = decode_base64_strict("YWJjZA");
    CHECK_FALSE(r.ok());
    CHECK(r.error_offset == 6);
    CHECK_THAT(r.error, Catch::Contains("not a multiple of 4"));
  }
  SECTION("unused bits set") {
    const auto r = decode_base64_strict("YR==");
    CHECK_FALSE(r.ok());
    CHECK(r.error_offset == 1);
    CHECK_THAT(r.error, Catch::Contains("non-canonical"));
    CHECK(decode_base64_strict("YQ==").bytes == std::vector<std::uint8_t>{'a'});
  }
  SECTION("padding in the middle and too much padding") {
    CHECK(decode_base64_strict("YQ==YQ==").error_offset == 2);
    CHECK(decode_base64_strict("Y===").error_offset.has_value());
    CHECK(decode_base64_strict("").error_offset == 0);
    CHECK(decode_base64_strict("YQ\r\n").error_offset == 2);
  }
}

TEST_CASE("http auth: malformed challenges give diagnostics and the good ones survive", "[http][auth][hostile]") {
  SECTION("an unterminated quoted string") {
    const auto p = parse_challenges({R"(Basic realm="never closed, Negotiate)", "NTLM"});
    CHECK_FALSE(p.ok());
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].field == 0);
    CHECK(p.diagnostics[0].offset == 12);
    CHECK_THAT(p.diagnostics[0].message, Catch::Contains("not closed"));
    REQUIRE(p.items.size() == 2);  // Basic (without its param) and NTLM from the second field
    CHECK(p.items[1].kind == AuthScheme::ntlm);
    CHECK(p.items[1].field == 1);
  }
  SECTION("a parameter before any scheme") {
    const auto p = parse_challenges({"realm=x, Negotiate"});
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].offset == 0);
    CHECK_THAT(p.diagnostics[0].message, Catch::Contains("before any authentication scheme"));
    REQUIRE(p.items.size() == 1);
    CHECK(p.items[0].kind == AuthScheme::negotiate);
  }
  SECTION("a parameter after a token68") {
    const auto p = parse_challenges({"Negotiate YQ==, realm=x"});
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].offset == 16);
    CHECK_THAT(p.diagnostics[0].message, Catch::Contains("after a token68"));
  }
  SECTION("two tokens after a scheme") {
    const auto p = parse_challenges({"Negotiate YQ== YQ==, NTLM"});
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].offset == 15);
    REQUIRE(p.items.size() == 2);
    CHECK(p.items[1].kind == AuthScheme::ntlm);
  }
  SECTION("control bytes and a scheme glued to a quote") {
    const std::string field = "Negotiate\x01, Basic\"x\", Digest realm=\"a\x7f\"";
    REQUIRE(field.size() == 39);
    const auto p = parse_challenges({field});
    CHECK(p.diagnostics.size() == 3);
    CHECK_THAT(p.diagnostics[0].message, Catch::Contains("0x01"));
    CHECK(p.diagnostics[0].offset == 9);
    CHECK_THAT(p.diagnostics[2].message, Catch::Contains("control"));
  }
  SECTION("a value missing after =") {
    const auto p = parse_challenges({"Digest a=1, realm=, Negotiate"});
    REQUIRE(p.diagnostics.size() == 1);
    CHECK(p.diagnostics[0].offset == 18);
    REQUIRE(p.items.size() == 2);
    // Right after the scheme, "realm=" is a valid token68 (RFC 9110 §11.2), not a parameter.
    const auto q = parse_challenges({"Digest realm=, Negotiate"});
    CHECK(q.ok());
    CHECK(q.items.at(0).token68 == "realm=");
    CHECK(q.items.at(0).token_error.has_value());
  }
  SECTION("nothing but separators") {
    const auto p = parse_challenges({"", " , ,", "\t"});
    CHECK(p.ok());
    CHECK(p.items.empty());
  }
}

TEST_CASE("http auth: challenge and parameter counts are capped", "[http][auth][hostile]") {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "S" + std::to_string(i) + ", ";
  const auto p = parse_challenges({many});
  CHECK(p.items.size() == k_max_challenges);
  REQUIRE(p.diagnostics.size() == 1);
  CHECK_THAT(p.diagnostics[0].message, Catch::Contains("the rest are ignored"));

  std::string params = "Digest ";
  for (int i = 0; i < 200; ++i) params += "p" + std::to_string(i) + "=v, ";
  const auto q = parse_challenges({params});
  REQUIRE(q.items.size() == 1);
  CHECK(q.items[0].params.size() == k_max_params);
  CHECK_FALSE(q.ok());
}

TEST_CASE("http auth: a long token is decoded in linear time", "[http][auth][hostile]") {
  const std::string big(4u << 20, 'A');  // 4 MiB of 'A': 3 MiB of zero bytes
  const auto p = parse_challenges({"Negotiate " + big});
  REQUIRE(p.ok());
  REQUIRE(p.items[0].token.has_value());
  CHECK(p.items[0].token->size() == 3u << 20);
}

TEST_CASE("http auth: Authorization holds exactly one credentials item", "[http][auth]") {
  const auto good = parse_credentials("Negotiate YQ==");
  REQUIRE(good.ok());
  REQUIRE(good.items.size() == 1);
  CHECK(good.items[0].token == std::vector<std::uint8_t>{'a'});
  const auto two = parse_credentials("Negotiate YQ==, NTLM YQ==");
  CHECK_FALSE(two.ok());
  CHECK(two.diagnostics.back().offset == 16);
  const auto empty = parse_credentials("");
  CHECK_FALSE(empty.ok());
  CHECK_THAT(empty.diagnostics[0].message, Catch::Contains("empty"));
  const auto basic = parse_credentials("basic YWxpY2U6cHc=");
  REQUIRE(basic.items.size() == 1);
  CHECK(basic.items[0].kind == AuthScheme::basic);
}

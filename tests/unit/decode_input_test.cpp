// Input forms for `authctx decode`: raw, base64, hex and HTTP header lines.
#include <catch2/catch.hpp>

#include <string>

#include "decode/input.hpp"

using authctx::decode::InputForm;
using authctx::decode::parse_token_input;

namespace {
const std::string kNtlmB64 = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==";
}

TEST_CASE("input: auto-detection picks base64, hex and header forms", "[decode][input]") {
  SECTION("plain base64") {
    const auto r = parse_token_input(kNtlmB64);
    REQUIRE(r.ok);
    CHECK(r.form == "base64");
    CHECK(r.bytes.size() == 40);
    CHECK(r.bytes[0] == 'N');
  }
  SECTION("base64 without padding and with a trailing newline") {
    const auto r = parse_token_input(std::string("TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw\n"));
    REQUIRE(r.ok);
    CHECK(r.bytes.size() == 40);
  }
  SECTION("hex with spaces and a 0x prefix") {
    const auto r = parse_token_input(std::string("0x60 82 02 b9"));
    REQUIRE(r.ok);
    CHECK(r.form == "hex");
    CHECK(r.bytes == std::vector<std::uint8_t>{0x60, 0x82, 0x02, 0xb9});
  }
  SECTION("Negotiate credentials") {
    const auto r = parse_token_input("Negotiate " + kNtlmB64);
    REQUIRE(r.ok);
    CHECK(r.form == "header");
    CHECK(r.scheme == "Negotiate");
    CHECK(r.bytes.size() == 40);
  }
  SECTION("full header lines, any case") {
    for (const std::string h : {"Authorization: NTLM ", "proxy-authorization:   Negotiate ", "WWW-Authenticate: negotiate "}) {
      const auto r = parse_token_input(h + kNtlmB64 + "\r\n");
      INFO(h);
      REQUIRE(r.ok);
      CHECK(r.form == "header");
      CHECK(r.bytes.size() == 40);
    }
  }
  SECTION("a bare challenge without a token is an error with a reason") {
    const auto r = parse_token_input(std::string("WWW-Authenticate: Negotiate"));
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("no token") != std::string::npos);
  }
  SECTION("binary input is raw") {
    const std::vector<std::uint8_t> raw = {0x60, 0x03, 0x06, 0x01, 0x00};
    const auto r = parse_token_input(std::span<const std::uint8_t>(raw));
    REQUIRE(r.ok);
    CHECK(r.form == "raw");
    CHECK(r.bytes == raw);
  }
  SECTION("text that is none of the forms") {
    const auto r = parse_token_input(std::string("hello world!"));
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("input: a forced form never falls back to another", "[decode][input]") {
  CHECK_FALSE(parse_token_input(kNtlmB64, InputForm::hex).ok);
  CHECK(parse_token_input(std::string("deadbeef"), InputForm::base64).ok);
  CHECK(parse_token_input(std::string("deadbeef"), InputForm::hex).bytes.size() == 4);
  CHECK_FALSE(parse_token_input(kNtlmB64, InputForm::header).ok);
  const auto raw = parse_token_input(std::string("abc"), InputForm::raw);
  REQUIRE(raw.ok);
  CHECK(raw.bytes.size() == 3);
}

// NTLM (MS-NLMP): messages captured from gss-ntlmssp plus hand-built NTLMv1 / malformed ones.
#include <string>

#include "decode_fixtures.hpp"
#include "decode/value.hpp"

using authctx::decode::decode_token;
using authctx::decode::has_diagnostics;
using authctx::decode::Options;
using authctx::test::decode_fixture;

namespace {
// Builds an AUTHENTICATE message (MS-NLMP §2.2.1.3) with the given payload parts.
struct AuthBuilder {
  std::vector<std::uint8_t> msg;
  std::vector<std::uint8_t> payload;
  std::size_t header = 88;  // with Version and MIC
  void put16(std::size_t at, std::uint32_t v) {
    msg[at] = static_cast<std::uint8_t>(v);
    msg[at + 1] = static_cast<std::uint8_t>(v >> 8);
  }
  void put32(std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) msg[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void field(std::size_t at, const std::vector<std::uint8_t>& data) {
    put16(at, static_cast<std::uint32_t>(data.size()));
    put16(at + 2, static_cast<std::uint32_t>(data.size()));
    put32(at + 4, static_cast<std::uint32_t>(header + payload.size()));
    payload.insert(payload.end(), data.begin(), data.end());
  }
  static std::vector<std::uint8_t> utf16(const std::string& s) {
    std::vector<std::uint8_t> out;
    for (const char c : s) {
      out.push_back(static_cast<std::uint8_t>(c));
      out.push_back(0);
    }
    return out;
  }
  std::vector<std::uint8_t> build(std::uint32_t flags, const std::vector<std::uint8_t>& lm,
                                  const std::vector<std::uint8_t>& nt) {
    msg.assign(header, 0);
    const char sig[] = "NTLMSSP";
    for (std::size_t i = 0; i < 8; ++i) msg[i] = static_cast<std::uint8_t>(sig[i]);
    put32(8, 3);
    field(12, lm);
    field(20, nt);
    field(28, utf16("DOM"));
    field(36, utf16("bob"));
    field(44, utf16("WS1"));
    field(52, {});
    put32(60, flags);
    msg[64] = 10;
    msg[65] = 0;
    put16(66, 19041);
    msg[71] = 15;
    msg.insert(msg.end(), payload.begin(), payload.end());
    return msg;
  }
};
}  // namespace

TEST_CASE("ntlm: NEGOTIATE shows flags by name and the version", "[decode][ntlm]") {
  const auto v = decode_fixture("ntlm_negotiate");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "ntlm.negotiate");
  CHECK(v["length"].as_uint() == 40);
  CHECK(v["negotiate_flags"]["value"].as_uint() == 0xe2088237u);
  CHECK(v["negotiate_flags"]["names"][0].as_string() == "NTLMSSP_NEGOTIATE_UNICODE");
  CHECK(v["negotiate_flags"]["names"].size() == 12);
  CHECK(v["version"]["major"].as_int() == 6);
  CHECK(v["version"]["minor"].as_int() == 2);
  CHECK(v["version"]["ntlm_revision"].as_int() == 15);
}

TEST_CASE("ntlm: CHALLENGE shows the server challenge and target info AV pairs", "[decode][ntlm]") {
  const auto v = decode_fixture("ntlm_challenge");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "ntlm.challenge");
  CHECK(v["server_challenge"].as_string() == "082667378425486d");
  CHECK(v["target_name"].as_string() == "VM");
  const auto& info = v["target_info"];
  REQUIRE(info.size() == 5);
  CHECK(info[0]["name"].as_string() == "MsvAvNbComputerName");
  CHECK(info[1]["value"].as_string() == "WORKSTATION");
  CHECK(info[3]["name"].as_string() == "MsvAvFlags");
  CHECK(info[4]["name"].as_string() == "MsvAvTimestamp");
  CHECK(info[4]["value"].as_string() == "2026-11-21T23:40:33Z");
}

TEST_CASE("ntlm: AUTHENTICATE shows names, an NTLMv2 blob and redacts secrets", "[decode][ntlm]") {
  const auto v = decode_fixture("ntlm_authenticate");
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["type"].as_string() == "ntlm.authenticate");
  CHECK(v["domain"].as_string() == "AUTHCTX");
  CHECK(v["user"].as_string() == "alice");
  CHECK(v["workstation"].as_string() == "VM");
  const auto& nt = v["nt_challenge_response"];
  CHECK(nt["kind"].as_string() == "ntlmv2");
  CHECK(nt["length"].as_uint() == 146);
  CHECK(nt["redacted"].as_bool());
  CHECK_FALSE(nt.contains("hex"));
  CHECK(nt["client_blob"]["resp_type"].as_int() == 1);
  CHECK(nt["client_blob"]["timestamp"].as_string() == "2026-11-21T23:40:33Z");
  CHECK(nt["client_blob"]["client_challenge"]["redacted"].as_bool());
  const auto& avs = nt["client_blob"]["av_pairs"];
  REQUIRE(avs.size() == 6);
  CHECK(avs[5]["name"].as_string() == "MsvAvTargetName");
  CHECK(avs[5]["value"].as_string() == "host/localhost");
  CHECK(v["lm_challenge_response"]["kind"].as_string() == "none");
  CHECK(v["encrypted_random_session_key"]["present"].as_bool());
  CHECK(v["encrypted_random_session_key"]["redacted"].as_bool());
  CHECK_FALSE(v["mic"]["present"].as_bool(true));
  CHECK(v["weaknesses"].size() == 0);

  SECTION("show_secrets includes the bytes as hex") {
    const auto s = decode_fixture("ntlm_authenticate", true);
    CHECK(s["nt_challenge_response"]["hex"].as_string().size() == 2 * 146);
    CHECK(s["encrypted_random_session_key"]["hex"].as_string().size() == 32);
    CHECK_FALSE(s["nt_challenge_response"].contains("redacted"));
  }
}

TEST_CASE("ntlm: AUTHENTICATE inside SPNEGO carries a MIC announced in MsvAvFlags", "[decode][ntlm]") {
  const auto v = decode_fixture("spnego_resp_ntlm_authenticate")["response_token"];
  INFO(authctx::decode::to_debug_json(v));
  CHECK(v["mic"]["present"].as_bool());
  CHECK(v["mic"]["length"].as_uint() == 16);
  CHECK(v["mic"]["redacted"].as_bool());
  CHECK(v["mic"]["announced_in_av_flags"].as_bool());
}

TEST_CASE("ntlm: an NTLMv1 response is flagged as a weakness", "[decode][ntlm]") {
  AuthBuilder b;
  const std::vector<std::uint8_t> lm(24, 0x11);
  const std::vector<std::uint8_t> nt(24, 0x22);
  const auto bytes = b.build(0x00000201u | 0x02000000u, lm, nt);  // UNICODE | NTLM | VERSION
  const auto v = decode_token(bytes);
  INFO(authctx::decode::to_debug_json(v));
  CHECK_FALSE(has_diagnostics(v));
  CHECK(v["user"].as_string() == "bob");
  CHECK(v["domain"].as_string() == "DOM");
  CHECK(v["workstation"].as_string() == "WS1");
  CHECK(v["nt_challenge_response"]["kind"].as_string() == "ntlmv1");
  CHECK(v["lm_challenge_response"]["kind"].as_string() == "lm");
  REQUIRE(v["weaknesses"].size() == 2);
  CHECK(v["weaknesses"][0]["id"].as_string() == "ntlmv1_response");
  CHECK(v["weaknesses"][1]["id"].as_string() == "lm_response");
  CHECK(v["version"]["build"].as_int() == 19041);
  CHECK(v["mic"]["present"].as_bool());
  CHECK_FALSE(v["encrypted_random_session_key"]["present"].as_bool(true));
}

TEST_CASE("ntlm: OEM strings are read when NTLMSSP_NEGOTIATE_UNICODE is clear", "[decode][ntlm]") {
  AuthBuilder b;
  auto bytes = b.build(0x00000202u, {}, std::vector<std::uint8_t>(24, 1));  // OEM | NTLM
  // Rewrite the UTF-16 user name "b\0o\0b\0" as far as it goes: OEM bytes are taken as-is.
  const auto v = decode_token(bytes);
  CHECK(v["user"].as_string() == std::string("b\0o\0b\0", 6));
}

TEST_CASE("ntlm: payload fields pointing outside the message are reported at their header", "[decode][ntlm]") {
  auto bytes = authctx::test::token_fixture("ntlm_authenticate");
  bytes[40] = 0xff;  // UserNameFields.BufferOffset (offset 40) now far past the end
  bytes[41] = 0xff;
  const auto v = decode_token(bytes);
  CHECK(v["type"].as_string() == "ntlm.authenticate");
  REQUIRE(v["diagnostics"].size() == 1);
  CHECK(v["diagnostics"][0]["offset"].as_uint() == 36);
  CHECK(v["user"].as_string().empty());
  CHECK(v["domain"].as_string() == "AUTHCTX");  // the rest is still decoded
}

TEST_CASE("ntlm: GSS MIC and Wrap outputs are NTLM message signatures", "[decode][ntlm]") {
  const auto sig = decode_fixture("ntlm_signature");
  CHECK(sig["type"].as_string() == "ntlm.signature");
  CHECK(sig["version"].as_int() == 1);
  CHECK(sig["seq_num"].as_int() == 0);
  CHECK(sig["checksum"]["redacted"].as_bool());
  const auto wrap = decode_fixture("ntlm_wrap");
  CHECK(wrap["type"].as_string() == "ntlm.wrap");
  CHECK(wrap["seq_num"].as_int() == 1);
  CHECK(wrap["data_length"].as_int() == 5);
}

TEST_CASE("ntlm: an unknown message type is decoded as far as its header", "[decode][ntlm]") {
  std::vector<std::uint8_t> bytes = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 9, 0, 0, 0};
  const auto v = decode_token(bytes);
  CHECK(v["type"].as_string() == "unknown");
  CHECK(v["message_type"].as_int() == 9);
  REQUIRE(v["diagnostics"].size() == 1);
  CHECK(v["diagnostics"][0]["offset"].as_uint() == 8);
}

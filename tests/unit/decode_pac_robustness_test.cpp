// The PAC decoder under hostile input, called directly (decode_token only reaches it when a
// PAC's buffer list fits): every prefix of every captured PAC and of each of its buffers,
// every byte corrupted, hostile counts. Nothing may crash or read outside the input (the
// sanitizer preset runs this under ASan/UBSan); truncation must be reported with an offset
// inside the input; the tree must always render as JSON.
#include <nlohmann/json.hpp>

#include "decode/pac.hpp"
#include "decode_fixtures.hpp"

using authctx::decode::decode_pac;
using authctx::decode::decode_pac_buffer;
using authctx::decode::has_diagnostics;
using authctx::decode::Value;

using authctx::test::offsets_within;

namespace {
const char* const kPacs[] = {"pac_mit_minimal", "pac_samba_alice", "pac_samba_tgt"};


std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (std::uint32_t{b[at + 3]} << 24);
}
}  // namespace

TEST_CASE("pac robustness: every prefix of a PAC is handled and its truncation reported", "[decode][pac][robustness]") {
  for (const char* name : kPacs) {
    const auto bytes = authctx::test::token_fixture(name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      const std::span<const std::uint8_t> prefix(bytes.data(), n);
      const auto v = decode_pac(prefix);
      if (!offsets_within(v, n)) FAIL(name << " prefix " << n << ": offset outside the input");
      if (!has_diagnostics(v)) FAIL(name << " prefix " << n << ": truncation not reported");
      if (!nlohmann::json::accept(authctx::decode::to_debug_json(v))) FAIL(name << " prefix " << n << ": not JSON");
    }
  }
}

TEST_CASE("pac robustness: every prefix of every buffer is handled and truncation reported",
          "[decode][pac][robustness]") {
  for (const char* name : kPacs) {
    const auto bytes = authctx::test::token_fixture(name);
    const std::uint32_t count = le32(bytes, 0);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::size_t at = 8 + 16 * i;
      const std::uint32_t type = le32(bytes, at);
      const std::uint32_t size = le32(bytes, at + 4);
      const std::uint32_t offset = le32(bytes, at + 8);
      const std::span<const std::uint8_t> whole(bytes.data() + offset, size);
      CHECK_FALSE(has_diagnostics(decode_pac_buffer(type, whole)));
      // Signatures and credentials take "the rest" of their buffer and UPN_DNS_INFO may end in
      // padding, so only the buffers whose every byte is accounted for must notice each cut
      // (logon info through its NDR object length).
      const bool structured = type == 1 || type == 10 || type == 17 || type == 18;
      for (std::size_t n = 0; n < size; ++n) {
        const auto v = decode_pac_buffer(type, whole.first(n), {}, 0);
        if (!offsets_within(v, n)) FAIL(name << " buffer type " << type << " cut to " << n << ": offset outside");
        if (structured && !has_diagnostics(v)) FAIL(name << " buffer type " << type << " cut to " << n << ": not reported");
      }
    }
  }
}

TEST_CASE("pac robustness: corrupting any byte never crashes and keeps offsets inside the input",
          "[decode][pac][robustness]") {
  for (const char* name : kPacs) {
    auto bytes = authctx::test::token_fixture(name);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::uint8_t saved = bytes[i];
      for (const std::uint8_t b : {std::uint8_t(saved ^ 0xff), std::uint8_t(0xff), std::uint8_t(0x00), std::uint8_t(saved + 1)}) {
        bytes[i] = b;
        const auto v = decode_pac(bytes);
        if (!offsets_within(v, bytes.size())) FAIL(name << " byte " << i << " = " << int(b) << ": offset outside");
        if (b == std::uint8_t(saved ^ 0xff) && !nlohmann::json::accept(authctx::decode::to_debug_json(v))) {
          FAIL(name << " byte " << i << ": not JSON");
        }
      }
      bytes[i] = saved;
    }
  }
}

TEST_CASE("pac robustness: hostile counts are refused without allocating for them", "[decode][pac][robustness]") {
  SECTION("a PACTYPE claiming four billion buffers") {
    const auto bytes = authctx::test::hex("ffffffff00000000" "0100000010000000" "1800000000000000");
    const auto v = decode_pac(bytes);
    REQUIRE(has_diagnostics(v));
    CHECK(v["diagnostics"][0]["offset"].as_uint() == 0);
    CHECK(v["buffers"].size() == 0);
  }
  SECTION("a buffer pointing past the end of the PAC") {
    const auto bytes = authctx::test::hex("0100000000000000" "0a000000ff000000" "1800000000000000");
    const auto v = decode_pac(bytes);
    REQUIRE(v["buffers"].size() == 1);
    REQUIRE(has_diagnostics(v["buffers"][0]));
    CHECK(v["buffers"][0]["diagnostics"][0]["offset"].as_uint() == 8);
    CHECK_FALSE(v["buffers"][0].contains("decoded"));
  }
  SECTION("logon info with a group count of 0x7fffffff") {
    auto bytes = authctx::test::token_fixture("pac_samba_alice");
    // logon_info starts at 120; the GroupIds conformance follows the six name bodies. Patch
    // GroupCount (inline, offset 20 + 108 into the NDR) and the array's MaxCount both.
    const std::size_t base = le32(bytes, 8 + 8);
    const std::size_t group_count_at = base + 20 + 108;
    REQUIRE(le32(bytes, group_count_at) == 2);
    for (std::size_t at = base; at + 20 < bytes.size(); ++at) {
      if (le32(bytes, at) == 2 && le32(bytes, at + 4) == 513) {  // MaxCount 2, then RID 513
        bytes[at] = 0xff, bytes[at + 1] = 0xff, bytes[at + 2] = 0xff, bytes[at + 3] = 0x7f;
        break;
      }
    }
    bytes[group_count_at] = 0xff, bytes[group_count_at + 1] = 0xff, bytes[group_count_at + 2] = 0xff;
    bytes[group_count_at + 3] = 0x7f;
    const auto v = decode_pac(bytes);
    const auto& li = v["buffers"][0]["decoded"];
    REQUIRE(has_diagnostics(li));
    CHECK(li["diagnostics"][0]["message"].as_string().find("GroupIds") != std::string::npos);
    CHECK(li["groups"].size() == 0);
    CHECK(li["user_id"].as_uint() == 1102);  // the rest still decodes
  }
}

// Malformed input: every prefix of every captured vector, byte corruption at every offset,
// hostile lengths, deep nesting and garbage. Nothing may crash or read outside the input
// (run under ASan/UBSan in the sanitizer preset); self-delimiting tokens must report their
// truncation with an offset inside the input; the tree must always render as JSON.
#include <nlohmann/json.hpp>

#include "decode_fixtures.hpp"
#include "decode/value.hpp"

using authctx::decode::decode_token;
using authctx::decode::has_diagnostics;
using authctx::decode::Value;

using authctx::test::offsets_within;

namespace {

// Empty when v is a well-formed decoder result for an input of len bytes, else the problem.
std::string problem(const Value& v, std::size_t len, bool parse_json) {
  if (!v.is_object() || !v["type"].is_string()) return "not an object with a type";
  if (!offsets_within(v, len)) return "a diagnostic offset lies past the input";
  if (parse_json && !nlohmann::json::accept(authctx::decode::to_debug_json(v))) return "not valid JSON";
  return {};
}

void check_well_formed(const Value& v, std::size_t len) {
  const auto p = problem(v, len, true);
  INFO(authctx::decode::to_debug_json(v));
  CHECK(p.empty());
}
}  // namespace

TEST_CASE("robustness: every captured vector decodes cleanly", "[decode][robustness]") {
  for (const auto& f : authctx::test::all_fixtures()) {
    INFO(f.name);
    const auto v = authctx::test::decode_fixture(f.name);
    CHECK_FALSE(has_diagnostics(v));
    CHECK(v["type"].as_string() != "unknown");
  }
}

TEST_CASE("robustness: every prefix of every vector is handled and truncation is reported",
          "[decode][robustness]") {
  for (const auto& f : authctx::test::all_fixtures()) {
    const auto bytes = authctx::test::token_fixture(f.name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      INFO(f.name << " truncated to " << n << " bytes");  // cheap: one per prefix
      const std::span<const std::uint8_t> prefix(bytes.data(), n);
      const auto v = decode_token(prefix);
      const auto p = problem(v, n, true);
      if (!p.empty()) FAIL(p);
      if (f.self_delimiting && n > 0 && !has_diagnostics(v) && v["type"].as_string() != "unknown") {
        FAIL("truncation not reported: " << authctx::decode::to_debug_json(v));
      }
    }
  }
}

TEST_CASE("robustness: corrupting any byte never crashes and keeps offsets inside the input",
          "[decode][robustness]") {
  for (const auto& f : authctx::test::all_fixtures()) {
    auto bytes = authctx::test::token_fixture(f.name);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::uint8_t saved = bytes[i];
      // Two corruptions everywhere; three more in the first 64 bytes, where the outer
      // headers, tags and lengths live.
      const std::uint8_t all[] = {std::uint8_t(saved ^ 0xff), std::uint8_t(0x84), std::uint8_t(0x00),
                                  std::uint8_t(0x80), std::uint8_t(saved + 1)};
      const std::size_t variants = i < 64 ? 5 : 2;
      for (std::size_t k = 0; k < variants; ++k) {
        const std::uint8_t b = all[k];
        bytes[i] = b;
        // Plain checks in the loop (Catch assertions per corruption would dominate the run).
        const auto p = problem(decode_token(bytes), bytes.size(), b == std::uint8_t(saved ^ 0xff));
        if (!p.empty()) FAIL(f.name << " byte " << i << " set to " << int(b) << ": " << p);
      }
      bytes[i] = saved;
    }
  }
}

TEST_CASE("robustness: hostile lengths, nesting and garbage", "[decode][robustness]") {
  SECTION("a 4 GiB length prefix") {
    const std::vector<std::uint8_t> data = {0x60, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x01};
    const auto v = decode_token(data);
    check_well_formed(v, data.size());
    REQUIRE(v["diagnostics"].size() == 1);
    CHECK(v["diagnostics"][0]["offset"].as_uint() == 0);
  }
  SECTION("SPNEGO tokens nested inside each other's mechToken far beyond any real depth") {
    // innermost: an empty NTLM-less blob; wrap it repeatedly as a NegTokenInit mechToken.
    std::vector<std::uint8_t> tok = {0x00};
    const auto wrap = [](std::uint8_t tag, const std::vector<std::uint8_t>& inner) {
      std::vector<std::uint8_t> out = {tag};
      const std::size_t n = inner.size();
      if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
      } else if (n < 0x100) {
        out.push_back(0x81), out.push_back(static_cast<std::uint8_t>(n));
      } else if (n < 0x10000) {
        out.push_back(0x82), out.push_back(static_cast<std::uint8_t>(n >> 8)), out.push_back(static_cast<std::uint8_t>(n));
      } else {
        out.push_back(0x83), out.push_back(static_cast<std::uint8_t>(n >> 16)),
            out.push_back(static_cast<std::uint8_t>(n >> 8)), out.push_back(static_cast<std::uint8_t>(n));
      }
      out.insert(out.end(), inner.begin(), inner.end());
      return out;
    };
    for (int i = 0; i < 200; ++i) {
      auto mech_token = wrap(0xa2, wrap(0x04, tok));
      auto mech_types = wrap(0xa0, wrap(0x30, {}));
      mech_types.insert(mech_types.end(), mech_token.begin(), mech_token.end());
      tok = wrap(0xa0, wrap(0x30, mech_types));
    }
    const auto v = decode_token(tok);
    check_well_formed(v, tok.size());
    CHECK(v["type"].as_string() == "spnego.neg_token_init");
    CHECK(has_diagnostics(v));  // the depth limit is reported, not followed
  }
  SECTION("garbage") {
    std::vector<std::uint8_t> data(997);
    std::uint32_t x = 12345;
    for (int round = 0; round < 200; ++round) {
      for (auto& b : data) {
        x = x * 1103515245u + 12345u;
        b = static_cast<std::uint8_t>(x >> 16);
      }
      data[0] = static_cast<std::uint8_t>(round % 2 ? 0x60 : 0xa0 + (round % 3));
      check_well_formed(decode_token(data), data.size());
    }
  }
  SECTION("empty input is unknown with a reason") {
    const auto v = decode_token({});
    CHECK(v["type"].as_string() == "unknown");
    CHECK(v["length"].as_uint() == 0);
    CHECK_FALSE(v["reason"].as_string().empty());
  }
}

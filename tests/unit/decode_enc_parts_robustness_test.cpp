// The decoders of Kerberos encrypted-part plaintext (krb5_enc_parts.hpp) under hostile
// input: the real plaintexts a keytab opened in tests/data/exchanges (kept as fuzz seeds in
// tests/fuzz/corpus-keys, written by tests/data/tokens/capture/dump_plaintexts.cpp), cut at
// every length and corrupted at every byte. A decoder must notice every cut, keep its
// offsets inside the plaintext and never crash; the whole ones decode cleanly.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "decode/krb5_enc_parts.hpp"
#include "decode_fixtures.hpp"

using authctx::decode::Value;
using authctx::test::offsets_within;

namespace {
struct Plaintext {
  std::string name;
  int usage;
  std::vector<std::uint8_t> bytes;
};

// The seeds named "<exchange>-usage<N>-<k>": mode byte 3, the key usage, the plaintext.
std::vector<Plaintext> plaintexts() {
  std::vector<Plaintext> out;
  const std::filesystem::path dir = std::filesystem::path(AUTHCTX_SOURCE_DIR) / "tests/fuzz/corpus-keys";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.find("-usage") == std::string::npos) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (b.size() < 3 || b[0] != 3) continue;
    out.push_back({name, b[1], std::vector<std::uint8_t>(b.begin() + 2, b.end())});
  }
  return out;
}

Value decode_plain(int usage, std::span<const std::uint8_t> plain) {
  static const authctx::decode::Options options;
  const authctx::decode::Ctx ctx{&options, 0};
  switch (usage) {
    case 2: return authctx::decode::decode_enc_ticket_part(plain, ctx);
    case 11: return authctx::decode::decode_authenticator(plain, ctx);
    case 12: return authctx::decode::decode_enc_ap_rep_part(plain, ctx);
    case 14: return authctx::decode::decode_enc_krb_cred_part(plain, ctx);
    default: return authctx::decode::decode_enc_kdc_rep_part(plain, ctx);
  }
}

const char* type_for(int usage) {
  switch (usage) {
    case 2: return "krb5.enc_ticket_part";
    case 11: return "krb5.authenticator";
    case 12: return "krb5.enc_ap_rep_part";
    case 14: return "krb5.enc_krb_cred_part";
    default: return "krb5.enc_kdc_rep_part";
  }
}
}  // namespace

TEST_CASE("enc parts robustness: the real plaintexts decode cleanly and every cut is reported",
          "[decode][krb5][robustness]") {
  const auto all = plaintexts();
  REQUIRE(all.size() >= 12);
  for (const auto& p : all) {
    INFO(p.name);
    const auto whole = decode_plain(p.usage, p.bytes);
    CHECK(whole["type"].as_string() == type_for(p.usage));
    CHECK_FALSE(authctx::decode::has_diagnostics(whole));
    // MIT hands back exactly the DER value (no confounder, no padding), so every cut shows.
    for (std::size_t n = 0; n < p.bytes.size(); ++n) {
      const auto v = decode_plain(p.usage, std::span<const std::uint8_t>(p.bytes.data(), n));
      if (!offsets_within(v, n)) FAIL(p.name << " cut to " << n << ": offset outside");
      if (!authctx::decode::has_diagnostics(v)) FAIL(p.name << " cut to " << n << ": not reported");
    }
  }
}

TEST_CASE("enc parts robustness: corrupting any byte never crashes and keeps offsets inside",
          "[decode][krb5][robustness]") {
  for (auto p : plaintexts()) {
    for (std::size_t i = 0; i < p.bytes.size(); ++i) {
      const std::uint8_t saved = p.bytes[i];
      for (const std::uint8_t b : {std::uint8_t(saved ^ 0xff), std::uint8_t(0x84), std::uint8_t(0x00)}) {
        p.bytes[i] = b;
        const auto v = decode_plain(p.usage, p.bytes);
        if (!offsets_within(v, p.bytes.size())) FAIL(p.name << " byte " << i << ": offset outside");
        if (b == std::uint8_t(saved ^ 0xff) && !nlohmann::json::accept(authctx::decode::to_debug_json(v))) {
          FAIL(p.name << " byte " << i << ": not JSON");
        }
      }
      p.bytes[i] = saved;
    }
  }
}

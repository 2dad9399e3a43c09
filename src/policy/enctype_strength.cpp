#include "policy/enctype_strength.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "decode/tables.hpp"

namespace authctx::policy {
namespace {

constexpr std::array<std::string_view, 7> k_rank_words{"none", "rc4-exp", "des", "rc4", "des3", "aes128", "aes256"};

struct RankOf {
  std::int64_t id;
  int rank;
};
// Enctype numbers as RFC 3961 §8 / IANA assign them (and decode/tables.cpp names them).
constexpr RankOf k_ranks[] = {
    {0, 0},                       // null
    {24, 1},                      // arcfour-hmac-exp: 40-bit export RC4
    {1, 2},  {2, 2},    {3, 2},   // single DES (RFC 6649)
    {23, 3}, {-128, 3},           // RC4-HMAC (RFC 4757, RFC 8429)
    {5, 4},  {7, 4},    {16, 4},  // triple DES (RFC 8429)
    {17, 5}, {19, 5},   {25, 5},  // 128-bit AES (RFC 3962, 8009) and Camellia (RFC 6803)
    {18, 6}, {20, 6},   {26, 6},  // 256-bit AES and Camellia
};

struct Word {
  std::string_view word;
  int rank;
};
// Rank words: MIT's family names (kdc.conf(5) "Encryption types") where they name one rank.
constexpr Word k_words[] = {{"des", 2},         {"rc4", 3},         {"arcfour", 3}, {"des3", 4},
                            {"aes", 5},         {"aes128", 5},      {"aes256", 6},  {"camellia", 5},
                            {"camellia128", 5}, {"camellia256", 6}, {"rc4-exp", 1}};

struct Alias {
  std::string_view alias;
  std::int64_t id;
};
// MIT krb5's alternative names (lib/crypto/krb/etypes.c), as people type them in krb5.conf.
constexpr Alias k_aliases[] = {
    {"des3-hmac-sha1", 16},  {"des3-cbc-sha1-kd", 16}, {"aes256-cts", 18},   {"aes256-sha1", 18},
    {"aes128-cts", 17},      {"aes128-sha1", 17},      {"aes256-sha2", 20},  {"aes128-sha2", 19},
    {"rc4-hmac", 23},        {"arcfour-hmac-md5", 23}, {"rc4-hmac-exp", 24}, {"arcfour-hmac-md5-exp", 24},
    {"camellia256-cts", 26}, {"camellia128-cts", 25},
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

std::optional<int> enctype_rank(std::int64_t id) {
  for (const auto& r : k_ranks)
    if (r.id == id) return r.rank;
  return std::nullopt;
}

std::string_view rank_word(int rank) {
  if (rank < 0 || rank >= static_cast<int>(k_rank_words.size())) return "unknown";
  return k_rank_words[static_cast<std::size_t>(rank)];
}

std::string enctype_label(std::int64_t id) {
  const auto name = decode::lookup_name(decode::enctype_table(), id);
  return name.empty() ? std::to_string(id) : std::string(name);
}

std::string_view strength_order_text() { return "none < rc4-exp < des < rc4 < des3 < aes128 < aes256"; }

std::optional<EnctypeSpec> parse_enctype_spec(std::string_view text, bool exact) {
  const std::string key = lower(text);
  EnctypeSpec spec{std::string(text), std::nullopt, 0};
  if (key.empty()) return std::nullopt;
  std::optional<std::int64_t> id;
  if (std::isdigit(static_cast<unsigned char>(key[0])) != 0 || key[0] == '-') {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
    if (ec != std::errc() || end != key.data() + key.size()) return std::nullopt;
    id = n;
  }
  if (!id) {
    for (const auto& e : decode::enctype_table())
      if (e.name == key) id = e.id;
  }
  if (!id) {
    for (const auto& a : k_aliases)
      if (a.alias == key) id = a.id;
  }
  if (id) {
    spec.id = id;
    const auto rank = enctype_rank(*id);
    if (!rank && !exact) return std::nullopt;
    spec.rank = rank.value_or(-1);
    return spec;
  }
  if (exact) return std::nullopt;  // a rank word is not one enctype
  for (const auto& w : k_words) {
    if (w.word == key) {
      spec.rank = w.rank;
      return spec;
    }
  }
  return std::nullopt;
}

}  // namespace authctx::policy

#include "decode/input.hpp"

#include <array>
#include <cstring>

#include "util/base64.hpp"

namespace authctx::decode {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    char b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

TokenInput failure(std::string reason) {
  TokenInput r;
  r.error = std::move(reason);
  return r;
}

TokenInput success(std::vector<std::uint8_t> bytes, std::string form) {
  TokenInput r;
  r.ok = true;
  r.bytes = std::move(bytes);
  r.form = std::move(form);
  return r;
}

TokenInput try_hex(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  std::string digits;
  digits.reserve(text.size());
  for (const char c : text) {
    if (is_space(c) || c == ':') continue;
    if (!is_hex_digit(c)) return failure("not hex: unexpected character");
    digits += c;
  }
  if (digits.empty()) return failure("not hex: no digits");
  if (digits.size() % 2 != 0) return failure("not hex: odd number of digits");
  auto bytes = util::hex_decode(digits);
  if (!bytes) return failure("not hex");
  return success(std::move(*bytes), "hex");
}

TokenInput try_base64(std::string_view text) {
  std::string clean;
  clean.reserve(text.size() + 3);
  for (const char c : text) {
    if (is_space(c)) continue;
    // RFC 4648 §5 URL-safe alphabet, seen in some logs.
    clean += c == '-' ? '+' : (c == '_' ? '/' : c);
  }
  if (clean.empty()) return failure("not base64: empty");
  while (clean.size() % 4 != 0) clean += '=';
  auto bytes = util::base64_decode(clean);
  if (!bytes || bytes->empty()) return failure("not base64");
  return success(std::move(*bytes), "base64");
}

// `Scheme token` (RFC 7235 §2.1 credentials), optionally after a header name.
TokenInput try_header(std::string_view text, bool forced) {
  text = trim(text);
  static constexpr std::array<std::string_view, 4> kHeaders = {"authorization:", "proxy-authorization:",
                                                                "www-authenticate:", "proxy-authenticate:"};
  bool had_header = false;
  for (const auto h : kHeaders) {
    if (iequals_prefix(text, h)) {
      text = trim(text.substr(h.size()));
      had_header = true;
      break;
    }
  }
  static constexpr std::array<std::string_view, 3> kSchemes = {"Negotiate", "NTLM", "Kerberos"};
  for (const auto scheme : kSchemes) {
    if (!iequals_prefix(text, scheme)) continue;
    std::string_view rest = text.substr(scheme.size());
    if (!rest.empty() && !is_space(rest.front())) continue;
    rest = trim(rest);
    // A challenge may list parameters after a comma; the token is the first item.
    if (const auto comma = rest.find(','); comma != std::string_view::npos) rest = trim(rest.substr(0, comma));
    if (rest.empty()) return failure("the " + std::string(scheme) + " header carries no token");
    auto r = try_base64(rest);
    if (!r.ok) return failure("the " + std::string(scheme) + " token is not base64");
    r.form = "header";
    r.scheme = std::string(scheme);
    return r;
  }
  if (had_header) return failure("the header has no Negotiate, NTLM or Kerberos token");
  return failure(forced ? "not an HTTP Negotiate/NTLM/Kerberos header" : "");
}

}  // namespace

bool looks_like_text(std::span<const std::uint8_t> data) {
  if (data.empty()) return true;
  for (const auto b : data) {
    if (b == '\t' || b == '\n' || b == '\r') continue;
    if (b < 0x20 || b >= 0x7f) return false;
  }
  return true;
}

TokenInput parse_token_input(std::string_view text, InputForm form) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  return parse_token_input(std::span<const std::uint8_t>(p, text.size()), form);
}

TokenInput parse_token_input(std::span<const std::uint8_t> input, InputForm form) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  switch (form) {
    case InputForm::raw:
      if (input.empty()) return failure("empty input");
      return success(std::vector<std::uint8_t>(input.begin(), input.end()), "raw");
    case InputForm::hex: return try_hex(text);
    case InputForm::base64: return try_base64(text);
    case InputForm::header: return try_header(text, true);
    case InputForm::automatic: break;
  }
  if (input.empty() || trim(text).empty()) return failure("empty input");
  if (!looks_like_text(input)) return success(std::vector<std::uint8_t>(input.begin(), input.end()), "raw");
  if (auto h = try_header(text, false); h.ok || !h.error.empty()) return h;
  if (auto h = try_hex(text); h.ok) return h;
  if (auto b = try_base64(text); b.ok) return b;
  return failure("input is not raw token bytes, base64, hex or an HTTP Negotiate/NTLM header");
}

}  // namespace authctx::decode

#include "policy/xml_text.hpp"

#include <cstdint>
#include <string_view>

namespace authctx::policy {
namespace {

// UTF-8 of the few code points written in place of others (RFC 3629 §3).
constexpr std::string_view k_replacement_utf8 = "\xef\xbf\xbd";  // U+FFFD
constexpr std::string_view k_delete_picture = "\xe2\x90\xa1";    // U+2421 SYMBOL FOR DELETE
// U+2400 + c, the Control Pictures block: E2 90 80+c for c < 0x20.
void append_control_picture(std::string& out, std::uint32_t c) {
  out += "\xe2\x90";
  out += static_cast<char>(0x80 + c);
}

constexpr std::uint32_t k_replacement = 0xfffd;

// Decodes one UTF-8 sequence at s[i] (RFC 3629 §4: shortest form, no surrogates, at most
// U+10FFFF). Returns the code point and advances i; a bad byte gives U+FFFD and i + 1.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int extra = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    extra = 1, cp = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    extra = 2, cp = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return k_replacement;
  }
  if (s.size() - i <= static_cast<std::size_t>(extra)) {  // truncated sequence
    ++i;
    return k_replacement;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xc0) != 0x80) {
      ++i;
      return k_replacement;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++i;
    return k_replacement;
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

std::string escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    const auto cp = next_code_point(s, i);
    switch (cp) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&apos;"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      case '\r': out += "&#13;"; continue;  // a raw CR would be normalised away (XML 1.0 §2.11)
      default: break;
    }
    if (cp < 0x20) {
      append_control_picture(out, cp);
    } else if (cp == 0x7f) {
      out += k_delete_picture;
    } else if (cp == k_replacement || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff) {
      out += k_replacement_utf8;
    } else {
      out.append(s.substr(start, i - start));  // a valid sequence is copied as it was
    }
  }
  return out;
}
}  // namespace

std::string xml_text(std::string_view s) { return escape(s, false); }
std::string xml_attribute(std::string_view s) { return escape(s, true); }

}  // namespace authctx::policy

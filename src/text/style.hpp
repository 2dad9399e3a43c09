// Internal to the text view (text_view*.cpp): ANSI styling that disappears when colour is
// off, JSON-to-text helpers, and a small word-wrapping table used for side-by-side columns.
#pragma once
#include <string>
#include <vector>

#include "json/json.hpp"

namespace authctx::text {

using json::Json;

struct Style {
  bool color = false;
  std::string wrap(const char* code, const std::string& s) const {
    return color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  }
  std::string bold(const std::string& s) const { return wrap("1", s); }
  std::string dim(const std::string& s) const { return wrap("2", s); }
  std::string good(const std::string& s) const { return wrap("32;1", s); }
  std::string bad(const std::string& s) const { return wrap("31;1", s); }
  std::string warn(const std::string& s) const { return wrap("33;1", s); }
  std::string accent(const std::string& s) const { return wrap("36", s); }
  std::string heading(const std::string& s) const { return wrap("1;4", s); }
};

// A scalar as text: strings unquoted, null as "-", other values as compact JSON.
std::string str(const Json& j);
// j[key] as text, "-" when j is not an object or lacks the key.
std::string field(const Json& j, const char* key);
// An array of scalars joined with sep; `empty` when the array is empty or missing.
std::string join(const Json& arr, const std::string& sep = " ", const std::string& empty = "-");
// {"name": ...} objects (mechs, enctypes) by name; anything else as str().
std::string name_of(const Json& j);
// Short MIT names for common Kerberos enctypes (aes256-cts, aes256-sha2, rc4-hmac).
std::string short_enctype(const Json& etype);
// Width of s on a terminal, counting UTF-8 code points and skipping ANSI sequences.
std::size_t display_width(const std::string& s);
// s padded with spaces to `width` display columns.
std::string pad(const std::string& s, std::size_t width);
// Splits s at spaces into lines of at most width columns (longer words stay whole).
std::vector<std::string> wrap_words(const std::string& s, std::size_t width);
// Full decoded tree as an indented outline (for --verbose), each line prefixed by indent.
std::string outline(const Json& j, const std::string& indent);

}  // namespace authctx::text

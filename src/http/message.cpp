#include "http/message.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "util/errors.hpp"

namespace authctx::http {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void Headers::set(const std::string& name, std::string value) {
  remove(name);
  add(name, std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(list_, [&](const Header& h) { return iequals(h.name, name); });
}

std::vector<std::string> Headers::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : list_)
    if (iequals(h.name, name)) out.push_back(h.value);
  return out;
}

std::optional<std::string> Headers::first(std::string_view name) const {
  for (const auto& h : list_)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return buf;
}

std::string escape_bytes(std::string_view bytes, std::size_t max) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

Header parse_header_line(const std::string& line) {
  const auto hint = "write --header 'Name: value'";
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    throw util::usage_error("--header '" + line.substr(0, line.find_first_of("\r\n")) + "...' has a line break or NUL",
                            hint);
  const auto colon = line.find(':');
  if (colon == std::string::npos || colon == 0) throw util::usage_error("--header '" + line + "' has no 'Name:'", hint);
  Header h;
  h.name = line.substr(0, colon);
  if (!std::all_of(h.name.begin(), h.name.end(), [](char c) { return is_tchar(c); }))
    throw util::usage_error("--header '" + line + "': '" + h.name + "' is not a valid field name", hint);
  auto value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t");
  h.value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  return h;
}

}  // namespace authctx::http

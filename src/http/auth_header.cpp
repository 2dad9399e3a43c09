#include "http/auth_header.hpp"

#include <array>
#include <cctype>

#include "http/message.hpp"

namespace authctx::http {
namespace {

constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < k_alphabet.size(); ++i)
    t[static_cast<unsigned char>(k_alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto k_reverse = make_reverse();

// RFC 9110 §11.2 token68 characters, without the trailing '='.
bool is_t68char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return std::isalnum(c) || std::string_view("-._~+/").find(ch) != std::string_view::npos;
}
bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string byte_text(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if (c > 0x20 && c < 0x7f) return std::string("'") + ch + "'";
  static constexpr char k_hex[] = "0123456789abcdef";
  return std::string("byte 0x") + k_hex[c >> 4] + k_hex[c & 15];
}

// One field value, read left to right. Every loop advances pos or returns, so the parse is
// linear in the input.
class FieldParser {
 public:
  FieldParser(std::string_view s, std::size_t field, AuthHeaderParse& out) : s_(s), field_(field), out_(out) {}

  void run() {
    while (true) {
      skip_separators();
      if (pos_ >= s_.size()) return;
      const std::size_t start = pos_;
      const auto name = read_token();
      if (name.empty()) {
        diag(start, "unexpected " + byte_text(s_[start]) + " where an authentication scheme or parameter belongs");
        skip_element();
        continue;
      }
      const std::size_t after_name = pos_;
      skip_ows();
      if (pos_ < s_.size() && s_[pos_] == '=') {
        pos_ = start;
        parameter_of_current(start, std::string(name));
        continue;
      }
      if (pos_ >= s_.size() || s_[pos_] == ',') {
        start_challenge(name, start);
        continue;
      }
      if (pos_ == after_name) {  // "scheme" directly followed by something other than SP
        diag(pos_, "unexpected " + byte_text(s_[pos_]) + " after '" + std::string(name) + "'");
        skip_element();
        continue;
      }
      auto* ch = start_challenge(name, start);
      challenge_data(ch);
    }
  }

 private:
  void diag(std::size_t offset, std::string message) {
    out_.diagnostics.push_back({field_, offset, std::move(message)});
  }

  void skip_ows() {
    while (pos_ < s_.size() && is_ows(s_[pos_])) ++pos_;
  }
  void skip_separators() {
    while (pos_ < s_.size() && (is_ows(s_[pos_]) || s_[pos_] == ',')) ++pos_;
  }
  std::string_view read_token() {
    const auto start = pos_;
    while (pos_ < s_.size() && is_tchar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // Skips to the next comma outside a quoted string (or the end).
  void skip_element() {
    bool quoted = false;
    for (; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (quoted && c == '\\') {
        ++pos_;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ',') {
        return;
      }
    }
  }
  bool at_element_end() {
    skip_ows();
    return pos_ >= s_.size() || s_[pos_] == ',';
  }

  Challenge* start_challenge(std::string_view scheme, std::size_t offset) {
    current_ = nullptr;
    params_capped_ = false;
    if (out_.items.size() >= k_max_challenges) {
      if (!capped_) diag(offset, "more than " + std::to_string(k_max_challenges) + " challenges: the rest are ignored");
      capped_ = true;
      return nullptr;
    }
    Challenge c;
    c.scheme = std::string(scheme);
    c.kind = classify_scheme(scheme);
    c.field = field_;
    c.offset = offset;
    out_.items.push_back(std::move(c));
    current_ = &out_.items.back();
    return current_;
  }

  // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4).
  std::optional<std::string> read_quoted() {
    const auto open = pos_++;
    std::string value;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return value;
      }
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) break;
        const auto n = static_cast<unsigned char>(s_[pos_ + 1]);
        if (n < 0x20 && n != '\t') {
          diag(pos_ + 1, "control " + byte_text(s_[pos_ + 1]) + " escaped in a quoted string");
          return std::nullopt;
        }
        value += s_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      if ((u < 0x20 && c != '\t') || u == 0x7f) {
        diag(pos_, "control " + byte_text(c) + " inside a quoted string");
        return std::nullopt;
      }
      value += c;
      ++pos_;
    }
    diag(open, "quoted string not closed");
    pos_ = s_.size();
    return std::nullopt;
  }

  // name BWS "=" BWS ( token / quoted-string ), pos_ at name. Returns false (pos_ restored)
  // when the text is not a parameter; true once it consumed one, valid or not.
  bool try_parameter(Challenge* ch, bool report) {
    const auto start = pos_;
    const auto name = read_token();
    skip_ows();
    if (name.empty() || pos_ >= s_.size() || s_[pos_] != '=') {
      pos_ = start;
      return false;
    }
    ++pos_;
    skip_ows();
    AuthParam p;
    p.name = std::string(name);
    if (pos_ < s_.size() && s_[pos_] == '"') {
      const auto v = read_quoted();
      if (!v) {
        skip_element();
        return true;
      }
      p.value = *v;
      p.quoted = true;
    } else {
      const auto v = read_token();
      if (v.empty()) {
        if (!report) {
          pos_ = start;
          return false;
        }
        diag(pos_, pos_ < s_.size() ? "unexpected " + byte_text(s_[pos_]) + " as the value of '" + p.name + "'"
                                    : "no value after '" + p.name + "='");
        skip_element();
        return true;
      }
      p.value = std::string(v);
    }
    if (!at_element_end()) {
      if (!report) {
        pos_ = start;
        return false;
      }
      diag(pos_, "unexpected " + byte_text(s_[pos_]) + " after the value of '" + p.name + "'");
      skip_element();
      return true;
    }
    if (ch == nullptr) return true;
    if (ch->params.size() >= k_max_params) {
      if (!params_capped_)
        diag(start, "more than " + std::to_string(k_max_params) + " parameters: the rest are ignored");
      params_capped_ = true;
      return true;
    }
    ch->params.push_back(std::move(p));
    return true;
  }

  void parameter_of_current(std::size_t start, const std::string& name) {
    if (current_ == nullptr && !capped_) {
      diag(start, "parameter '" + name + "' before any authentication scheme");
      skip_element();
      return;
    }
    if (current_ != nullptr && current_->token68) {
      diag(start, "parameter '" + name + "' after a token68 (a challenge has one or the other)");
      skip_element();
      return;
    }
    try_parameter(current_, true);
  }

  // After "scheme 1*SP": a parameter or a token68.
  void challenge_data(Challenge* ch) {
    if (try_parameter(ch, false)) return;
    const auto start = pos_;
    while (pos_ < s_.size() && is_t68char(s_[pos_])) ++pos_;
    const bool chars = pos_ > start;
    while (pos_ < s_.size() && s_[pos_] == '=') ++pos_;
    const auto end = pos_;
    if (!chars || !at_element_end()) {
      const auto bad = chars ? pos_ : start;
      diag(bad, bad < s_.size() ? "unexpected " + byte_text(s_[bad]) + " in a token68 or parameter" : "empty token68");
      skip_element();
      return;
    }
    if (ch == nullptr) return;
    ch->token68 = std::string(s_.substr(start, end - start));
    auto decoded = decode_base64_strict(*ch->token68);
    if (decoded.ok()) {
      ch->token = std::move(decoded.bytes);
    } else {
      ch->token_error = AuthDiagnostic{field_, start + *decoded.error_offset, decoded.error};
    }
  }

  std::string_view s_;
  std::size_t field_;
  AuthHeaderParse& out_;
  std::size_t pos_ = 0;
  Challenge* current_ = nullptr;
  bool capped_ = false;
  bool params_capped_ = false;
};

}  // namespace

AuthScheme classify_scheme(std::string_view scheme) {
  if (iequals(scheme, "Negotiate")) return AuthScheme::negotiate;
  if (iequals(scheme, "NTLM")) return AuthScheme::ntlm;
  if (iequals(scheme, "Kerberos")) return AuthScheme::kerberos;
  if (iequals(scheme, "Basic")) return AuthScheme::basic;
  if (iequals(scheme, "Digest")) return AuthScheme::digest;
  if (iequals(scheme, "Bearer")) return AuthScheme::bearer;
  return AuthScheme::other;
}

std::string_view scheme_name(AuthScheme scheme) {
  switch (scheme) {
    case AuthScheme::negotiate: return "Negotiate";
    case AuthScheme::ntlm: return "NTLM";
    case AuthScheme::kerberos: return "Kerberos";
    case AuthScheme::basic: return "Basic";
    case AuthScheme::digest: return "Digest";
    case AuthScheme::bearer: return "Bearer";
    case AuthScheme::other: break;
  }
  return "other";
}

std::optional<std::string> Challenge::param(std::string_view name) const {
  for (const auto& p : params)
    if (iequals(p.name, name)) return p.value;
  return std::nullopt;
}

AuthHeaderParse parse_challenges(const std::vector<std::string>& fields) {
  AuthHeaderParse out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    // Each field is parsed on its own: a broken quoted string in one cannot swallow the next.
    // The items pointer of the previous field is not carried over (a field starts afresh).
    FieldParser(fields[i], i, out).run();
  }
  return out;
}

AuthHeaderParse parse_credentials(std::string_view value) {
  AuthHeaderParse out;
  FieldParser(value, 0, out).run();
  if (out.items.size() > 1)
    out.diagnostics.push_back({0, out.items[1].offset, "more than one credentials item in one Authorization field"});
  if (out.items.empty() && out.diagnostics.empty()) out.diagnostics.push_back({0, 0, "empty Authorization field"});
  return out;
}

Base64Result decode_base64_strict(std::string_view text) {
  Base64Result r;
  auto fail = [&r](std::size_t offset, std::string message) {
    r.bytes.clear();
    r.error_offset = offset;
    r.error = std::move(message);
    return r;
  };
  if (text.empty()) return fail(0, "empty base64");
  r.bytes.reserve(text.size() / 4 * 3);
  std::size_t data_end = text.size();
  while (data_end > 0 && text[data_end - 1] == '=') --data_end;
  const std::size_t padding = text.size() - data_end;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data_end; ++i) {
    const char c = text[i];
    const auto v = k_reverse[static_cast<unsigned char>(c)];
    if (v < 0) {
      if (c == '-' || c == '_')
        return fail(i, "'" + std::string(1, c) + "' at offset " + std::to_string(i) +
                           " is base64url, not base64 (RFC 4648 §5 vs §4)");
      if (c == '=') return fail(i, "'=' padding at offset " + std::to_string(i) + " before the end");
      return fail(i, byte_text(c) + " at offset " + std::to_string(i) + " is not base64");
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r.bytes.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  if (text.size() % 4 != 0)
    return fail(text.size(), "length " + std::to_string(text.size()) +
                                 " is not a multiple of 4 (truncated, or '=' padding missing)");
  if (padding > 2) return fail(data_end, "more than two '=' padding characters");
  if (data_end % 4 == 1) return fail(data_end - 1, "a lone final base64 character encodes no byte");
  // RFC 4648 §3.5: the bits left over before padding must be zero in canonical base64.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return fail(data_end - 1, "non-canonical base64: unused bits set in the last character (offset " +
                                  std::to_string(data_end - 1) + ")");
  return r;
}

}  // namespace authctx::http

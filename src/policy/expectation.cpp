#include "policy/expectation.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace authctx::policy {
namespace {

constexpr std::string_view k_forms =
    "mech=M[|M...], mech!=M, no-ntlm, enctype>=E, enctype=E, ticket-enctype>=E, ticket-enctype=E, "
    "flags>=F[,F...], ticket-flags>=F[,F...], channel-bound, delegated, no-delegation, pac, pac>=BUFFER[,...], "
    "lifetime>=SECONDS (also <=, >, <, =; suffix s, m, h or d), legs<=N (also >=, >, <, =), user=PRINCIPAL, "
    "user!=PRINCIPAL, target=PRINCIPAL, target!=PRINCIPAL, no-warnings";

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = s.find_first_of(seps, start);
    out.push_back(trim(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

[[noreturn]] void malformed(const std::string& text, const std::string& why) {
  throw ExpressionError("malformed expectation \"" + text + "\": " + why);
}

struct Operator {
  std::string_view token;
  Compare op;
};
// Two-character operators first, so that ">=" is not read as ">".
constexpr std::array<Operator, 6> k_operators{{{">=", Compare::ge},
                                               {"<=", Compare::le},
                                               {"!=", Compare::ne},
                                               {"=", Compare::eq},
                                               {">", Compare::gt},
                                               {"<", Compare::lt}}};

struct Key {
  std::string_view word;
  Check check;
};
constexpr std::array<Key, 15> k_keys{{{"mech", Check::mech},
                                      {"no-ntlm", Check::no_ntlm},
                                      {"enctype", Check::enctype},
                                      {"ticket-enctype", Check::ticket_enctype},
                                      {"flags", Check::flags},
                                      {"ticket-flags", Check::ticket_flags},
                                      {"channel-bound", Check::channel_bound},
                                      {"delegated", Check::delegated},
                                      {"no-delegation", Check::no_delegation},
                                      {"pac", Check::pac},
                                      {"lifetime", Check::lifetime},
                                      {"legs", Check::legs},
                                      {"user", Check::user},
                                      {"target", Check::target},
                                      {"no-warnings", Check::no_warnings}}};

bool is_dotted_oid(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find('.') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

// The mechanism names gss/oid.cpp gives (`ntlmssp` is SPNEGO's spelling of ntlm).
std::string mech_word(const std::string& text, const std::string& value) {
  static const std::array<std::string_view, 7> k_known{"krb5",   "spnego",   "ntlm",      "iakerb",
                                                       "negoex", "krb5_old", "krb5_wrong"};
  auto v = lower(value);
  if (v == "ntlmssp") v = "ntlm";
  if (std::find(k_known.begin(), k_known.end(), v) != k_known.end() || is_dotted_oid(v)) return v;
  malformed(text, "unknown mechanism \"" + value + "\" (krb5, spnego, ntlm, iakerb, negoex or a dotted OID)");
}

// MIT's urn:mspac: attribute names (src/lib/krb5/krb/pac.c), or a buffer type number.
bool pac_buffer_word(const std::string& w) {
  static const std::array<std::string_view, 7> k_known{"logon-info",       "credentials-info", "server-checksum",
                                                       "privsvr-checksum", "client-info",      "delegation-info",
                                                       "upn-dns-info"};
  if (std::find(k_known.begin(), k_known.end(), w) != k_known.end()) return true;
  return !w.empty() && w.size() < 10 && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> word_list(const std::string& text, const std::string& value,
                                   const std::vector<std::string_view>& allowed, const char* what) {
  std::vector<std::string> out;
  for (auto& w : split(value, ",")) {
    w = lower(w);
    if (w.empty()) malformed(text, std::string("empty name in the ") + what + " list");
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), w) == allowed.end()) {
      std::string names;
      for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      malformed(text, "unknown " + std::string(what) + " \"" + w + "\" (one of: " + names + ")");
    }
    if (allowed.empty() && !pac_buffer_word(w))
      malformed(text, "unknown PAC buffer \"" + w +
                          "\" (logon-info, credentials-info, server-checksum, privsvr-checksum, client-info, "
                          "delegation-info, upn-dns-info or a buffer type number)");
    out.push_back(w);
  }
  return out;
}

// A number of seconds, optionally with an s, m, h or d suffix; at most 10 digits.
std::int64_t duration(const std::string& text, const std::string& value) {
  std::string digits = value;
  std::int64_t unit = 1;
  if (!digits.empty() && std::isalpha(static_cast<unsigned char>(digits.back())) != 0) {
    switch (std::tolower(static_cast<unsigned char>(digits.back()))) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: malformed(text, "lifetime takes seconds, or a number with s, m, h or d (e.g. lifetime>=8h)");
    }
    digits.pop_back();
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || digits.size() > 10 || ec != std::errc() || end != digits.data() + digits.size() || n < 0)
    malformed(text, "lifetime takes seconds, or a number with s, m, h or d (e.g. lifetime>=8h)");
  return n * unit;
}

std::int64_t leg_count(const std::string& text, const std::string& value) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || n < 0 || n > 1000)
    malformed(text, "legs takes a whole number from 0 to 1000 (e.g. legs<=2)");
  return n;
}

void require_op(const std::string& text, const std::string& key, Compare op, std::initializer_list<Compare> allowed) {
  if (std::find(allowed.begin(), allowed.end(), op) != allowed.end()) return;
  std::string ops;
  for (const auto a : allowed) ops += (ops.empty() ? "" : " or ") + std::string(compare_text(a));
  malformed(text, key + " takes " + ops);
}
}  // namespace

std::string_view compare_text(Compare c) {
  for (const auto& o : k_operators)
    if (o.op == c) return o.token;
  return "?";
}

std::string_view accepted_forms() { return k_forms; }

const std::vector<std::string_view>& context_flag_words() {
  // CONTRACT.md: GSS_C_<X>_FLAG lower-cased (gss/flags.cpp prints the same names).
  static const std::vector<std::string_view> k_words{
      "deleg",      "mutual", "replay",    "sequence", "conf",           "integ",        "anon",
      "prot_ready", "trans",  "dce_style", "identify", "extended_error", "deleg_policy", "channel_bound"};
  return k_words;
}

const std::vector<std::string_view>& ticket_flag_words() {
  // RFC 4120 §5.3 TicketFlags as gss/flags.cpp names them.
  static const std::vector<std::string_view> k_words{
      "forwardable",    "forwarded",  "proxiable", "proxy",       "may_postdate", "postdated",
      "invalid",        "renewable",  "initial",   "pre_authent", "hw_authent",   "transit_policy_checked",
      "ok_as_delegate", "enc_pa_rep", "anonymous"};
  return k_words;
}

namespace {

// The first operator in text (the longer one where two start at one place), if any.
const Operator* find_operator(const std::string& text, std::size_t& at) {
  at = std::string::npos;
  const Operator* found = nullptr;
  for (const auto& o : k_operators) {
    const auto p = text.find(o.token);
    if (p != std::string::npos && (p < at || (p == at && o.token.size() > found->token.size()))) {
      at = p;
      found = &o;
    }
  }
  return found;
}

void read_enctype(Expectation& e, const std::string& key, const std::string& value) {
  require_op(e.text, key, e.op, {Compare::ge, Compare::eq});
  const auto spec = parse_enctype_spec(value, e.op == Compare::eq);
  if (!spec) {
    malformed(e.text,
              e.op == Compare::eq
                  ? "= takes one enctype: a name (aes256-cts-hmac-sha1-96), an MIT alias (aes256-cts) or a number"
                  : "unknown enctype \"" + value + "\"; the strength order is " + std::string(strength_order_text()) +
                        " (or name one enctype)");
  }
  e.enctype = *spec;
}

// The value part of e, by its check; `found` says whether an operator was written.
void read_value(Expectation& e, const std::string& key, bool found, const std::string& value) {
  const auto& text = e.text;
  const std::initializer_list<Compare> ordering{Compare::ge, Compare::le, Compare::gt, Compare::lt, Compare::eq};
  switch (e.check) {
    case Check::no_ntlm:
    case Check::channel_bound:
    case Check::delegated:
    case Check::no_delegation:
    case Check::no_warnings:
      if (found) malformed(text, key + " takes no value");
      break;
    case Check::pac:
      if (!found) break;
      require_op(text, key, e.op, {Compare::ge});
      e.names = word_list(text, value, {}, "PAC buffer");
      break;
    case Check::mech:
      if (!found) malformed(text, "mech takes =M or !=M (e.g. mech=krb5)");
      require_op(text, key, e.op, {Compare::eq, Compare::ne});
      for (const auto& m : split(value, "|,")) e.names.push_back(mech_word(text, m));
      break;
    case Check::enctype:
    case Check::ticket_enctype:
      if (!found) malformed(text, key + " takes >=E or =E (e.g. " + key + ">=aes128)");
      read_enctype(e, key, value);
      break;
    case Check::flags:
    case Check::ticket_flags: {
      if (!found) malformed(text, key + " takes >=NAME[,NAME...] (e.g. flags>=mutual,integ,conf)");
      require_op(text, key, e.op, {Compare::ge});
      const bool context = e.check == Check::flags;
      e.names = word_list(text, value, context ? context_flag_words() : ticket_flag_words(),
                          context ? "context flag" : "ticket flag");
      break;
    }
    case Check::lifetime:
      if (!found) malformed(text, "lifetime takes a comparison, e.g. lifetime>=3600");
      require_op(text, key, e.op, ordering);
      e.number = duration(text, value);
      break;
    case Check::legs:
      if (!found) malformed(text, "legs takes a comparison, e.g. legs<=2");
      require_op(text, key, e.op, ordering);
      e.number = leg_count(text, value);
      break;
    case Check::user:
    case Check::target:
      if (!found) malformed(text, key + " takes =PRINCIPAL or !=PRINCIPAL (e.g. " + key + "=alice@REALM)");
      require_op(text, key, e.op, {Compare::eq, Compare::ne});
      e.names.push_back(value);
      break;
  }
}
}  // namespace

Expectation parse_expectation(std::string_view raw) {
  Expectation e;
  e.text = trim(raw);
  const auto& text = e.text;
  if (text.empty()) throw ExpressionError("empty expectation (accepted: " + std::string(k_forms) + ")");
  std::size_t at = 0;
  const Operator* found = find_operator(text, at);
  const std::string key = lower(trim(std::string_view(text).substr(0, at)));
  const std::string value = found ? trim(std::string_view(text).substr(at + found->token.size())) : std::string();
  const auto k = std::find_if(k_keys.begin(), k_keys.end(), [&](const Key& x) { return x.word == key; });
  if (k == k_keys.end())
    throw ExpressionError("unknown expectation \"" + text + "\" (accepted: " + std::string(k_forms) + ")");
  e.check = k->check;
  if (found) e.op = found->op;
  if (found && value.empty()) malformed(text, "no value after " + std::string(found->token));
  read_value(e, key, found != nullptr, value);
  return e;
}

std::vector<Expectation> parse_expectation_lines(std::string_view text, const std::string& source) {
  std::vector<Expectation> out;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    // A comment is a whole line starting with '#', or '#' after whitespace.
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line.resize(i);
        break;
      }
    }
    if (trim(line).empty()) continue;
    try {
      out.push_back(parse_expectation(line));
    } catch (const ExpressionError& e) {
      throw ExpressionError(source + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace authctx::policy

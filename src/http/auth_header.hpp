// WWW-Authenticate / Proxy-Authenticate and Authorization header parsing (RFC 9110 §11).
//
//   WWW-Authenticate = #challenge          (several per field, and across fields)
//   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param       = token BWS "=" BWS ( token / quoted-string )
//   token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// Commas separate both challenges and the auth-params of one challenge; an element that
// starts "token=" is a parameter of the challenge before it, any other element starts a new
// challenge. After "scheme SP", "name=value" is read as a parameter and anything else as a
// token68 (a token68 can end in '=' but never has a value after it).
//
// Contract: never throws, never recurses, allocates only in proportion to the input and
// keeps at most max_items challenges. What it cannot read becomes a diagnostic with the
// field index and the byte offset within that field, and parsing carries on at the next
// comma (outside quotes), so one bad challenge does not hide the good ones. A token68 is
// decoded as base64 (RFC 4648 §4: standard alphabet, '=' padding to a multiple of 4, no
// white space, unused bits zero; Negotiate per RFC 4559 §4, NTLM per MS-NTHT); a token
// that fails gets a diagnostic naming the first bad byte's offset, and no bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authctx::http {

enum class AuthScheme { negotiate, ntlm, kerberos, basic, digest, bearer, other };

AuthScheme classify_scheme(std::string_view scheme);  // case-insensitive
std::string_view scheme_name(AuthScheme scheme);      // "Negotiate", "NTLM", ...; "other"

struct AuthDiagnostic {
  std::size_t field = 0;   // index of the header field (0 for Authorization)
  std::size_t offset = 0;  // byte offset within that field's value
  std::string message;
};

struct AuthParam {
  std::string name;   // as sent
  std::string value;  // quoted-string unescaped
  bool quoted = false;
};

struct Challenge {
  std::string scheme;  // as sent
  AuthScheme kind = AuthScheme::other;
  std::size_t field = 0;
  std::size_t offset = 0;
  std::optional<std::string> token68;  // as sent
  std::vector<AuthParam> params;
  std::optional<std::vector<std::uint8_t>> token;  // token68 decoded, when it is valid base64
  std::optional<AuthDiagnostic> token_error;       // why token68 is not valid base64

  std::optional<std::string> param(std::string_view name) const;  // case-insensitive
};

struct AuthHeaderParse {
  std::vector<Challenge> items;
  std::vector<AuthDiagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

inline constexpr std::size_t k_max_challenges = 64;
inline constexpr std::size_t k_max_params = 64;

// Every challenge in these field values (all WWW-Authenticate fields of one response).
AuthHeaderParse parse_challenges(const std::vector<std::string>& fields);

// An Authorization value: exactly one credentials item (a second one is a diagnostic).
AuthHeaderParse parse_credentials(std::string_view value);

struct Base64Result {
  std::vector<std::uint8_t> bytes;
  std::optional<std::size_t> error_offset;  // first bad byte (or the length, for a short input)
  std::string error;
  bool ok() const { return !error_offset.has_value(); }
};

// Strict base64 (see above). Offsets are relative to text.
Base64Result decode_base64_strict(std::string_view text);

}  // namespace authctx::http

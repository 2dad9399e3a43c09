// Turning what a user pastes into token bytes, for `authctx decode`. Pure: no I/O.
//
// parse_token_input() accepts one token in any of these forms and returns its bytes:
//   raw       the token's own bytes (binary input: anything that is not printable text)
//   base64    RFC 4648 §4 (white space ignored; the URL-safe alphabet and missing padding
//             are tolerated)
//   hex       hex digits, optionally separated by white space or ':' and prefixed by "0x"
//   header    `Negotiate <b64>`, `NTLM <b64>`, `Kerberos <b64>`, or a whole header line
//             `Authorization:`, `Proxy-Authorization:`, `WWW-Authenticate:`,
//             `Proxy-Authenticate:` carrying one of those
// InputForm::automatic tries them in the order raw, header, hex, base64: text made only of
// hex digits is read as hex. A forced form either succeeds in that form or fails with a
// reason; it never falls back to another.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace authctx::decode {

enum class InputForm { automatic, raw, base64, hex, header };

struct TokenInput {
  bool ok = false;
  std::vector<std::uint8_t> bytes;
  std::string form;    // "raw", "base64", "hex" or "header" (the form actually used)
  std::string scheme;  // HTTP auth scheme when form == "header" ("Negotiate", "NTLM", ...)
  std::string error;   // why not, when !ok
};

TokenInput parse_token_input(std::span<const std::uint8_t> input, InputForm form = InputForm::automatic);
TokenInput parse_token_input(std::string_view text, InputForm form = InputForm::automatic);

// True when data looks like printable text (so a file may hold one token per line).
bool looks_like_text(std::span<const std::uint8_t> data);

}  // namespace authctx::decode

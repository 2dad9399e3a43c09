// Expectation expressions: what `--expect EXPR` and `--expect-file FILE` state about one
// handshake, parsed once into a plain value. The accepted forms (accepted_forms() lists
// them for error messages; --help and the man page describe them):
//
//   mech=M[|M...]  mech!=M          negotiated mechanism (krb5, ntlm, iakerb, spnego, OID)
//   no-ntlm                         no NTLM message in any leg (an SPNEGO fallback included)
//   enctype>=E  enctype=E           the session key's enctype (enctype_strength.hpp)
//   ticket-enctype>=E  ...=E        the service ticket's enc-part enctype, from the AP-REQ
//   flags>=F,F,...                  granted context flags include these
//   ticket-flags>=F,F,...           the ticket's flags include these
//   channel-bound                   the acceptor marked the context channel-bound
//   delegated  no-delegation        a credential was (not) delegated
//   pac  pac>=BUFFER,...            the acceptor saw a PAC (with these buffers)
//   lifetime OP DURATION            remaining context lifetime (s, m, h, d suffixes)
//   legs OP N                       number of tokens exchanged
//   user=P  user!=P  target=P ...   initiator / target principal; `*` matches any run
//   no-warnings                     the document carries no warning
//
// OP is one of >= <= > < =. Whitespace around operators and commas is ignored. An
// unknown or malformed expression throws ExpressionError naming the accepted forms.
// --expect-file text: one expression per line; blank lines and `#` comments (a whole
// line, or after whitespace) are skipped; errors carry the file name and line number.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "policy/enctype_strength.hpp"

namespace authctx::policy {

enum class Check {
  mech,
  no_ntlm,
  enctype,
  ticket_enctype,
  flags,
  ticket_flags,
  channel_bound,
  delegated,
  no_delegation,
  pac,
  lifetime,
  legs,
  user,
  target,
  no_warnings,
};

enum class Compare { eq, ne, ge, le, gt, lt };
std::string_view compare_text(Compare c);

struct Expectation {
  std::string text;  // as written, trimmed
  Check check = Check::no_ntlm;
  Compare op = Compare::eq;
  std::vector<std::string> names;  // mech alternatives, flag or PAC buffer names, one principal pattern
  std::int64_t number = 0;         // lifetime seconds, legs
  EnctypeSpec enctype;             // enctype, ticket-enctype
};

class ExpressionError : public std::runtime_error {
 public:
  explicit ExpressionError(const std::string& message) : std::runtime_error(message) {}
};

Expectation parse_expectation(std::string_view text);

// Parses --expect-file text; `source` names the file in error messages.
std::vector<Expectation> parse_expectation_lines(std::string_view text, const std::string& source);

// The accepted forms in one line ("mech=M[|M...], no-ntlm, enctype>=E, ..."), for messages.
std::string_view accepted_forms();

// Context flag and ticket flag names the parser accepts (the contract's spellings).
const std::vector<std::string_view>& context_flag_words();
const std::vector<std::string_view>& ticket_flag_words();

}  // namespace authctx::policy

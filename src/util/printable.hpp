// Text from a peer or a token made safe to print on a terminal. Principal names, realms,
// KRB-ERROR e-text, NTLM user and domain names, a peer's error message: any of them may
// hold control characters or terminal escape sequences (ESC [ ... to move the cursor,
// recolour, retitle the window, or erase what was printed before). printable() keeps
// ordinary text (printable ASCII and valid UTF-8) as it is and writes everything else
// visibly, so the escape does nothing and a reader sees it was there:
//   C0 controls and DEL          \n \r \t \e, others \xNN
//   C1 controls U+0080..U+009F   \u0080 .. \u009f (a terminal may act on them as on ESC)
//   bidirectional overrides      \u202a..\u202e, \u2066..\u2069 (they reorder what follows)
//   bytes that are not UTF-8     \xNN
//   a backslash                  stays a single backslash
// Standard library only; never throws except std::bad_alloc.
#pragma once
#include <string>
#include <string_view>

namespace authctx::util {

std::string printable(std::string_view text);

// True when printable(text) would change nothing.
bool is_printable(std::string_view text);

}  // namespace authctx::util

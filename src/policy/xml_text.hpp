// Text made safe for XML 1.0 documents, whatever bytes it came from. Peer strings (principal
// names, NTLM domains, error texts) can hold invalid UTF-8 and control characters that XML
// 1.0 cannot carry at all, not even as character references (XML 1.0 §2.2 Char).
//
// - Invalid UTF-8 (bad lead or continuation bytes, overlong forms, surrogates, code points
//   above U+10FFFF) becomes U+FFFD, one per bad byte.
// - C0 controls other than tab, LF and CR become their visible Control Pictures (U+2400 +
//   c: ESC is shown as U+241B), DEL U+2421; C1 controls (U+0080..U+009F, legal but read by
//   terminals as escape sequences) and the non-characters U+FFFE and U+FFFF become U+FFFD.
// - &, <, >, " and ' become entity references; in attribute values tab, LF and CR become
//   character references, so attribute-value normalisation keeps them.
#pragma once
#include <string>
#include <string_view>

namespace authctx::policy {

std::string xml_text(std::string_view s);       // element content
std::string xml_attribute(std::string_view s);  // inside "..."

}  // namespace authctx::policy

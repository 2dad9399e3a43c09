// LDAP result codes by name: every code of RFC 4511 Appendix A, plus the cancel codes of
// RFC 3909 and authorizationDenied of RFC 4370 that servers send. Unknown codes (servers
// are free to send others) are named "unknown"; the number is always kept beside the name.
#pragma once
#include <string_view>

namespace authctx::ldap {

namespace result {
inline constexpr int success = 0;
inline constexpr int protocol_error = 2;
inline constexpr int auth_method_not_supported = 7;
inline constexpr int stronger_auth_required = 8;
inline constexpr int confidentiality_required = 13;
inline constexpr int sasl_bind_in_progress = 14;
inline constexpr int inappropriate_authentication = 48;
inline constexpr int invalid_credentials = 49;
inline constexpr int insufficient_access_rights = 50;
inline constexpr int unavailable = 52;
inline constexpr int unwilling_to_perform = 53;
inline constexpr int other = 80;
}  // namespace result

// "success", "strongerAuthRequired", ... (the ASN.1 identifiers of RFC 4511), or "unknown".
std::string_view result_code_name(int code);
bool is_known_result_code(int code);

}  // namespace authctx::ldap

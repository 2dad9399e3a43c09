// LDAP result codes by name: every code of RFC 4511 Appendix A, plus the cancel codes of
// RFC 3909 and authorizationDenied of RFC 4370 that servers send. Unknown codes (servers
// are free to send others) are named "unknown"; the number is always kept beside the name.
#pragma once
#include <string_view>

namespace authctx::ldap {

// The codes the bind check looks at by name (an unscoped enum: results are compared as ints).
namespace result {
enum Code : int {
  success = 0,
  protocol_error = 2,
  auth_method_not_supported = 7,
  stronger_auth_required = 8,
  confidentiality_required = 13,
  sasl_bind_in_progress = 14,
  inappropriate_authentication = 48,
  invalid_credentials = 49,
  insufficient_access_rights = 50,
  busy = 51,
  unavailable = 52,
  unwilling_to_perform = 53,
  other = 80,
};
}  // namespace result

// "success", "strongerAuthRequired", ... (the ASN.1 identifiers of RFC 4511), or "unknown".
std::string_view result_code_name(int code);
bool is_known_result_code(int code);

}  // namespace authctx::ldap

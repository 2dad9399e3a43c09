#include "ldap/result_code.hpp"

#include <array>
#include <utility>

namespace authctx::ldap {
namespace {

// RFC 4511 Appendix A.1 (and A.2's descriptions); 118-121 from RFC 3909 (LDAP Cancel);
// 122 from RFC 4528 (Assertion Control); 123 from RFC 4370 (Proxied Authorization);
// 4096 from RFC 4533 (Content Synchronization). Sorted by code.
constexpr std::array<std::pair<int, std::string_view>, 46> k_codes{{
    {0, "success"},
    {1, "operationsError"},
    {2, "protocolError"},
    {3, "timeLimitExceeded"},
    {4, "sizeLimitExceeded"},
    {5, "compareFalse"},
    {6, "compareTrue"},
    {7, "authMethodNotSupported"},
    {8, "strongerAuthRequired"},
    {10, "referral"},
    {11, "adminLimitExceeded"},
    {12, "unavailableCriticalExtension"},
    {13, "confidentialityRequired"},
    {14, "saslBindInProgress"},
    {16, "noSuchAttribute"},
    {17, "undefinedAttributeType"},
    {18, "inappropriateMatching"},
    {19, "constraintViolation"},
    {20, "attributeOrValueExists"},
    {21, "invalidAttributeSyntax"},
    {32, "noSuchObject"},
    {33, "aliasProblem"},
    {34, "invalidDNSyntax"},
    {36, "aliasDereferencingProblem"},
    {48, "inappropriateAuthentication"},
    {49, "invalidCredentials"},
    {50, "insufficientAccessRights"},
    {51, "busy"},
    {52, "unavailable"},
    {53, "unwillingToPerform"},
    {54, "loopDetect"},
    {64, "namingViolation"},
    {65, "objectClassViolation"},
    {66, "notAllowedOnNonLeaf"},
    {67, "notAllowedOnRDN"},
    {68, "entryAlreadyExists"},
    {69, "objectClassModsProhibited"},
    {71, "affectsMultipleDSAs"},
    {80, "other"},
    {118, "canceled"},
    {119, "noSuchOperation"},
    {120, "tooLate"},
    {121, "cannotCancel"},
    {122, "assertionFailed"},
    {123, "authorizationDenied"},
    {4096, "eSyncRefreshRequired"},
}};

}  // namespace

std::string_view result_code_name(int code) {
  for (const auto& [c, name] : k_codes)
    if (c == code) return name;
  return "unknown";
}

bool is_known_result_code(int code) { return result_code_name(code) != "unknown"; }

}  // namespace authctx::ldap

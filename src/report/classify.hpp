// Failure classes: a stable id, a one-sentence cause and a next step for each GSS-API
// failure authctx can recognise. Classification looks at the major code's routine error
// first, then the Kerberos minor code (com_err values from krb5_err.h), and, because
// SPNEGO's mechglue renumbers minor codes, falls back to matching the Kerberos library's
// own message table (error_message()) against the minor text.
#pragma once
#include <string>

#include "report/document.hpp"

namespace authctx::report {

struct Classification {
  std::string cls;
  std::string hint;
};

// context_mech: the mechanism the handshake was running when known (a failing
// gss_accept_sec_context does not return it; the decoded legs tell).
Classification classify(const gss::GssError& error, std::optional<Side> side, const gss::Oid* context_mech = nullptr);

// Fills report.cls and report.hint when they are empty, using the document's legs to
// tell which mechanism was running.
void classify(ErrorReport& report, const Document* doc = nullptr);

// The mechanism the legs show (krb5 or ntlm inner tokens), if any.
std::optional<gss::Oid> mech_from_legs(const Document& doc);

}  // namespace authctx::report

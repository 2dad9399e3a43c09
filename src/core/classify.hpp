// Failure classes: a stable id, a one-sentence cause and a next step for each GSS-API
// failure authctx can recognise. Classification looks at the major code's routine error
// first, then the Kerberos minor code (com_err values from krb5_err.h), and, because
// SPNEGO's mechglue renumbers minor codes, falls back to matching the Kerberos library's
// own message table (error_message()) against the minor text.
#pragma once
#include <string>

#include "core/document.hpp"

namespace authctx::core {

struct Classification {
  std::string cls;
  std::string hint;
};

Classification classify(const gss::GssError& error, std::optional<Side> side);

// Fills report.cls and report.hint when they are empty.
void classify(ErrorReport& report);

}  // namespace authctx::core

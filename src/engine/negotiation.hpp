// SPNEGO made visible (RFC 4178): from the decoded legs, what the initiator offered, whether
// its optimistic token was used or rejected, what was negotiated and which legs carried a
// mechListMIC. When SPNEGO ends on NTLM although Kerberos was possible, an `ntlm_fallback`
// warning says why, found by probing: can the initiator get Kerberos credentials, can it get
// a ticket for the target, does the acceptor have a Kerberos key, did it refuse the token.
#pragma once
#include <optional>

#include "engine/options.hpp"
#include "report/document.hpp"

namespace authctx::engine {

using json::Json;
using report::Document;
using report::Warning;

// Null unless the legs hold SPNEGO tokens.
std::optional<Json> spnego_negotiation(const Document& doc);

// The reason SPNEGO fell back to NTLM, if it did. init is null when the initiator is
// remote (server side); acc is null when the acceptor is remote (client side).
std::optional<Warning> explain_ntlm_fallback(const Document& doc, const InitiatorOptions* init,
                                             const AcceptorOptions* acc);

}  // namespace authctx::engine

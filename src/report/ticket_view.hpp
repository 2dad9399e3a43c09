// What a local acceptor can show about the Kerberos ticket it received, by opening it with
// its own keytab (src/inspect): the ticket's server, kvno and real enctype (an AD ticket in
// RC4 beside an AES session key), the client and session-key enctype inside, a PAC summary,
// and the authenticator's facts, among them the channel-binding hash the client sent beside
// the one this acceptor expected ("bindings": {"sent", "expected", "match"}). Key bytes never
// appear here, whatever --show-secrets says: the view also travels to the client in the
// acceptor's report.
//
// acceptor_ticket_view() gives that object for the first AP-REQ the initiator sent, when
// the document says which keytab the acceptor used (Document::acceptor_keys) and it can be
// read; nullopt otherwise. The engine puts it in the acceptor's CONTEXT view ("ticket").
// refine_acceptor_error() does the same for an acceptor's failure: the view goes into the
// error object, and the hints of keytab_kvno_mismatch / keytab_no_matching_key name the
// ticket's kvno and enctype and what the keytab holds, and channel_binding_mismatch's names
// the two hashes. Neither throws.
#pragma once
#include <optional>

#include "report/document.hpp"

namespace authctx::report {

std::optional<Json> acceptor_ticket_view(const Document& doc);
void refine_acceptor_error(ErrorReport& report, const Document& doc);

}  // namespace authctx::report

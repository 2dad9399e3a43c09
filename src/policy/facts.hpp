// Facts read from a finished handshake document (CONTRACT.md "JSON"), shared by the
// expectation checks and the JUnit properties. Only the document is read, never live
// GSS-API state, so a recorded document (`--record`) gives the same answers.
//
// Which side's context answers: `server` documents speak for the acceptor, `local` and
// `client` documents for the initiator; a fact the preferred side lacks (null) comes from
// the other side. In a client document the acceptor's view is what the server reported
// (authctx server only; none with --no-report), so facts only an acceptor knows
// (channel-bound, pac) are as trustworthy as that server.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "json/json.hpp"

namespace authctx::policy {

using Json = json::Json;

// j[key], or a null Json when j is not an object or lacks key (never a copy).
const Json& member(const Json& j, const char* key);
// j[key] as a string ("" unless it is one) and as a boolean (dflt unless it is one): a
// client's document holds what its server reported, so no type is taken for granted.
std::string string_at(const Json& j, const char* key);
bool bool_at(const Json& j, const char* key, bool dflt);

// The preferred side's context view and the other one (null Json when absent).
const Json& own_context(const Json& doc);
const Json& other_context(const Json& doc);
const Json& acceptor_context(const Json& doc);

// doc[key] of the preferred side, else of the other side; null when neither has it.
Json context_fact(const Json& doc, const char* key);

// The negotiated mechanism's name ("krb5", "ntlm", a dotted OID) and OID; empty if none.
std::string mech_name(const Json& doc);
std::string mech_oid(const Json& doc);
// Whether the handshake ran inside SPNEGO (asked for, or visible in the first token).
bool via_spnego(const Json& doc);

// Indexes of the legs whose decoded tree holds an NTLM message (ntlm.*).
std::vector<int> ntlm_legs(const Json& doc);

// The service ticket the initiator presented: the last AP-REQ in an initiator->acceptor
// leg, outside any KDC exchange an IAKERB token carries. Its enc-part is in clear.
struct TicketFact {
  int leg = 0;
  std::optional<std::int64_t> etype;  // the ticket enc-part's enctype number
  std::string etype_name;
  std::optional<std::int64_t> kvno;
  std::string server;  // sname@realm
};
std::optional<TicketFact> service_ticket(const Json& doc);

// The session key's enctype number of the preferred side's context (then the other's).
std::optional<std::int64_t> session_enctype(const Json& doc);

// Granted context flags of the preferred side (empty array when unknown).
Json granted_flags(const Json& context);

// Whether a credential was delegated: the acceptor holds one, or a side was granted `deleg`.
bool delegation_happened(const Json& doc);

// The urn:mspac: buffer names the acceptor saw ("" for the whole PAC, "logon-info", ...);
// nullopt when no acceptor view is known.
std::optional<std::vector<std::string>> pac_buffers(const Json& doc);

// Remaining context lifetime in seconds: context_time_seconds, else lifetime_seconds;
// 0xffffffff (GSS_C_INDEFINITE) means no expiry.
std::optional<std::int64_t> lifetime_seconds(const Json& doc);

}  // namespace authctx::policy

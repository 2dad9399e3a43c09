// Internal to the text view: what an LDAP client document adds (`client --url ldap://`):
// one line per leg naming its LDAP message (id, operation, result and diagnostic), and an
// "LDAP" block after the contexts: where it connected and how (TLS), the bind's result, the
// RFC 4752 security-layer offer and choice, the protection in force, the root DSE's key
// attributes, the authorization identity and every exchange after the bind. Strings the
// server wrote are shown with control characters escaped.
#pragma once
#include <sstream>
#include <string>

#include "text/style.hpp"

namespace authctx::text {

// The line under a leg for its "transport" object; empty when it has no LDAP metadata.
std::string leg_transport_line(const Json& transport);

// The LDAP block for a document whose transport kind is "ldap"; nothing otherwise.
void ldap_block(std::ostringstream& o, const Json& doc, const Style& st);

// s with control characters (and DEL) as \xNN, so a peer cannot drive the terminal.
std::string escape_controls(const std::string& s);

}  // namespace authctx::text

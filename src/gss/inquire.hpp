// What an established (or partly established) context says about itself: names, mech,
// flags, lifetime, and the Kerberos extras MIT exposes through
// gss_inquire_sec_context_by_oid (OIDs under 1.2.840.113554.1.2.2.5: .1 ticket flags,
// .5 GSS_C_INQ_SSPI_SESSION_KEY whose second buffer's last arc is the enctype, .12
// authtime, .15 SASL SSF) and RFC 6680 name attributes of the peer's name.
// gss-ntlmssp 1.2.0 crashes (strdup(NULL) in gss_inquire_context) when an acceptor context
// whose credential was GSS_C_NO_NAME is asked for its target name, so an NTLM acceptor is
// never asked. Each extra that fails is simply absent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gss/buffer.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"

namespace authctx::gss {

struct NameAttribute {
  std::string name;
  bool authenticated = false;
  bool complete = false;
  std::vector<Bytes> values;
  std::vector<std::string> display_values;
};

struct SessionKey {
  std::optional<std::int32_t> enctype;  // absent for mechs that do not say (NTLM)
  Bytes key;
};

struct ContextInfo {
  std::optional<DisplayedName> source_name;
  std::optional<DisplayedName> target_name;
  Oid mech;
  std::uint32_t flags = 0;
  std::uint32_t lifetime_seconds = 0;         // gss_inquire_context's lifetime_rec
  std::optional<std::uint32_t> context_time;  // gss_context_time
  bool locally_initiated = false;
  bool open = false;
  std::optional<SessionKey> session_key;
  std::optional<std::uint32_t> ticket_flags;
  std::optional<std::int64_t> authtime;
  std::optional<std::uint32_t> sasl_ssf;
  std::vector<NameAttribute> name_attributes;  // of the peer's name
};

// The peer name for name attributes: an acceptor passes the source name it got from
// gss_accept_sec_context (it carries the PAC); an initiator passes nullptr.
ContextInfo inquire_context(const ContextHandle& ctx, const Name* peer_name);

// RFC 6680 attributes of a name.
std::vector<NameAttribute> name_attributes(const Name& name);

// "aes256-cts-hmac-sha1-96" for 18, from the Kerberos library's own table.
std::string enctype_name(std::int32_t enctype);

}  // namespace authctx::gss

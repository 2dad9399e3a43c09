// What the two sides of a handshake are asked to do, as plain values parsed once in cli/.
// Nothing below cli/ compares option strings.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gss/context.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"

namespace authctx::engine {

using gss::TargetType;

struct InitiatorOptions {
  std::string target = "host@localhost";
  TargetType target_type = TargetType::hostbased;
  gss::Oid mech;                    // default set by cli/: spnego
  std::vector<gss::Oid> neg_mechs;  // SPNEGO only
  std::uint32_t req_flags = 0;      // GSS_C_*_FLAG bits
  std::optional<gss::ChannelBindings> channel_bindings;
  std::string ccache;         // credential store "ccache"
  std::string client_keytab;  // credential store "client_keytab"
  std::string user;           // with password: gss_acquire_cred_with_password
  std::optional<std::string> password;
  std::optional<gss::Oid> require_mech;  // fail unless this mech is the one negotiated
  bool suppress_ci_flags = false;        // assert integ/conf only when requested (gss::Cred)
};

struct AcceptorOptions {
  std::string keytab;         // credential store "keytab"; empty: KRB5_KTNAME / default
  std::string acceptor_name;  // empty: any key in the keytab
  std::optional<gss::ChannelBindings> channel_bindings;
  std::vector<gss::Oid> accept_mechs;  // SPNEGO acceptor: mechanisms it will negotiate
  std::string store_delegated;         // store a delegated credential in this ccache (empty: don't)
  // Refuse an established context that is not channel-bound (GSS_C_CHANNEL_BOUND_FLAG): MIT
  // accepts an initiator that sent no bindings even when the acceptor has some (ticket 8899).
  bool require_channel_bindings = false;
};

struct SessionOptions {
  int messages = 1;  // initiator: per-message round trips after establishment
  bool show_secrets = false;
  bool report = true;  // acceptor: send its own context view with the verdict
};

// The default request, as MIT gss-client: mutual authentication and replay detection.
std::uint32_t default_request_flags();

// Parses --channel-bindings VALUE: plain text, "hex:..." or "file:PATH". Throws
// util::Error (usage for bad hex, setup for an unreadable file).
gss::ChannelBindings parse_channel_bindings(const std::string& value);

}  // namespace authctx::engine

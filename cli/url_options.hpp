// `authctx client --url URL`: the URL transports. The scheme picks the protocol; this file
// holds the options of the LDAP SASL bind (ldap://, ldaps://) and the ones URL transports
// share (--resolve, --cacert, --insecure), and runs it:
//   --url ldap://HOST[:PORT] | ldaps://HOST[:PORT]   --resolve HOST:PORT:ADDRESS (repeatable)
//   --starttls   --cacert FILE   --insecure
//   --sasl-layer none|integrity|confidentiality      (default: confidentiality; none over TLS)
//   --sasl-maxbuf N (default 65536)   --authzid ID
// The mechanism is GSSAPI for --mech krb5 (the default with an LDAP URL) and GSS-SPNEGO for
// --mech spnego; the target defaults to ldap@HOST. The layer also sets the GSS-API flags
// requested: integrity adds integ, confidentiality integ and conf.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "cli/context_options.hpp"
#include "cli/network_options.hpp"
#include "cli/output.hpp"

namespace authctx::cli {

struct UrlArgs {
  std::string url;
  std::vector<std::string> resolve;
  std::string cacert;
  bool insecure = false;
  bool starttls = false;
  std::string sasl_layer;  // empty: the default for the connection
  std::uint32_t sasl_maxbuf = 65536;
  std::string authzid;
  CLI::Option* url_option = nullptr;
  CLI::Option* target_option = nullptr;  // --target, to tell a default from a given value
  CLI::Option* mech_option = nullptr;    // --mech, likewise
};

// Adds --url to group "Connection" and the URL options to group "URL transports".
void add_url_options(CLI::App* cmd, UrlArgs& args);
bool url_given(const UrlArgs& args);

// Runs `client --url`; returns the exit code.
int run_url_client(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                   const GlobalOptions& globals, const std::string& record);

}  // namespace authctx::cli

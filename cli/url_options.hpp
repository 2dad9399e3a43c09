// `authctx client --url URL`: the URL transports. The scheme picks the protocol; this file
// holds the options of HTTP Negotiate (http://, https://) and the ones URL transports share
// (--resolve, --cacert, --insecure), and runs it:
//   --url http://HOST[:PORT]/PATH | https://...   --resolve HOST:PORT:ADDRESS (repeatable)
//   --request METHOD   --header 'Name: value' (repeatable)   --data TEXT|@FILE   --location
//   --cacert FILE   --insecure   --no-channel-bindings
// The mechanism picks the scheme answered (spnego: Negotiate; ntlm: NTLM, else Negotiate;
// krb5: Kerberos, else Negotiate); the target defaults to HTTP@HOST of the (final) URL.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/context_options.hpp"
#include "cli/network_options.hpp"
#include "cli/output.hpp"
#include "cli/policy_options.hpp"
#include "run/load.hpp"

namespace authctx::cli {

struct UrlArgs {
  std::string url;
  std::vector<std::string> resolve;
  std::string cacert;
  bool insecure = false;
  std::string request;  // HTTP method; empty: GET (POST with --data)
  std::vector<std::string> headers;
  std::string data;  // TEXT or @FILE
  bool location = false;
  bool no_channel_bindings = false;
  CLI::Option* url_option = nullptr;
  CLI::Option* target_option = nullptr;  // --target, to tell a default from a given value
  CLI::Option* mech_option = nullptr;    // --mech, likewise
};

// Adds --url to group "Connection" and the URL options to group "URL transports".
void add_url_options(CLI::App* cmd, UrlArgs& args);
bool url_given(const UrlArgs& args);

// Runs `client --url` (a load run with load); returns the exit code (through policy:
// --expect, --junit).
int run_url_client(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                   const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                   PolicyRun& policy);

}  // namespace authctx::cli

// `authctx client --url URL`: the URL transports. The scheme picks the protocol:
//   http://HOST[:PORT]/PATH | https://...      HTTP Negotiate, NTLM or Kerberos (cli/url_http.cpp)
//   ldap://HOST[:PORT] | ldaps://HOST[:PORT]   an LDAP SASL bind (cli/url_ldap.cpp)
// This file holds the options every URL transport shares and the dispatch by scheme:
//   --url URL   --resolve HOST:PORT:ADDRESS (repeatable)   --cacert FILE   --insecure
// Each scheme family adds its own options (url_schemes.hpp); one given with a URL of another
// family is a usage error naming the schemes it is for. A run goes through the policy
// options (--expect, --junit) like any other client run.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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
  // http://, https:// (cli/url_http.cpp)
  std::string request;  // HTTP method; empty: GET (POST with --data)
  std::vector<std::string> headers;
  std::string data;  // TEXT or @FILE
  bool location = false;
  bool no_channel_bindings = false;
  // ldap://, ldaps:// (cli/url_ldap.cpp)
  bool starttls = false;
  std::string sasl_layer;  // empty: the default for the connection
  std::uint32_t sasl_maxbuf = 65536;
  std::string authzid;

  CLI::Option* url_option = nullptr;
  CLI::Option* target_option = nullptr;  // --target, to tell a default from a given value
  CLI::Option* mech_option = nullptr;    // --mech, likewise
  // Options that only one family of schemes takes, with that family ("http", "ldap").
  std::vector<std::pair<CLI::Option*, std::string>> scheme_options;
};

// Adds --url to group "Connection" and the URL options to group "URL transports".
void add_url_options(CLI::App* cmd, UrlArgs& args);
bool url_given(const UrlArgs& args);

// Runs `client --url` (a load run with load, on every scheme); returns the exit code
// (through policy: --expect, --junit).
int run_url_client(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                   const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                   PolicyRun& policy);

}  // namespace authctx::cli

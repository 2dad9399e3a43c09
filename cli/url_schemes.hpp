// Internal to cli/: what each URL scheme family adds to `client --url` (url_options.hpp).
// A family adds its own options to a group (registering each in UrlArgs::scheme_options
// so a URL of another family refuses them) and runs a URL of its schemes to an exit code.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "cli/url_options.hpp"

namespace authctx::cli {

// http://, https:// (cli/url_http.cpp): --request, --header, --data, --location,
// --no-channel-bindings.
void add_http_url_options(CLI::App* cmd, UrlArgs& args, const std::string& group);
int run_http_url(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                 const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                 PolicyRun& policy);

// ldap://, ldaps:// (cli/url_ldap.cpp): --starttls, --sasl-layer, --sasl-maxbuf, --authzid.
void add_ldap_url_options(CLI::App* cmd, UrlArgs& args, const std::string& group);
int run_ldap_url(const UrlArgs& url, const InitiatorArgs& initiator, const NetworkArgs& network,
                 const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                 PolicyRun& policy);

}  // namespace authctx::cli

// `client --url http://|https://`: HTTP Negotiate's options and its run (url_schemes.hpp).
//   --request METHOD   --header 'Name: value' (repeatable)   --data TEXT|@FILE   --location
//   --no-channel-bindings
// The mechanism picks the scheme answered (spnego: Negotiate; ntlm: NTLM, else Negotiate;
// krb5: Kerberos, else Negotiate); the target defaults to HTTP@HOST of the (final) URL.
#include <algorithm>

#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/transport_options.hpp"
#include "cli/url_schemes.hpp"
#include "gss/oid.hpp"
#include "http/url.hpp"
#include "run/http_client.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::cli {
namespace {

// --data TEXT, or @FILE as curl reads it (at most 16 MiB).
std::string request_body(const std::string& data) {
  if (data.empty() || data.front() != '@') return data;
  try {
    return util::read_file(data.substr(1), 16U << 20U);
  } catch (const util::FileError& e) {
    throw util::setup_error("file_unreadable", e.what(), "check the path given to --data @FILE");
  }
}

run::HttpClientOptions http_options(const UrlArgs& a, const NetworkArgs& network, const gss::Oid& mech) {
  run::HttpClientOptions o;
  auto& c = o.channel;
  c.connection.url = http::parse_url(a.url);
  for (const auto& r : a.resolve) c.resolve.push_back(http::parse_resolve(r));
  if (const auto r = http::resolve_for(c.connection.url, c.resolve)) c.connection.connect_addresses = r->addresses;
  c.connection.cacert = a.cacert;
  c.connection.insecure = a.insecure;
  if ((!a.cacert.empty() || a.insecure) && !c.connection.url.tls())
    throw util::usage_error("--cacert and --insecure need TLS: use an https:// URL");
  if (!a.cacert.empty() && a.insecure) throw util::usage_error("--cacert and --insecure contradict each other");
  c.connection.timeout = network.timeout();
  c.connection.connect_timeout = std::min(network.timeout(), std::chrono::milliseconds(10000));
  // The header block must hold a token of --max-token-size in base64, and the rest.
  c.connection.max_header_bytes = network.max_token_size / 3 * 4 + 16384;
  c.max_token_size = network.max_token_size;
  c.body = request_body(a.data);
  c.method = !a.request.empty() ? a.request : a.data.empty() ? "GET" : "POST";
  for (const auto& h : a.headers) {
    const auto header = http::parse_header_line(h);
    if (http::iequals(header.name, "Authorization"))
      throw util::usage_error("--header Authorization: authctx writes that header itself");
    c.headers.push_back(header);
  }
  if (!a.data.empty() && std::none_of(c.headers.begin(), c.headers.end(),
                                      [](const http::Header& h) { return http::iequals(h.name, "Content-Type"); }))
    c.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});  // as curl -d
  c.follow_redirects = a.location;
  c.schemes = run::schemes_for(mech);
  o.channel_bindings = !a.no_channel_bindings;
  return o;
}

}  // namespace

void add_http_url_options(CLI::App* cmd, UrlArgs& a, const std::string& g) {
  const auto http_only = [&a](CLI::Option* opt) { a.scheme_options.emplace_back(opt, "http"); };
  http_only(cmd->add_option("--request", a.request, "HTTP: method (default GET, POST with --data)")
                ->option_text("METHOD")
                ->group(g));
  http_only(cmd->add_option("--header", a.headers, "HTTP: extra request header 'Name: value' (repeatable)")
                ->option_text("'NAME: VALUE'")
                ->group(g));
  http_only(cmd->add_option("--data", a.data, "HTTP: request body: TEXT, or @FILE to read it from a file")
                ->option_text("TEXT|@FILE")
                ->group(g));
  http_only(
      cmd->add_flag("--location", a.location, "HTTP: follow redirects before authenticating (at most 5)")->group(g));
  http_only(cmd->add_flag("--no-channel-bindings", a.no_channel_bindings,
                          "https: do not send RFC 5929 tls-server-end-point channel bindings (to reproduce EPA "
                          "failures)")
                ->group(g));
}

int run_http_url(const UrlArgs& a, const InitiatorArgs& initiator_args, const NetworkArgs& network,
                 const GlobalOptions& globals, const std::string& record, const std::optional<run::LoadOptions>& load,
                 PolicyRun& policy) {
  auto init = to_initiator_options(initiator_args);
  auto options = http_options(a, network, init.mech);
  options.target_given = a.target_option != nullptr && a.target_option->count() > 0;
  if (a.no_channel_bindings && !initiator_args.channel_bindings.empty())
    throw util::usage_error("--no-channel-bindings and --channel-bindings contradict each other");
  engine::SessionOptions session;
  session.messages = 0;  // HTTP has no per-message round trips
  session.show_secrets = globals.show_secrets;
  auto out = open_output(globals);
  auto sink = policy.wrap(with_recording(make_sink(globals, *out, "client"), record));
  if (load) {
    const auto outcome = run::run_http_load(options, *load, init, session, *sink);
    if (outcome.first_error) return error_exit_code(*outcome.first_error, true);
    return policy.exit_code(outcome.all_established ? k_exit_ok : k_exit_auth_failed);
  }
  return policy.exit_code(handshake_exit_code(run::run_http_client(options, init, session, *sink)));
}

}  // namespace authctx::cli

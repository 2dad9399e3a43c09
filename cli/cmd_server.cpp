// `authctx server`: the acceptor over TCP (--listen HOST:PORT, repeatable), a folder (--files
// DIR) or standard input and output (--stdio); cli/transport_options.hpp chooses. Over TCP,
// --framing http makes it a web server that authenticates with HTTP Negotiate, plain or
// with --tls-cert/--tls-key over TLS (run/http_server.hpp).
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/network_options.hpp"
#include "cli/policy_options.hpp"
#include "cli/transport_options.hpp"
#include "gss/oid.hpp"
#include "http/auth_header.hpp"
#include "run/files.hpp"
#include "run/http_server.hpp"
#include "run/server.hpp"
#include "run/stdio.hpp"
#include "util/errors.hpp"

namespace authctx::cli {
namespace {

struct ServerArgs {
  AcceptorArgs acceptor;
  NetworkArgs network;
  std::vector<std::string> listen;
  TransportArgs transport;
  std::string record;
  bool once = false;
  int max_connections = 16;
  run::Documents documents = run::Documents::all;
  bool no_report = false;
  std::string store_delegated;
  std::string tls_cert;
  std::string tls_key;
  bool require_channel_bindings = false;
  PolicyArgs policy;
};

engine::AcceptorOptions acceptor_options(const ServerArgs& args) {
  auto acc = to_acceptor_options(args.acceptor);
  acc.store_delegated = args.store_delegated;
  acc.require_channel_bindings = args.require_channel_bindings;
  return acc;
}

engine::SessionOptions session_options(const ServerArgs& args, const GlobalOptions& globals) {
  engine::SessionOptions session;
  session.show_secrets = globals.show_secrets;
  session.report = !args.no_report;
  return session;
}

int run_other_transport(const ServerArgs& args, const GlobalOptions& globals, Transport transport, PolicyRun& policy) {
  // Over --stdio, stdout carries tokens: our own stdout moves to stderr before anything is written.
  const auto streams = transport == Transport::stdio ? take_stdout_for_tokens() : StdioStreams{};
  const auto acc = acceptor_options(args);
  const auto session = session_options(args, globals);
  auto out = open_output(globals);
  if (transport == Transport::stdio) {
    auto sink = policy.wrap(with_recording(make_sink(globals, *out, "server"), args.record));
    const auto stdio = stdio_options(args.transport, args.network, streams);
    return policy.exit_code(handshake_exit_code(run::run_stdio_server(stdio, acc, session, *sink)));
  }
  auto sink = policy.wrap(make_server_sink(globals, *out, args.record));
  const run::FilesServerOptions server{{args.transport.files, args.network.timeout(), args.network.max_token_size},
                                       args.once};
  const auto outcome = run::run_files_server(server, acc, session, *sink, [&] {
    std::cerr << "authctx: waiting for clients in " << args.transport.files << " (--files)" << std::endl;
    sink->event("listening", json::Json{{"files", args.transport.files}});
  });
  const int code = server_exit_code(args.once, outcome.established, outcome.last_error);
  return args.once ? policy.exit_code(code) : code;  // a long-running server reports per connection
}

int run_http(const ServerArgs& args, const GlobalOptions& globals, PolicyRun& policy) {
  run::HttpServerOptions server;
  for (const auto& l : args.listen) server.listen.push_back(net::parse_endpoint(l));
  server.tls_cert = args.tls_cert;
  server.tls_key = args.tls_key;
  server.once = args.once;
  server.documents = args.documents;
  server.max_connections = args.max_connections;
  server.timeout = args.network.timeout();
  server.max_token_size = args.network.max_token_size;
  const auto acc = acceptor_options(args);
  // RFC 4559 offers Negotiate; the NTLM scheme too when the acceptor negotiates NTLM.
  if (std::any_of(acc.accept_mechs.begin(), acc.accept_mechs.end(),
                  [](const gss::Oid& m) { return m == gss::ntlm_oid(); }))
    server.offered.push_back(http::AuthScheme::ntlm);
  auto out = open_output(globals);
  auto sink = policy.wrap(make_server_sink(globals, *out, args.record));
  const char* scheme = args.tls_cert.empty() ? "http" : "https";
  const auto outcome = run::run_http_server(
      server, acc, session_options(args, globals), *sink, [&](const std::vector<net::Endpoint>& bound) {
        for (const auto& ep : bound) {
          std::cerr << "authctx: listening on " << ep.text() << " (framing http; " << scheme << "://" << ep.text()
                    << "/)" << std::endl;
          sink->event(
              "listening",
              json::Json{
                  {"address", ep.text()}, {"port", ep.port}, {"framing", "http"}, {"tls", !args.tls_cert.empty()}});
        }
      });
  const int code = server_exit_code(args.once, outcome.established, outcome.last_error);
  return args.once ? policy.exit_code(code) : code;  // a long-running server reports per connection
}

int run_server(const ServerArgs& args, const GlobalOptions& globals) {
  const auto transport = chosen_transport(args.transport, "--listen");
  PolicyRun policy(args.policy, globals, "server");
  const bool http = args.network.framing == transport::Framing::http;
  if (http && transport != Transport::tcp) throw util::usage_error("--framing http needs --listen HOST:PORT");
  if (!http && (!args.tls_cert.empty() || !args.tls_key.empty()))
    throw util::usage_error("--tls-cert and --tls-key serve https: they need --framing http");
  if (args.tls_cert.empty() != args.tls_key.empty())
    throw util::usage_error("--tls-cert and --tls-key go together", "give both PEM files");
  if (http) return run_http(args, globals, policy);
  if (transport != Transport::tcp) return run_other_transport(args, globals, transport, policy);
  run::ServerOptions server;
  for (const auto& l : args.listen) server.listen.push_back(net::parse_endpoint(l));
  server.framing = args.network.framing;
  server.once = args.once;
  server.max_connections = args.max_connections;
  server.documents = args.documents;
  server.timeout = args.network.timeout();
  server.max_token_size = args.network.max_token_size;
  const auto acc = acceptor_options(args);
  auto out = open_output(globals);
  auto sink = policy.wrap(make_server_sink(globals, *out, args.record));
  const auto framing = args.network.framing == transport::Framing::gss_sample ? "gss-sample" : "authctx";
  const auto outcome =
      run::run_server(server, acc, session_options(args, globals), *sink, [&](const std::vector<net::Endpoint>& bound) {
        for (const auto& ep : bound) {
          std::cerr << "authctx: listening on " << ep.text() << " (framing " << framing << ")" << std::endl;
          sink->event("listening", json::Json{{"address", ep.text()}, {"port", ep.port}, {"framing", framing}});
        }
      });
  const int code = server_exit_code(args.once, outcome.established, outcome.last_error);
  return args.once ? policy.exit_code(code) : code;  // a long-running server reports per connection
}
}  // namespace

void setup_server(CLI::App& app, App& shared) {
  auto args = std::make_shared<ServerArgs>();
  auto* cmd = app.add_subcommand(
      "server", "The acceptor over TCP (--listen HOST:PORT; --framing http: a web server), --files DIR or --stdio");
  args->transport.tcp =
      cmd->add_option("--listen", args->listen,
                      "Address to listen on: HOST:PORT or [IPV6]:PORT (port 0: any free port); repeatable")
          ->group("Connection");
  add_network_options(cmd, args->network, true);
  args->transport.timeout = cmd->get_option("--timeout");
  add_transport_options(cmd, args->transport, "--listen");
  add_record_option(cmd, args->record);
  add_policy_options(cmd, args->policy);
  cmd->add_flag("--once", args->once,
                "Serve one connection (with --framing http: one authentication), then exit with its result")
      ->group("Connection");
  cmd->add_option("--max-connections", args->max_connections,
                  "Connections served at once (worker threads, started once); as many more wait, further ones are "
                  "refused at once (server_busy)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str()
      ->group("Connection");
  static const std::map<std::string, run::Documents> k_documents{{"all", run::Documents::all},
                                                                 {"failures", run::Documents::failures}};
  cmd->add_option("--documents", args->documents,
                  "Which connections get a document: all (default) or failures (load tests: successes only counted)")
      ->transform(CLI::CheckedTransformer(k_documents))
      ->option_text("all|failures")
      ->group("Connection");
  cmd->add_flag("--no-report", args->no_report, "Do not send the acceptor's context view to the client");
  cmd->add_option("--store-delegated", args->store_delegated,
                  "Store a delegated credential in this ccache (e.g. FILE:/tmp/deleg; created 0600)");
  add_acceptor_options(cmd, args->acceptor);
  cmd->add_option("--channel-bindings", args->acceptor.channel_bindings, "Channel bindings: TEXT, hex:HEX or file:PATH")
      ->group("Acceptor");
  cmd->add_flag("--require-channel-bindings", args->require_channel_bindings,
                "Refuse an established context that is not channel-bound (as Windows Extended Protection does)")
      ->group("Acceptor");
  cmd->add_option("--tls-cert", args->tls_cert, "--framing http: serve https with this certificate chain (PEM)")
      ->option_text("FILE")
      ->group("Connection");
  cmd->add_option("--tls-key", args->tls_key, "--framing http: the private key of --tls-cert (PEM)")
      ->option_text("FILE")
      ->group("Connection");
  cmd->callback([args, &shared] {
    shared.command = "server";
    shared.action = [args, &shared] { return run_server(*args, shared.globals); };
  });
}

}  // namespace authctx::cli

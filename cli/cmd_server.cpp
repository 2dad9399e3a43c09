// `authctx server`: the acceptor over TCP (--listen HOST:PORT, repeatable).
#include <iostream>
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/exit_codes.hpp"
#include "cli/handshake_result.hpp"
#include "cli/network_options.hpp"
#include "core/server.hpp"

namespace authctx::cli {
namespace {

struct ServerArgs {
  AcceptorArgs acceptor;
  NetworkArgs network;
  std::vector<std::string> listen;
  bool once = false;
  int max_connections = 16;
  bool no_report = false;
  std::string store_delegated;
};

int run_server(const ServerArgs& args, const GlobalOptions& globals) {
  core::ServerOptions server;
  for (const auto& l : args.listen) server.listen.push_back(core::parse_endpoint(l));
  server.framing = args.network.framing;
  server.once = args.once;
  server.max_connections = args.max_connections;
  server.timeout = std::chrono::milliseconds(static_cast<long>(args.network.timeout_seconds * 1000));
  server.max_token_size = args.network.max_token_size;
  server.report = !args.no_report;
  const auto acc = to_acceptor_options(args.acceptor);
  core::SessionOptions session;
  session.show_secrets = globals.show_secrets;
  session.store_delegated = args.store_delegated;
  auto out = open_output(globals);
  // A server writes one JSON document per connection, one per line.
  std::unique_ptr<core::EventSink> sink;
  if (effective_format(globals) == Format::json) sink = std::make_unique<core::JsonSink>(out->stream, false);
  else sink = make_sink(globals, *out, "server");
  const auto framing = args.network.framing == core::Framing::gss_sample ? "gss-sample" : "authctx";
  const auto outcome = core::run_server(server, acc, session, *sink, [&](const std::vector<core::Endpoint>& bound) {
    for (const auto& ep : bound) {
      std::cerr << "authctx: listening on " << ep.text() << " (framing " << framing << ")" << std::endl;
      sink->event("listening", nlohmann::ordered_json{{"address", ep.text()}, {"port", ep.port}, {"framing", framing}});
    }
  });
  if (args.once) {
    if (outcome.last_error) return error_exit_code(*outcome.last_error, false);
    return outcome.established == 1 ? k_exit_ok : k_exit_transport;
  }
  return k_exit_ok;
}
}  // namespace

void setup_server(CLI::App& app, App& shared) {
  auto args = std::make_shared<ServerArgs>();
  auto* cmd = app.add_subcommand("server", "The acceptor over TCP (--listen HOST:PORT)");
  cmd->add_option("--listen", args->listen, "Address to listen on: HOST:PORT or [IPV6]:PORT (port 0: any free port); repeatable")
      ->required()->group("Connection");
  add_network_options(cmd, args->network, true);
  cmd->add_flag("--once", args->once, "Serve one connection, then exit with its result")->group("Connection");
  cmd->add_option("--max-connections", args->max_connections, "Connections served at once; more wait in the backlog")
      ->check(CLI::Range(1, 1024))->capture_default_str()->group("Connection");
  cmd->add_flag("--no-report", args->no_report, "Do not send the acceptor's context view to the client");
  cmd->add_option("--store-delegated", args->store_delegated,
                  "Store a delegated credential in this ccache (e.g. FILE:/tmp/deleg; created 0600)");
  add_acceptor_options(cmd, args->acceptor);
  cmd->add_option("--channel-bindings", args->acceptor.channel_bindings,
                  "Channel bindings: TEXT, hex:HEX or file:PATH")->group("Acceptor");
  cmd->callback([args, &shared] {
    shared.command = "server";
    shared.action = [args, &shared] { return run_server(*args, shared.globals); };
  });
}

}  // namespace authctx::cli

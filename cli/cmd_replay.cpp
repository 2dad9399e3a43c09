// `authctx replay FILE`: feeds a transcript's initiator tokens to a fresh acceptor
// (src/run/replay.hpp) and reports the outcome as a normal document.
#include <memory>

#include "cli/app.hpp"
#include "cli/context_options.hpp"
#include "cli/handshake_result.hpp"
#include "run/replay.hpp"

namespace authctx::cli {
namespace {

struct ReplayArgs {
  std::string transcript;
  AcceptorArgs acceptor;
};

int run_replay(const ReplayArgs& args, const GlobalOptions& globals) {
  const auto acc = to_acceptor_options(args.acceptor);
  engine::SessionOptions session;
  session.messages = 0;
  session.show_secrets = globals.show_secrets;
  auto out = open_output(globals);
  auto sink = make_sink(globals, *out, "replay");
  const auto doc = run::run_replay(args.transcript, acc, session, *sink);
  return handshake_exit_code(doc);
}
}  // namespace

void setup_replay(CLI::App& app, App& shared) {
  auto args = std::make_shared<ReplayArgs>();
  auto* cmd = app.add_subcommand("replay",
                                 "Feed a recorded exchange's initiator tokens to a fresh acceptor "
                                 "(checks replay protection)");
  cmd->add_option("FILE", args->transcript, "A transcript written by --record (local, client or server)")->required();
  add_acceptor_options(cmd, args->acceptor);
  cmd->callback([args, &shared] {
    shared.command = "replay";
    shared.action = [args, &shared] { return run_replay(*args, shared.globals); };
  });
}

}  // namespace authctx::cli

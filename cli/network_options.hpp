// Options shared by `client` and `server` for the connection itself: framing, timeout and
// the token size limit.
#pragma once
#include <CLI/CLI.hpp>

#include "transport/records.hpp"

namespace authctx::cli {

struct NetworkArgs {
  core::Framing framing = core::Framing::authctx;
  double timeout_seconds = 30;
  std::size_t max_token_size = 1u << 20;
};

void add_network_options(CLI::App* cmd, NetworkArgs& args, bool server);

}  // namespace authctx::cli

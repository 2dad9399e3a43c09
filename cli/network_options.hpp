// Options shared by `client` and `server` for the connection itself: framing, timeout and
// the token size limit.
#pragma once
#include <CLI/CLI.hpp>

#include <chrono>

#include "transport/records.hpp"

namespace authctx::cli {

struct NetworkArgs {
  transport::Framing framing = transport::Framing::authctx;
  double timeout_seconds = 30;
  std::size_t max_token_size = 1U << 20U;
  std::chrono::milliseconds timeout() const { return to_millis(timeout_seconds); }
  static std::chrono::milliseconds to_millis(double seconds);
};

void add_network_options(CLI::App* cmd, NetworkArgs& args, bool server);

}  // namespace authctx::cli

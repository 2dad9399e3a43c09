// The exit code and stderr sentence for a finished handshake document (contract: 0 when
// established and every per-message check passed, 1 otherwise).
#pragma once
#include "report/document.hpp"

namespace authctx::cli {
int handshake_exit_code(const report::Document& doc);
// The exit code for an error report (1 authentication, 3 transport), with its sentence on
// stderr.
int error_exit_code(const report::ErrorReport& e, bool summary);
// A server's exit code: with --once, that of its one session (0 when it was established,
// its error's code, else 3); otherwise 0 (it stopped on a signal).
int server_exit_code(bool once, int established, const std::optional<report::ErrorReport>& last_error);
}  // namespace authctx::cli

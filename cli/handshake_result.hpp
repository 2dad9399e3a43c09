// The exit code and stderr sentence for a finished handshake document (contract: 0 when
// established and every per-message check passed, 1 otherwise).
#pragma once
#include "report/document.hpp"

namespace authctx::cli {
int handshake_exit_code(const core::Document& doc);
// The exit code for an error report (1 authentication, 3 transport), with its sentence on
// stderr.
int error_exit_code(const core::ErrorReport& e, bool summary);
}  // namespace authctx::cli

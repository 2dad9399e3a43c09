// The contract's exit statuses. Only cli/ chooses them.
#pragma once

namespace authctx::cli {
enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_auth_failed = 1,
  k_exit_usage = 2,
  k_exit_transport = 3,
  k_exit_undecodable = 4,
  k_exit_setup = 5,
  k_exit_expectation_failed = 6,  // established, but an --expect expectation failed
};
}  // namespace authctx::cli

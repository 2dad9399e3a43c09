#include "cli/handshake_result.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"

namespace authctx::cli {

int error_exit_code(const core::ErrorReport& e, bool summary) {
  std::cerr << "authctx: " << (summary ? "a run failed: " : "");
  if (e.transport) {
    std::cerr << "transport failure: " << e.message << " [" << e.cls << "]";
  } else {
    std::cerr << "authentication failed";
    if (e.side) std::cerr << " on the " << core::side_name(*e.side) << " side";
    std::cerr << " at " << e.stage << ": " << e.message << " [" << e.cls << "]";
  }
  if (!e.hint.empty()) std::cerr << "; next: " << e.hint;
  std::cerr << "\n";
  return e.transport ? k_exit_transport : k_exit_auth_failed;
}

int handshake_exit_code(const core::Document& doc) {
  if (doc.error) return error_exit_code(*doc.error, false);
  for (const auto& m : doc.messages) {
    if (!m.ok) {
      std::cerr << "authctx: per-message check " << m.kind << " " << core::direction_name(m.direction)
                << " failed: " << m.error << "\n";
      return k_exit_auth_failed;
    }
  }
  return doc.established ? k_exit_ok : k_exit_auth_failed;
}

}  // namespace authctx::cli

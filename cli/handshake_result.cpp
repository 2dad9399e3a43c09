#include "cli/handshake_result.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"

namespace authctx::cli {

int handshake_exit_code(const core::Document& doc) {
  if (doc.error) {
    const auto& e = *doc.error;
    std::cerr << "authctx: authentication failed";
    if (e.side) std::cerr << " on the " << core::side_name(*e.side) << " side";
    std::cerr << " at " << e.stage << ": " << e.message << " [" << e.cls << "]";
    if (!e.hint.empty()) std::cerr << "; next: " << e.hint;
    std::cerr << "\n";
    return k_exit_auth_failed;
  }
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

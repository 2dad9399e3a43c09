#include "cli/handshake_result.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"

namespace authctx::cli {

int error_exit_code(const report::ErrorReport& e, bool summary) {
  std::cerr << "authctx: " << (summary ? "a run failed: " : "");
  if (e.transport) {
    std::cerr << "transport failure: " << e.message << " [" << e.cls << "]";
  } else {
    std::cerr << "authentication failed";
    if (e.side) std::cerr << " on the " << report::side_name(*e.side) << " side";
    std::cerr << " at " << e.stage << ": " << e.message << " [" << e.cls << "]";
  }
  if (!e.hint.empty()) std::cerr << "; next: " << e.hint;
  std::cerr << "\n";
  return e.transport ? k_exit_transport : k_exit_auth_failed;
}

int server_exit_code(bool once, int established, const std::optional<report::ErrorReport>& last_error) {
  if (!once) return k_exit_ok;
  if (last_error) return error_exit_code(*last_error, false);
  return established == 1 ? k_exit_ok : k_exit_transport;
}

int handshake_exit_code(const report::Document& doc) {
  if (doc.error) return error_exit_code(*doc.error, false);
  for (const auto& m : doc.messages) {
    if (!m.ok) {
      std::cerr << "authctx: per-message check " << m.kind << " " << report::direction_name(m.direction)
                << " failed: " << m.error << "\n";
      return k_exit_auth_failed;
    }
  }
  return doc.established ? k_exit_ok : k_exit_auth_failed;
}

}  // namespace authctx::cli

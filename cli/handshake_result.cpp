#include "cli/handshake_result.hpp"

#include <iostream>

#include "cli/exit_codes.hpp"
#include "util/printable.hpp"

namespace authctx::cli {

// Messages, classes and hints may carry a peer's text: stderr gets them through
// util::printable, as the text view does.
int error_exit_code(const report::ErrorReport& e, bool summary) {
  using util::printable;
  std::cerr << "authctx: " << (summary ? "a run failed: " : "");
  if (e.transport) {
    std::cerr << "transport failure: " << printable(e.message) << " [" << printable(e.cls) << "]";
  } else {
    std::cerr << "authentication failed";
    if (e.side) std::cerr << " on the " << report::side_name(*e.side) << " side";
    std::cerr << " at " << printable(e.stage) << ": " << printable(e.message) << " [" << printable(e.cls) << "]";
  }
  if (!e.hint.empty()) std::cerr << "; next: " << printable(e.hint);
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
      std::cerr << "authctx: per-message check " << util::printable(m.kind) << " "
                << report::direction_name(m.direction) << " failed: " << util::printable(m.error) << "\n";
      return k_exit_auth_failed;
    }
  }
  return doc.established ? k_exit_ok : k_exit_auth_failed;
}

}  // namespace authctx::cli

// Internal to the text view: renderers for the documents that are not handshakes (decode,
// lab up/down, mechs, doctor, and anything else as an outline), and the pieces the
// handshake view shares with them (error block, --count summary).
#pragma once
#include <optional>
#include <sstream>
#include <string>

#include "text/style.hpp"
#include "text/view.hpp"

namespace authctx::text {

// The text for doc when it is not a handshake document; nullopt when it is one (or is an
// error-only document, which the handshake view shows as status line plus error).
std::optional<std::string> render_other(const Json& doc, const TextOptions& options);

// The error object: class and stage first, the message in bold, major/minor, the next step.
void error_block(std::ostringstream& o, const Json& error, const Style& st);

// What `decode` with keys opened in one token's tree (decrypted.cpp): a line per encrypted
// part, with the PAC's user and groups under a ticket, or the key a part needed.
void decrypted_lines(std::ostream& o, const Json& decoded, const Style& st);

// A load run's summary (client/local --count N): runs, established/failed, concurrency,
// min/median/p95/p99/max milliseconds, rate, KDC requests, outcomes by class (when some
// failed) and a row per phase.
void summary_block(std::ostringstream& o, const Json& summary, const Style& st, const Json& outcomes = Json());

}  // namespace authctx::text

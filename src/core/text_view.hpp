// A plain-text view of an authctx JSON document for people at a terminal: one line per
// leg with an arrow for its direction, both sides' context views, per-message results,
// warnings and the error with its class and next step. ANSI colour only when asked.
#pragma once
#include <string>

#include "core/document.hpp"

namespace authctx::core {
std::string render_text(const Json& doc, bool color);
}  // namespace authctx::core

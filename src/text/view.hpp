// A plain-text view of authctx JSON documents for people at a terminal. The view is built
// only from the document (never from live GSS-API state), so whatever the JSON says is what
// the text says, and the same renderer serves `local`, `client`, `server`, `decode`, `lab`,
// `mechs` and `doctor` documents.
//
// Handshake documents: a status line, one block per leg (arrow for the direction, length,
// a one-line summary of the decoded token built from the decoded tree), both sides'
// context views side by side, per-message results, warnings, and the error with its class
// and next step. `verbose` adds every leg's full decoded tree. ANSI colour only when
// `color` is set; the caller decides (--color, NO_COLOR, isatty).
#pragma once
#include <string>

#include "json/json.hpp"

namespace authctx::text {

using json::Json;

struct TextOptions {
  bool color = false;
  bool verbose = false;
};

// Renders any authctx document (dispatching on its "command" and keys).
std::string render_text(const Json& doc, const TextOptions& options);

// One line describing a decoded token tree, e.g. `SPNEGO NegTokenInit [krb5, ntlmssp] →
// krb5 AP-REQ host/localhost@AUTHCTX.TEST aes256-cts kvno 2, mutual-required`. Inner
// tokens follow their outer token after an arrow. Empty for a non-object.
std::string summarize_token(const Json& decoded);

}  // namespace authctx::text

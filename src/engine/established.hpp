// What the engine records once a context is established, in two steps around the
// per-message checks of `local`:
//   record_contexts  each local side's own view of the context (names, flags, key, ...)
//   review           the SPNEGO negotiation made visible, warnings derivable from the views
//                    and legs (mutual or delegation not granted, weak session-key enctype,
//                    NTLMv1/LM responses, SPNEGO's fallback to NTLM and why), and
//                    --require-mech, which turns another negotiated mechanism into the error
// Review names what the local sides were asked to do; a side that is remote (or a test's
// fake party) has none, and then nothing is probed for it.
#pragma once
#include "engine/options.hpp"
#include "engine/party.hpp"
#include "engine/recorder.hpp"

namespace authctx::engine {

struct Review {
  const InitiatorOptions* initiator = nullptr;
  const AcceptorOptions* acceptor = nullptr;
};

void record_contexts(Recorder& rec, Party* initiator, Party* acceptor);
void review(Recorder& rec, const Review& asked);

// Warnings derivable from the views and legs alone.
std::vector<report::Warning> view_warnings(const report::Document& doc);

}  // namespace authctx::engine

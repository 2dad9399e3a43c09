// Per-message checks after a context is established (RFC 2743 §2.3), run as a plan over any
// channel. Two plans (transport::MessagePlan):
//   authctx   per round, in each direction: wrap with confidentiality, wrap without, and a
//             MIC, each checked by the receiver, who answers in kind with its own; then the
//             initiator's bye, answered (when the framing carries it) by the acceptor's own
//             checks, so the initiator's document holds both directions
//   wrap_mic  per round: the initiator's confidential wrap, answered by the acceptor's MIC
//             over the plaintext (MIT gss-sample, stdio); then the initiator's bye
// The initiator's end drives the rounds; the acceptor's end answers each message until the
// bye (bounded). `local` runs the authctx plan with both ends in one process, no channel.
// A check that fails is recorded with its error; nothing here throws for a failed check
// (transport errors propagate).
#pragma once
#include <optional>
#include <vector>

#include "report/document.hpp"
#include "transport/channel.hpp"

namespace authctx::engine {

struct PlanOutcome {
  std::vector<report::MessageCheck> checks;
  std::optional<json::Json> peer_error;  // the peer reported a failure instead of answering
};

PlanOutcome run_plan_initiator(transport::Channel& channel, transport::Protection& protection, int rounds);
PlanOutcome run_plan_acceptor(transport::Channel& channel, transport::Protection& protection);

// The authctx plan with both ends here (`local`).
std::vector<report::MessageCheck> run_plan_in_process(transport::Protection& initiator, transport::Protection& acceptor,
                                                      int rounds);

// A check from its JSON form (message_json), e.g. in a peer's results frame.
report::MessageCheck message_from_json(const json::Json& j);

}  // namespace authctx::engine

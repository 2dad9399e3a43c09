// Per-message checks after a context is established (RFC 2743 §2.3): in each direction,
// wrap with confidentiality, wrap without, and get_mic, each verified by the peer. A check
// that fails is recorded with its error; it never throws.
#pragma once
#include <vector>

#include "report/document.hpp"
#include "engine/party.hpp"

namespace authctx::core {

std::vector<MessageCheck> run_message_checks(const Party& initiator, const Party& acceptor, int rounds);

}  // namespace authctx::core

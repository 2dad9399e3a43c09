// MIT's gss-sample protocol (src/appl/gss-sample), either side, over TCP records:
//   C->S NOOP|CONTEXT_NEXT (empty)
//   C->S CONTEXT token, S->C CONTEXT token ... while the initiator continues
//   per message: C->S DATA|WRAPPED|ENCRYPTED|SEND_MIC (0xE4) wrap(plaintext)
//                S->C MIC get_mic(plaintext)
//   C->S NOOP (empty), close
// Only tokens travel: no verdict, no report, no error object. An error frame becomes its
// error token (if any) as a CONTEXT token; the acceptor's final token goes out as CONTEXT.
// gss-client may send messages unwrapped (-nw: a plain frame) or ask for no MIC (-nm:
// mic_wanted false). After the acceptance the acceptor reads messages until NOOP; a client
// that closes after at least one message has ended the session too (older gss-clients do).
#pragma once
#include <optional>

#include "transport/channel.hpp"
#include "transport/records.hpp"

namespace authctx::transport {

class SampleChannel final : public Channel {
 public:
  SampleChannel(RecordStream& records, Role role) : records_(records), role_(role) {}
  const ChannelTraits& traits() const override;
  void open() override;
  Json send(const Frame& frame) override;
  Frame receive() override;

 private:
  Frame receive_message();

  RecordStream& records_;
  Role role_;
  std::optional<Bytes> pending_;  // a first CONTEXT token that came with CONTEXT_NEXT
  bool accepted_ = false;         // acceptor: the context is established; messages follow
  int messages_ = 0;              // acceptor: messages received
};

}  // namespace authctx::transport

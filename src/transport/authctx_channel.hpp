// The authctx framing (records.hpp types), one side of it, over any record stream: a TCP
// connection or a folder. Sequence on one connection:
//   C->S HELLO {"protocol":"authctx/1","messages":N}      S->C HELLO {"protocol":"authctx/1","server":"authctx"}
//   C->S TOKEN ... S->C TOKEN ...                          until the acceptor completes or fails
//   S->C ACCEPTED {"established":true,"context":CONTEXT|null}
//                                                          or S->C ERROR {"error":ERROR,"token_base64":...}
//   per round r (N rounds): C->S WRAP(conf=1) S->C WRAP(conf=1) C->S WRAP(conf=0) S->C WRAP(conf=0)
//                           C->S MIC S->C MIC
//   C->S BYE    S->C RESULTS {"messages":[the acceptor's checks]}
// Either side may send ERROR instead of its next record and then close. An accepted frame
// with a final token goes out as TOKEN then ACCEPTED. WRAP is one conf-requested byte then
// the token; MIC is the message's 4-byte big-endian length, the message, then the MIC.
#pragma once
#include "transport/channel.hpp"
#include "transport/records.hpp"

namespace authctx::transport {

class AuthctxChannel final : public Channel {
 public:
  // messages: the per-message rounds the initiator's HELLO announces (the acceptor ignores it).
  AuthctxChannel(RecordStream& records, Role role, int messages = 0);
  const ChannelTraits& traits() const override;
  void open() override;
  Json send(const Frame& frame) override;
  Frame receive() override;

 private:
  RecordStream& records_;
  Role role_;
  int messages_;
};

}  // namespace authctx::transport

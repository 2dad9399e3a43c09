// The authctx framing (records.hpp types), one side of it, over any record stream: a TCP
// connection or a folder. Sequence on one connection:
//   C->S HELLO {"protocol":"authctx/1","messages":N[,"report":false]}
//                                                          S->C HELLO {"protocol":"authctx/1","server":"authctx"}
//   C->S TOKEN ... S->C TOKEN ...                          until the acceptor completes or fails
//   S->C ACCEPTED {"established":true,"context":CONTEXT|null}
//                                                          or S->C ERROR {"error":ERROR,"token_base64":...}
//   per round r (N rounds): C->S WRAP(conf=1) S->C WRAP(conf=1) C->S WRAP(conf=0) S->C WRAP(conf=0)
//                           C->S MIC S->C MIC
//   C->S BYE    S->C RESULTS {"messages":[the acceptor's checks]}     (N = 0: the client closes instead)
// Either side may send ERROR instead of its next record and then close. An accepted frame
// with a final token goes out as TOKEN then ACCEPTED. WRAP is one conf-requested byte then
// the token; MIC is the message's 4-byte big-endian length, the message, then the MIC.
// Over TCP (pipeline) the client does not wait for the server's HELLO before its first
// token: it reads that HELLO (or an ERROR refusing the session) before the server's first
// answer, so a handshake costs the round trips its legs need and no more. Over a folder the
// client waits for the server's HELLO first, so nothing but its HELLO waits for a server. A server still answers a
// client that waits for its HELLO first, and takes a BYE after N = 0 as before. A client
// that does not need the acceptor's context view (a load run's later handshakes) says
// "report": false, and ACCEPTED then carries "context": null.
#pragma once
#include "transport/channel.hpp"
#include "transport/records.hpp"

namespace authctx::transport {

class AuthctxChannel final : public Channel {
 public:
  // messages: the per-message rounds the initiator's HELLO announces; report: whether it
  // asks for the acceptor's context view; pipeline: send the first token without waiting for
  // the server's HELLO (all three ignored by the acceptor).
  AuthctxChannel(RecordStream& records, Role role, int messages = 0, bool report = true, bool pipeline = false);
  const ChannelTraits& traits() const override;
  void open() override;
  Json send(const Frame& frame) override;
  Frame receive() override;
  std::optional<Frame> receive_or_end() override;
  std::optional<int> announced_rounds() const override { return announced_; }
  bool report_wanted() const override { return report_; }
  void finish() override { records_.flush(); }

 private:
  Frame frame_from(const Record& r);
  // Initiator: reads the server's HELLO, which the first receive finds before any answer.
  void take_server_hello();

  RecordStream& records_;
  Role role_;
  int messages_;
  bool report_;
  bool pipeline_;
  bool server_hello_pending_ = false;
  std::optional<int> announced_;
};

}  // namespace authctx::transport

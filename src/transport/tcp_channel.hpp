// A channel over one TCP connection, in the framing chosen (--framing authctx|gss-sample):
// the connection's records (records.hpp) under the framing's channel. Frames sent in a row
// leave in one write when the channel next waits for the peer or finishes; the destructor
// sends what is left (a failure then is ignored: the session's outcome is already known).
#pragma once
#include <memory>

#include "transport/channel.hpp"
#include "transport/records.hpp"

namespace authctx::transport {

struct TcpOptions {
  Framing framing = Framing::authctx;
  std::size_t max_token_size = 1U << 20U;
  std::chrono::milliseconds timeout{30000};
  const std::atomic<bool>* abort = nullptr;  // ends a wait early (a server shutting down)
  int messages = 0;                          // initiator: the rounds its HELLO announces
  bool report = true;                        // initiator: whether it asks for the acceptor's view
};

class TcpChannel final : public Channel {
 public:
  // received: bytes already read from the socket (a server's first record), read first.
  TcpChannel(net::Socket& socket, Role role, const TcpOptions& options, Bytes received = {});
  ~TcpChannel() override;
  TcpChannel(const TcpChannel&) = delete;
  TcpChannel& operator=(const TcpChannel&) = delete;
  const ChannelTraits& traits() const override { return inner_->traits(); }
  void open() override { inner_->open(); }
  Json send(const Frame& frame) override { return inner_->send(frame); }
  Frame receive() override { return inner_->receive(); }
  std::optional<Frame> receive_or_end() override { return inner_->receive_or_end(); }
  std::optional<int> announced_rounds() const override { return inner_->announced_rounds(); }
  bool report_wanted() const override { return inner_->report_wanted(); }
  void finish() override { records_.flush(); }

 private:
  SocketRecords records_;
  std::unique_ptr<Channel> inner_;
};

}  // namespace authctx::transport

// A channel over one TCP connection, in the framing chosen (--framing authctx|gss-sample):
// the connection's records (records.hpp) under the framing's channel.
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
};

class TcpChannel final : public Channel {
 public:
  TcpChannel(net::Socket& socket, Role role, const TcpOptions& options);
  const ChannelTraits& traits() const override { return inner_->traits(); }
  void open() override { inner_->open(); }
  Json send(const Frame& frame) override { return inner_->send(frame); }
  Frame receive() override { return inner_->receive(); }

 private:
  SocketRecords records_;
  std::unique_ptr<Channel> inner_;
};

}  // namespace authctx::transport

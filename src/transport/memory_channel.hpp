// Two ends of a channel in one process: what one end sends, the other receives, frames
// as they are (no wire). For tests of the engine and of a transport's peers: each end is
// a Channel with the traits it is given; receive() waits (bounded by the timeout) for the
// other end's next frame, then fails like a connection would: closed_early once the other
// end is closed and nothing is left, timeout otherwise. send() succeeds until this end is
// closed (like a socket's buffer), so a test can script one side in advance: queue its
// frames, close it, run the other side, then receive() what reached it. Ends may be used
// from two threads (one each). send() returns the frame's meta, so a test can script
// transport metadata.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "transport/channel.hpp"

namespace authctx::transport {

class MemoryPipe {
 public:
  class End final : public Channel {
   public:
    const ChannelTraits& traits() const override { return traits_; }
    Json send(const Frame& frame) override;
    Frame receive() override;
    Json describe() const override { return describe_; }
    // The other end sees closed_early once it has read what was sent before.
    void close();
    // Frames sent to this end and not yet received.
    std::size_t pending() const;
    // Sets what describe() returns.
    void set_description(Json description) { describe_ = std::move(description); }

   private:
    friend class MemoryPipe;
    End(MemoryPipe& pipe, int index, ChannelTraits traits) : pipe_(pipe), index_(index), traits_(traits) {}
    MemoryPipe& pipe_;
    int index_;
    ChannelTraits traits_;
    Json describe_;
  };

  explicit MemoryPipe(ChannelTraits traits, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  End& initiator() { return *ends_[0]; }
  End& acceptor() { return *ends_[1]; }

 private:
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Frame> queues_[2];  // frames waiting to be received by end 0, end 1
  bool closed_[2] = {false, false};
  std::unique_ptr<End> ends_[2];
};

}  // namespace authctx::transport

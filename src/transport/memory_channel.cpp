#include "transport/memory_channel.hpp"

#include "util/errors.hpp"

namespace authctx::transport {

MemoryPipe::MemoryPipe(ChannelTraits traits, std::chrono::milliseconds timeout) : timeout_(timeout) {
  ends_[0].reset(new End(*this, 0, traits));
  ends_[1].reset(new End(*this, 1, traits));
}

Json MemoryPipe::End::send(const Frame& frame) {
  {
    std::lock_guard lock(pipe_.mutex_);
    if (pipe_.closed_[index_]) throw util::transport_error("reset", "cannot send on a closed end");
    pipe_.queues_[1 - index_].push_back(frame);
  }
  pipe_.cv_.notify_all();
  return frame.meta;
}

Frame MemoryPipe::End::receive() {
  std::unique_lock lock(pipe_.mutex_);
  auto& queue = pipe_.queues_[index_];
  const bool ready =
      pipe_.cv_.wait_for(lock, pipe_.timeout_, [&] { return !queue.empty() || pipe_.closed_[1 - index_]; });
  if (!queue.empty()) {
    Frame f = std::move(queue.front());
    queue.pop_front();
    return f;
  }
  if (ready)
    throw util::transport_error("closed_early", "the peer closed the connection",
                                "the peer gave up or crashed; its own output says why");
  throw util::transport_error("timeout", "timed out waiting for the peer", "the peer is silent");
}

void MemoryPipe::End::close() {
  {
    std::lock_guard lock(pipe_.mutex_);
    pipe_.closed_[index_] = true;
  }
  pipe_.cv_.notify_all();
}

std::size_t MemoryPipe::End::pending() const {
  std::lock_guard lock(pipe_.mutex_);
  return pipe_.queues_[index_].size();
}

}  // namespace authctx::transport

// MIT gss-sample framing (sample_channel.hpp): flags byte, length, token (gss-misc.c
// send_token/recv_token), mapped to frames.
#include "transport/sample_channel.hpp"

#include "util/errors.hpp"

namespace authctx::transport {
namespace {

[[noreturn]] void unexpected(const Record& r, const char* expected) {
  std::string hint = "both sides must use the same --framing";
  if (r.type >= wire::hello && r.type <= wire::results)
    hint = "the peer speaks the authctx framing: use --framing authctx";
  throw util::transport_error(
      "malformed_frame", std::string("expected ") + expected + " but the peer sent flags " + type_text(r.type), hint);
}
}  // namespace

const ChannelTraits& SampleChannel::traits() const {
  static const ChannelTraits k_traits{MessagePlan::wrap_mic, false, false};
  return k_traits;
}

void SampleChannel::open() {
  if (role_ == Role::initiator) {
    records_.write(sample::noop | sample::context_next, Bytes{});
    return;
  }
  auto r = records_.read();
  if ((r.type & sample::context_next) == 0) unexpected(r, "NOOP|CONTEXT_NEXT (gss-sample's first frame)");
  // With NOOP the frame carries no token; without, it is already the first CONTEXT token.
  if ((r.type & sample::noop) == 0) pending_ = std::move(r.payload);
}

Json SampleChannel::send(const Frame& f) {
  switch (f.kind) {
    case FrameKind::token: records_.write(sample::context, f.token); break;
    case FrameKind::error:  // no error message in gss-sample: the token if there is one, then close
      if (!f.token.empty()) records_.write(sample::context, f.token);
      break;
    case FrameKind::accepted:
      accepted_ = true;
      if (!f.token.empty()) records_.write(sample::context, f.token);
      break;
    case FrameKind::wrap:
      records_.write(static_cast<std::uint8_t>(sample::data | sample::wrapped | (f.conf ? sample::encrypted : 0) |
                                               (f.mic_wanted ? sample::send_mic : 0)),
                     f.token);
      break;
    case FrameKind::plain:
      records_.write(static_cast<std::uint8_t>(sample::data | (f.mic_wanted ? sample::send_mic : 0)), f.data);
      break;
    case FrameKind::mic: records_.write(sample::mic, f.token); break;
    case FrameKind::bye: records_.write(sample::noop, Bytes{}); break;
    case FrameKind::results: break;  // gss-sample has no results: the client never asks
  }
  return nullptr;
}

Frame SampleChannel::receive() {
  if (pending_) {
    Frame f = Frame::context_token(std::move(*pending_));
    pending_.reset();
    return f;
  }
  if (role_ == Role::acceptor && accepted_) return receive_message();
  const auto r = records_.read();
  if (role_ == Role::initiator && (r.type & sample::mic) != 0) {
    Frame f = Frame::of(FrameKind::mic);
    f.token = r.payload;
    return f;
  }
  if ((r.type & sample::context) == 0) unexpected(r, "a CONTEXT token");
  return Frame::context_token(r.payload);
}

Frame SampleChannel::receive_message() {
  Record r;
  try {
    r = records_.read();
  } catch (const util::Error& e) {
    // gss-client closes right after its final NOOP; older ones close without it.
    if (e.error_class() == "closed_early" && messages_ > 0) return Frame::of(FrameKind::bye);
    throw;
  }
  if ((r.type & sample::noop) != 0) return Frame::of(FrameKind::bye);
  if ((r.type & sample::data) == 0) unexpected(r, "DATA or NOOP");
  ++messages_;
  Frame f = Frame::of((r.type & sample::wrapped) != 0 ? FrameKind::wrap : FrameKind::plain);
  ((r.type & sample::wrapped) != 0 ? f.token : f.data) = r.payload;
  f.conf = (r.type & sample::encrypted) != 0;
  f.mic_wanted = (r.type & sample::send_mic) != 0;
  return f;
}

}  // namespace authctx::transport

#include "transport/frame.hpp"

#include "transport/channel.hpp"
#include "util/errors.hpp"

namespace authctx::transport {

std::string_view frame_kind_name(FrameKind kind) {
  switch (kind) {
    case FrameKind::token: return "token";
    case FrameKind::accepted: return "accepted";
    case FrameKind::error: return "error";
    case FrameKind::wrap: return "wrap";
    case FrameKind::mic: return "mic";
    case FrameKind::plain: return "plain";
    case FrameKind::bye: return "bye";
    case FrameKind::results: return "results";
  }
  return "?";
}

Frame Frame::context_token(Bytes token) {
  Frame f;
  f.token = std::move(token);
  return f;
}

Frame Frame::acceptance(Bytes final_token, Json report) {
  Frame f;
  f.kind = FrameKind::accepted;
  f.token = std::move(final_token);
  f.body = std::move(report);
  return f;
}

Frame Frame::failure(Json error, Bytes token) {
  Frame f;
  f.kind = FrameKind::error;
  f.body = std::move(error);
  f.token = std::move(token);
  return f;
}

Frame Frame::of(FrameKind kind) {
  Frame f;
  f.kind = kind;
  return f;
}

void unexpected_frame(const Frame& frame, const std::string& expected) {
  throw util::transport_error(
      "malformed_frame",
      "expected " + expected + " but the peer sent a " + std::string(frame_kind_name(frame.kind)) + " frame",
      "a mechanism bug or mismatched framings; see the decoded legs");
}

}  // namespace authctx::transport

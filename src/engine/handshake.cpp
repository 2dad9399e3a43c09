#include "engine/handshake.hpp"

#include "util/errors.hpp"

namespace authctx::engine {
namespace {

using transport::Frame;
using transport::FrameKind;

Side other(Side s) { return s == Side::initiator ? Side::acceptor : Side::initiator; }

Turn failed() { return Turn{{}, false, true, false}; }

}  // namespace

Turn LocalEnd::play(const Turn& in) {
  if (in.failed) return failed();  // the other side's failure is recorded; nothing to step
  if (party_.complete()) {
    if (in.token.empty()) return Turn{{}, true, false, false};
    // Nothing may consume a token that arrives after our context is complete.
    rec_.error(report::protocol_report(side(),
                                       "the " + std::string(report::side_name(other(side()))) +
                                           " sent a token after the " + std::string(report::side_name(side())) +
                                           "'s context was complete",
                                       remote_peer_));
    return failed();
  }
  if (in.token.empty() && (stepped_ || side() == Side::acceptor)) {
    rec_.error(
        report::protocol_report(side(), "one side expects another token but the other has none to send", remote_peer_));
    return failed();
  }
  stepped_ = true;
  auto step = step_and_record(party_, in.token, rec_);
  return Turn{std::move(step.token), step.complete, step.failed, step.failed};
}

Turn RemoteEnd::play(const Turn& ours) {
  if (ours.failed) {
    // Our step failed: the peer hears why, with the failing step's token (a KRB-ERROR).
    // If that cannot be sent, the document already holds the real failure.
    try {
      const int leg = ours.token.empty() ? 0 : rec_.legs();
      rec_.annotate_leg(leg, channel_.send(Frame::failure(report::error_json(*rec_.doc().error), ours.token)));
    } catch (const util::Error& e) {
      if (e.kind() != util::ErrorKind::transport) throw;
    }
    return failed();
  }
  return side_ == Side::acceptor ? play_acceptor(ours) : play_initiator(ours);
}

void RemoteEnd::send_token(const util::Bytes& token) {
  const int leg = rec_.legs();  // step_and_record recorded it just now
  rec_.annotate_leg(leg, channel_.send(Frame::context_token(token)));
}

Turn RemoteEnd::peer_error(const Frame& frame) {
  if (!frame.token.empty()) rec_.leg(report::sent_by(side_), frame.token, frame.meta);
  rec_.error(report::remote_report(frame.body, side_));
  return failed();
}

Turn RemoteEnd::protocol(Side side, const std::string& message) {
  rec_.error(report::protocol_report(side, message, true));
  return failed();
}

Turn RemoteEnd::play_acceptor(const Turn& ours) {
  if (!ours.token.empty()) {
    if (accepted_) return protocol(Side::initiator, "the initiator produced another token after the acceptor accepted");
    send_token(ours.token);
  }
  if (accepted_) return Turn{{}, true, false, false};
  if (ours.complete && !channel_.traits().verdict) {
    accepted_ = true;  // only tokens travel: the exchange ends when our side completes
    return Turn{{}, true, false, false};
  }
  auto f = channel_.receive();
  switch (f.kind) {
    case FrameKind::error: return peer_error(f);
    case FrameKind::token:
      rec_.leg(report::sent_by(side_), f.token, f.meta);
      if (ours.complete)
        return protocol(Side::initiator, "the acceptor sent a token after the initiator's context was complete");
      return Turn{std::move(f.token), false, false, false};
    case FrameKind::accepted:
      accepted_ = true;
      report_ = std::move(f.body);
      if (f.token.empty()) {
        if (!ours.complete)
          return protocol(Side::initiator, "the acceptor finished while the initiator still expects a token");
        return Turn{{}, true, false, false};
      }
      rec_.leg(report::sent_by(side_), f.token, f.meta);
      if (ours.complete)
        return protocol(Side::initiator, "the acceptor sent a token after the initiator's context was complete");
      return Turn{std::move(f.token), true, false, false};  // the final token came with the acceptance
    default: transport::unexpected_frame(f, "a token, accepted or error frame");
  }
}

Turn RemoteEnd::play_initiator(const Turn& ours) {
  if (ours.complete) {  // our acceptor is done: its final token goes with the acceptance
    final_token_ = ours.token;
    final_leg_ = ours.token.empty() ? 0 : rec_.legs();
    return Turn{{}, true, false, false};
  }
  if (!ours.token.empty()) send_token(ours.token);
  auto f = channel_.receive();
  switch (f.kind) {
    case FrameKind::error: return peer_error(f);
    case FrameKind::token:
      if (!f.token.empty()) rec_.leg(report::sent_by(side_), f.token, f.meta);
      return Turn{std::move(f.token), false, false, false};
    default: transport::unexpected_frame(f, "a token or error frame");
  }
}

bool run_handshake(End& initiator, End& acceptor, Recorder& rec) {
  End* ends[2] = {&initiator, &acceptor};
  const bool remote = initiator.remote() || acceptor.remote();
  Turn turn;
  for (int who = 0;; who = 1 - who) {
    if (rec.legs() >= k_max_legs && !turn.token.empty()) {
      const Side stuck = initiator.complete() ? Side::acceptor : Side::initiator;
      rec.error(report::protocol_report(
          stuck, "the handshake did not finish within " + std::to_string(k_max_legs) + " legs", remote));
      return false;
    }
    turn = ends[who]->play(turn);
    if (turn.failed) {
      if (turn.tell_peer) ends[1 - who]->play(turn);
      return false;
    }
    if (initiator.complete() && acceptor.complete() && turn.token.empty()) return true;
    if (turn.token.empty() && !turn.complete) {
      const Side stuck = initiator.complete() ? Side::acceptor : Side::initiator;
      rec.error(
          report::protocol_report(stuck, "one side expects another token but the other has none to send", remote));
      return false;
    }
  }
}

}  // namespace authctx::engine

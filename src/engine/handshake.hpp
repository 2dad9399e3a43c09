// The handshake loop, which reads like the protocol (RFC 2743 §1.1.3):
//   initiator.step(nothing) -> token -> acceptor.step(token) -> token -> initiator.step ...
// until both sides are complete and nothing is left to hand over. Each side is an End: a
// local party, stepped through step_and_record, or the far side of a channel, whose turn
// is to take our token and answer with its frame. `local` is two local ends, a client a
// local initiator and a remote acceptor, a server a remote initiator and a local acceptor:
// one loop for all three. The loop stops at the first failure (a failing local step still
// hands its token to a remote peer, inside an error frame) and after k_max_legs legs.
// Every failure is recorded in the document; the loop returns whether both sides completed.
#pragma once
#include "engine/recorder.hpp"
#include "transport/channel.hpp"

namespace authctx::engine {

inline constexpr int k_max_legs = 32;

// What one side hands the other.
struct Turn {
  util::Bytes token;       // may be empty
  bool complete = false;   // the side's context is complete (a remote acceptor: it accepted)
  bool failed = false;     // it failed; the error is in the document
  bool tell_peer = false;  // a local step failed: a remote peer hears of it (error frame)
};

class End {
 public:
  virtual ~End() = default;
  virtual Side side() const = 0;
  // This side's turn, given what the other side handed over.
  virtual Turn play(const Turn& from_peer) = 0;
  virtual bool complete() const = 0;
  virtual bool remote() const = 0;
};

// A party in this process. remote_peer: protocol errors are transport failures (exit 3),
// as they are across a connection.
class LocalEnd final : public End {
 public:
  LocalEnd(Party& party, Recorder& rec, bool remote_peer) : party_(party), rec_(rec), remote_peer_(remote_peer) {}
  Side side() const override { return party_.side(); }
  Turn play(const Turn& from_peer) override;
  bool complete() const override { return party_.complete(); }
  bool remote() const override { return false; }

 private:
  Party& party_;
  Recorder& rec_;
  bool remote_peer_;
  bool stepped_ = false;
};

// The far side of a channel. For a remote acceptor (client side) its turn sends our token
// and returns its answer, or once our side is complete its verdict (accepted: complete; a
// framing without verdicts: taken as accepted). For a remote initiator (server side) its
// turn sends our token and returns its next one; our final token is held for the
// acceptance, which the server sends once it has described the context.
class RemoteEnd final : public End {
 public:
  RemoteEnd(transport::Channel& channel, Side remote_side, Recorder& rec)
      : channel_(channel), side_(remote_side), rec_(rec) {}
  Side side() const override { return side_; }
  Turn play(const Turn& from_peer) override;
  // A remote acceptor: once it accepted. A remote initiator's state is not ours to know: it
  // is complete when it stops sending.
  bool complete() const override { return side_ == Side::initiator || accepted_; }
  bool remote() const override { return true; }
  // Remote acceptor: its own view of the context, sent with its verdict (null: none).
  const Json& report() const { return report_; }
  // Remote initiator: our acceptor's final token and its leg (0: none), for the acceptance.
  const util::Bytes& final_token() const { return final_token_; }
  int final_leg() const { return final_leg_; }

 private:
  Turn play_acceptor(const Turn& ours);
  Turn play_initiator(const Turn& ours);
  void send_token(const util::Bytes& token);
  Turn peer_error(const transport::Frame& frame);
  Turn protocol(Side side, const std::string& message);

  transport::Channel& channel_;
  Side side_;
  Recorder& rec_;
  bool accepted_ = false;
  Json report_;
  util::Bytes final_token_;
  int final_leg_ = 0;
};

// Runs the loop; true when both sides completed.
bool run_handshake(End& initiator, End& acceptor, Recorder& rec);

}  // namespace authctx::engine

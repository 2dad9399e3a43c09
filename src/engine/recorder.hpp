// Everything the engine writes into a handshake's document, each piece also reported to
// the sink as an event as it happens: legs (decoded once, when recorded), trace lines,
// context views, per-message checks, warnings, the error (classified on the way in). One
// Recorder per document; drivers never touch the document's lists directly.
//
// step_and_record is the one way a party takes a step: step it, collect the trace lines
// the step wrote, record its output token as a leg (a failing step's too: a KRB-ERROR must
// still reach the peer, so the caller sends it), and on failure record the classified
// error. The local, client and server drivers all step through it.
//
// Detail: a full Recorder (the default) does all of the above as it happens. A lean one is
// a load run's hot path (run/load.hpp): legs keep their tokens undecoded and no events are
// built, until the run proves worth keeping: an error decodes the legs (classification reads
// them), and at establishment describe_established() asks the keeper whether to describe the
// context (the first run, a new slowest run); a yes turns the Recorder full from then on.
// Events are built only for sinks that want them (EventSink::wants_events).
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "engine/options.hpp"
#include "engine/party.hpp"
#include "report/document.hpp"
#include "report/sink.hpp"
#include "transport/channel.hpp"

namespace authctx::engine {

using json::Json;
using report::Direction;
using report::ErrorReport;

enum class Detail { full, lean };

class Recorder {
 public:
  // keeper: for a lean Recorder, asked once at establishment with the milliseconds since the
  // document started whether this run is worth describing.
  using Keeper = std::function<bool(double elapsed_ms)>;
  Recorder(report::Document& doc, report::EventSink& sink, const SessionOptions& session, Detail detail = Detail::full,
           Keeper keeper = {})
      : doc_(doc),
        sink_(sink),
        session_(session),
        detail_(detail),
        keeper_(std::move(keeper)),
        events_(sink.wants_events()) {}

  bool detailed() const { return detail_ == Detail::full; }
  // The context is established (its time is noted): true when it is to be described (views,
  // review); a lean Recorder asks its keeper, and turns full on a yes.
  bool describe_established();
  // Turns a lean Recorder full now (its legs decoded).
  void make_full();

  report::Document& doc() { return doc_; }
  const report::Document& doc() const { return doc_; }
  report::EventSink& sink() { return sink_; }
  const SessionOptions& session() const { return session_; }
  report::JsonOptions json_options() const { return {session_.show_secrets, true}; }
  int legs() const { return static_cast<int>(doc_.legs.size()); }
  bool mech_from_initiator() const { return mech_from_initiator_; }
  void set_mech_from_initiator() { mech_from_initiator_ = true; }

  // Records a token as the next leg; returns its index (1-based).
  int leg(Direction direction, util::Bytes token, Json transport = nullptr, std::optional<double> step_ms = {});
  // Attaches the transport's metadata to a leg recorded earlier (the document only: its
  // event has gone).
  void annotate_leg(int index, const Json& transport);
  // With --trace: the library's trace lines written since the last call, tagged with the
  // leg about to be recorded (or with none after the handshake).
  void trace(bool for_next_leg = true);
  // Classifies the error (class and hint from the GSS codes and the legs) and makes it the
  // document's error; a later error replaces an earlier one.
  void error(ErrorReport error);
  void warning(report::Warning warning);
  void notices(std::vector<transport::Notice> notices);
  // One side's own view of the established context.
  void context(Side side, report::ContextView view);
  // The acceptor's view as the server reported it (client side).
  void reported_context(const Json& context);
  // Per-message checks; a peer's error (peer_side) or the first failed check (class
  // integrity_failure) becomes the document's error.
  void messages(std::vector<report::MessageCheck> checks, const std::optional<Json>& peer_error = {},
                Side peer_side = Side::acceptor);
  // A transport's post-establishment phase: its result, notices and error.
  void application(transport::PhaseResult result);

 private:
  void decode_legs();

  report::Document& doc_;
  report::EventSink& sink_;
  const SessionOptions& session_;
  Detail detail_;
  Keeper keeper_;
  bool events_;
  bool mech_from_initiator_ = false;
};

struct Step {
  util::Bytes token;  // for the peer: recorded as a leg, to be sent even when failed
  bool complete = false;
  bool failed = false;  // the classified error is the document's error
};

Step step_and_record(Party& party, std::span<const std::uint8_t> input, Recorder& rec);

}  // namespace authctx::engine

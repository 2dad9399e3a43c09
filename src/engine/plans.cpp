// The per-message plans (plans.hpp). Each plan has two ends: the initiator's, which sends a
// request and checks the answer, and the acceptor's (an Answerer), which checks what came
// and says what to answer. Over a channel the requests and answers are frames; in one
// process the initiator's end hands each request to the answerer directly.
#include "engine/plans.hpp"

#include <functional>
#include <string>

#include "util/errors.hpp"

namespace authctx::engine {
namespace {

using report::Direction;
using report::MessageCheck;
using transport::Frame;
using transport::FrameKind;
using transport::MessagePlan;
using transport::Protection;
using transport::ProtectionError;
using util::Bytes;

constexpr Direction k_i2a = Direction::initiator_to_acceptor;
constexpr Direction k_a2i = Direction::acceptor_to_initiator;

// The message of one check. Over a channel both sides compute the same text; `local` puts
// the direction in it, so each direction protects its own message.
using Payload = std::function<Bytes(int round, std::string_view kind, Direction d)>;

Bytes text_bytes(const std::string& text) { return {text.begin(), text.end()}; }

Bytes network_payload(int round, std::string_view kind, Direction /*d*/) {
  return text_bytes("authctx " + std::string(kind) + " message, round " + std::to_string(round));
}

Bytes local_payload(int round, std::string_view kind, Direction d) {
  return text_bytes("authctx " + std::string(kind) + " round " + std::to_string(round) + " " +
                    std::string(report::direction_name(d)));
}

std::string_view wrap_kind(bool conf) { return conf ? "wrap-conf" : "wrap"; }

MessageCheck check_unwrap(Protection& p, const Bytes& token, const Bytes& expected, bool conf_requested, Direction d) {
  MessageCheck m;
  m.kind = "wrap";
  m.direction = d;
  m.conf_requested = conf_requested;
  m.length = token.size();
  try {
    const auto u = p.unwrap(token);
    m.conf = u.conf;
    m.ok = u.message == expected;
    if (!m.ok) m.error = "unwrapped message differs from what was wrapped";
  } catch (const ProtectionError& e) {
    m.error = e.what();
  }
  return m;
}

MessageCheck check_mic(Protection& p, const Bytes& message, const Bytes& mic, const Bytes& expected, Direction d) {
  MessageCheck m;
  m.kind = "mic";
  m.direction = d;
  m.length = mic.size();
  // A framing that does not carry the message (gss-sample) leaves it empty: the expected one.
  const Bytes& covered = message.empty() ? expected : message;
  if (covered != expected) {
    m.error = "the MIC frame carries another message than expected";
    return m;
  }
  try {
    p.verify_mic(covered, mic);
    m.ok = true;
  } catch (const ProtectionError& e) {
    m.error = e.what();
  }
  return m;
}

// The acceptor's end of a plan: checks each message and says what to answer.
class Answerer {
 public:
  Answerer(MessagePlan plan, Protection& p, Payload payload) : plan_(plan), p_(p), payload_(std::move(payload)) {}
  // The answer to a wrap, mic or plain frame (nullopt: none), after recording its check.
  std::optional<Frame> answer(const Frame& in);
  bool stopped() const { return stopped_; }  // a failed message ends the wrap_mic plan
  std::vector<MessageCheck> checks;

 private:
  std::optional<Frame> answer_authctx(const Frame& in);
  std::optional<Frame> answer_wrap_mic(const Frame& in);

  MessagePlan plan_;
  Protection& p_;
  Payload payload_;
  int round_ = 1;
  int in_round_ = 0;
  bool stopped_ = false;
};

std::optional<Frame> Answerer::answer(const Frame& in) {
  if (plan_ == MessagePlan::authctx) return answer_authctx(in);
  return answer_wrap_mic(in);
}

std::optional<Frame> Answerer::answer_authctx(const Frame& in) {
  Frame reply = Frame::of(in.kind);
  if (in.kind == FrameKind::wrap) {
    const auto kind = wrap_kind(in.conf);
    checks.push_back(check_unwrap(p_, in.token, payload_(round_, kind, k_i2a), in.conf, k_i2a));
    // Answer with our own wrap, so the initiator checks this direction; an empty token when
    // we cannot wrap (its check then fails).
    reply.conf = in.conf;
    try {
      reply.token = p_.wrap(in.conf, payload_(round_, kind, k_a2i)).token;
    } catch (const ProtectionError&) {}
  } else if (in.kind == FrameKind::mic) {
    checks.push_back(check_mic(p_, in.data, in.token, payload_(round_, "mic", k_i2a), k_i2a));
    reply.data = payload_(round_, "mic", k_a2i);
    try {
      reply.token = p_.get_mic(reply.data);
    } catch (const ProtectionError&) {}
  } else {
    transport::unexpected_frame(in, "a wrap, mic or bye frame");
  }
  if (++in_round_ == 3) {
    in_round_ = 0;
    ++round_;
  }
  return reply;
}

// gss-sample's server: unwrap (or take a plain message), then MIC the plaintext if asked.
std::optional<Frame> Answerer::answer_wrap_mic(const Frame& in) {
  if (in.kind != FrameKind::wrap && in.kind != FrameKind::plain) transport::unexpected_frame(in, "a wrap or bye frame");
  MessageCheck check;
  check.kind = in.kind == FrameKind::wrap ? "wrap" : "plain";
  check.direction = k_i2a;
  check.conf_requested = in.conf;
  check.length = in.kind == FrameKind::wrap ? in.token.size() : in.data.size();
  Bytes plaintext = in.data;
  try {
    if (in.kind == FrameKind::wrap) {
      auto u = p_.unwrap(in.token);
      plaintext = std::move(u.message);
      check.conf = u.conf;
      if (in.conf && !u.conf) check.error = "the message was not encrypted as flagged";
    }
    check.ok = check.error.empty();
  } catch (const ProtectionError& e) {
    check.error = e.what();
  }
  checks.push_back(check);
  if (!check.ok) {
    stopped_ = true;  // nothing to answer with: the initiator sees the connection end
    return std::nullopt;
  }
  if (!in.mic_wanted) return std::nullopt;
  MessageCheck sent;
  sent.kind = "mic";
  sent.direction = k_a2i;
  Frame reply = Frame::of(FrameKind::mic);
  try {
    reply.token = p_.get_mic(plaintext);
    sent.length = reply.token.size();
    sent.ok = true;
  } catch (const ProtectionError& e) {
    sent.error = e.what();
    stopped_ = true;
  }
  checks.push_back(sent);
  if (!sent.ok) return std::nullopt;
  return reply;
}

// Sends a request and returns the answer: over a channel, or to an answerer in this process.
using Exchange = std::function<Frame(const Frame&)>;

// The initiator's end of the authctx plan. Returns its own checks (of the acceptor's
// answers); a peer's error frame ends the rounds.
std::vector<MessageCheck> ask_authctx(Protection& p, int rounds, const Payload& payload, const Exchange& exchange,
                                      std::optional<json::Json>& peer_error) {
  std::vector<MessageCheck> mine;
  auto answer_or_error = [&](const Frame& request, FrameKind want) -> std::optional<Frame> {
    auto reply = exchange(request);
    if (reply.kind == FrameKind::error) {
      peer_error = reply.body;
      return std::nullopt;
    }
    if (reply.kind != want)
      transport::unexpected_frame(reply, std::string("a ") + std::string(frame_kind_name(want)) + " frame");
    return reply;
  };
  try {
    for (int round = 1; round <= rounds; ++round) {
      for (const bool conf : {true, false}) {
        Frame request = Frame::of(FrameKind::wrap);
        request.conf = conf;
        request.token = p.wrap(conf, payload(round, wrap_kind(conf), k_i2a)).token;
        const auto reply = answer_or_error(request, FrameKind::wrap);
        if (!reply) return mine;
        mine.push_back(check_unwrap(p, reply->token, payload(round, wrap_kind(conf), k_a2i), conf, k_a2i));
      }
      Frame request = Frame::of(FrameKind::mic);
      request.data = payload(round, "mic", k_i2a);
      request.token = p.get_mic(request.data);
      const auto reply = answer_or_error(request, FrameKind::mic);
      if (!reply) return mine;
      mine.push_back(check_mic(p, reply->data, reply->token, payload(round, "mic", k_a2i), k_a2i));
    }
  } catch (const ProtectionError& e) {
    MessageCheck failed;  // our own wrap or MIC failed: no request to send
    failed.kind = e.stage() == "get_mic" ? "mic" : "wrap";
    failed.error = e.what();
    mine.push_back(failed);
  }
  return mine;
}

// As `local` lists them: per round, the acceptor's three checks of the initiator's messages,
// then the initiator's three of the acceptor's answers.
std::vector<MessageCheck> interleave(const std::vector<MessageCheck>& theirs, const std::vector<MessageCheck>& mine,
                                     int rounds) {
  std::vector<MessageCheck> out;
  std::size_t t = 0;
  std::size_t m = 0;
  for (int round = 1; round <= rounds; ++round) {
    for (int k = 0; k < 3 && t < theirs.size(); ++k) out.push_back(theirs[t++]);
    for (int k = 0; k < 3 && m < mine.size(); ++k) out.push_back(mine[m++]);
  }
  while (t < theirs.size()) out.push_back(theirs[t++]);
  while (m < mine.size()) out.push_back(mine[m++]);
  return out;
}

// The initiator's end of the wrap_mic plan: its wrap (proved by the acceptor's MIC over the
// plaintext) and the MIC itself, per round.
std::vector<MessageCheck> ask_wrap_mic(Protection& p, int rounds, transport::Channel& channel) {
  std::vector<MessageCheck> out;
  for (int round = 1; round <= rounds; ++round) {
    const auto msg = network_payload(round, "wrap-conf", k_i2a);
    MessageCheck sent;
    sent.kind = "wrap";
    sent.direction = k_i2a;
    sent.conf_requested = true;
    MessageCheck mic;
    mic.kind = "mic";
    mic.direction = k_a2i;
    try {
      const auto w = p.wrap(true, msg);
      sent.length = w.token.size();
      sent.conf = w.conf_applied;
      Frame request = Frame::of(FrameKind::wrap);
      request.conf = true;
      request.token = w.token;
      channel.send(request);
      const auto reply = channel.receive();
      if (reply.kind != FrameKind::mic) transport::unexpected_frame(reply, "a mic frame");
      mic.length = reply.token.size();
      p.verify_mic(msg, reply.token);
      mic.ok = sent.ok = true;
    } catch (const ProtectionError& e) {
      mic.error = e.what();
      sent.error = "the acceptor's MIC over the message did not verify";
    }
    out.push_back(sent);
    out.push_back(mic);
  }
  return out;
}
}  // namespace

PlanOutcome run_plan_initiator(transport::Channel& channel, Protection& protection, int rounds) {
  const auto& traits = channel.traits();
  PlanOutcome out;
  if (traits.plan == MessagePlan::none) return out;
  if (traits.plan == MessagePlan::wrap_mic) {
    out.checks = ask_wrap_mic(protection, rounds, channel);
    channel.send(Frame::of(FrameKind::bye));
    return out;
  }
  // No rounds announced (HELLO said 0): nothing follows the acceptance, the client just
  // closes (man authctx(1), THE AUTHCTX FRAMING), saving the BYE/RESULTS round trip.
  if (rounds == 0) return out;
  const auto mine = ask_authctx(
      protection, rounds, network_payload,
      [&](const Frame& request) {
        channel.send(request);
        return channel.receive();
      },
      out.peer_error);
  if (out.peer_error) {  // the acceptor has closed: no bye
    out.checks = mine;
    return out;
  }
  channel.send(Frame::of(FrameKind::bye));
  std::vector<MessageCheck> theirs;
  if (traits.results) {
    const auto results = channel.receive();
    if (results.kind != FrameKind::results) transport::unexpected_frame(results, "a results frame");
    for (const auto& j : results.body) theirs.push_back(message_from_json(j));
  }
  out.checks = interleave(theirs, mine, rounds);
  return out;
}

PlanOutcome run_plan_acceptor(transport::Channel& channel, Protection& protection) {
  const auto& traits = channel.traits();
  PlanOutcome out;
  if (traits.plan == MessagePlan::none) return out;
  Answerer answerer(traits.plan, protection, network_payload);
  // Bounded: the authctx plan's client allows at most 1000 rounds of 3 frames each; a
  // gss-sample client (gss-client -mcount) is bounded by its user, so we bound it too.
  const int limit = traits.plan == MessagePlan::authctx ? 3 * 1000 + 1 : 100000;
  // A client that announced no rounds may simply close; one that sends BYE anyway (as
  // earlier authctx clients did) still gets its RESULTS.
  const bool may_end = traits.plan == MessagePlan::authctx && channel.announced_rounds() == 0;
  for (int frames = 0; frames < limit; ++frames) {
    auto next = may_end && frames == 0 ? channel.receive_or_end() : std::optional<Frame>(channel.receive());
    if (!next) return out;
    const auto& f = *next;
    if (f.kind == FrameKind::bye) {
      out.checks = std::move(answerer.checks);
      if (traits.results) {
        Frame results = Frame::of(FrameKind::results);
        results.body = json::Json::array();
        for (const auto& c : out.checks) results.body.push_back(report::message_json(c));
        channel.send(results);
      }
      return out;
    }
    if (f.kind == FrameKind::error) {
      out.checks = std::move(answerer.checks);
      out.peer_error = f.body;
      return out;
    }
    const auto reply = answerer.answer(f);
    if (reply) channel.send(*reply);
    if (answerer.stopped()) break;
  }
  out.checks = std::move(answerer.checks);
  if (!answerer.stopped())
    throw util::transport_error("protocol_error",
                                "the client sent more per-message frames than authctx accepts on one "
                                "connection");
  return out;
}

std::vector<MessageCheck> run_plan_in_process(Protection& initiator, Protection& acceptor, int rounds) {
  Answerer answerer(MessagePlan::authctx, acceptor, local_payload);
  std::optional<json::Json> peer_error;
  const auto mine = ask_authctx(
      initiator, rounds, local_payload, [&](const Frame& request) { return *answerer.answer(request); }, peer_error);
  return interleave(answerer.checks, mine, rounds);
}

MessageCheck message_from_json(const json::Json& j) {
  MessageCheck m;
  if (!j.is_object()) return m;
  m.kind = j.value("kind", "");
  m.direction = j.value("direction", "") == "acceptor->initiator" ? k_a2i : k_i2a;
  m.conf_requested = j.value("conf_requested", false);
  m.conf = j.value("conf", false);
  m.ok = j.value("ok", false);
  m.length = j.value("length", std::size_t{0});
  m.error = j.value("error", "");
  return m;
}

}  // namespace authctx::engine

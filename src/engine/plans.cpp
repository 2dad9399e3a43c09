#include "engine/plans.hpp"

#include <string>

namespace authctx::core {
namespace {

gss::Bytes payload(int round, Direction d, std::string_view kind) {
  const std::string text = "authctx " + std::string(kind) + " round " + std::to_string(round) + " " +
                           std::string(direction_name(d));
  return {text.begin(), text.end()};
}

std::string failure_text(const gss::GssError& e) {
  return e.stage() + ": " + (e.minor_text().empty() ? (e.major_text().empty() ? "" : e.major_text().front())
                                                    : e.minor_text());
}

MessageCheck wrap_check(const Party& from, const Party& to, Direction d, bool conf, int round) {
  MessageCheck m;
  m.kind = "wrap";
  m.direction = d;
  m.conf_requested = conf;
  const auto msg = payload(round, d, conf ? "wrap-conf" : "wrap");
  try {
    const auto w = gss::wrap(from.context(), conf, msg);
    m.length = w.token.size();
    m.conf = w.conf_applied;
    const auto u = gss::unwrap(to.context(), w.token);
    m.ok = u.message == msg && u.conf == w.conf_applied;
    if (!m.ok) m.error = "unwrapped message differs from what was wrapped";
  } catch (const gss::GssError& e) {
    m.error = failure_text(e);
  }
  return m;
}

MessageCheck mic_check(const Party& from, const Party& to, Direction d, int round) {
  MessageCheck m;
  m.kind = "mic";
  m.direction = d;
  const auto msg = payload(round, d, "mic");
  try {
    const auto mic = gss::get_mic(from.context(), msg);
    m.length = mic.size();
    gss::verify_mic(to.context(), msg, mic);
    m.ok = true;
  } catch (const gss::GssError& e) {
    m.error = failure_text(e);
  }
  return m;
}
}  // namespace

std::vector<MessageCheck> run_message_checks(const Party& initiator, const Party& acceptor, int rounds) {
  std::vector<MessageCheck> out;
  for (int round = 1; round <= rounds; ++round) {
    for (const auto d : {Direction::initiator_to_acceptor, Direction::acceptor_to_initiator}) {
      const Party& from = d == Direction::initiator_to_acceptor ? initiator : acceptor;
      const Party& to = d == Direction::initiator_to_acceptor ? acceptor : initiator;
      out.push_back(wrap_check(from, to, d, true, round));
      out.push_back(wrap_check(from, to, d, false, round));
      out.push_back(mic_check(from, to, d, round));
    }
  }
  return out;
}

}  // namespace authctx::core

#include "run/replay.hpp"

#include <sstream>

#include "engine/established.hpp"
#include "engine/party.hpp"
#include "engine/recorder.hpp"
#include "engine/session.hpp"
#include "run/document.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::run {
namespace {

using json::Json;
using report::Direction;
using report::Side;

util::Error transcript_error(const std::filesystem::path& path, const std::string& why) {
  return {util::ErrorKind::decode, "transcript_unusable", "cannot replay " + path.string() + ": " + why,
          "give a document written by `authctx local|client|server --record FILE`"};
}

// The initiator tokens of one document, or nullopt if it is not an authctx document.
std::optional<std::vector<util::Bytes>> initiator_tokens(const Json& doc) {
  if (!doc.is_object() || doc.value("schema", "") != "authctx/1" || !doc.contains("legs") || !doc["legs"].is_array())
    return std::nullopt;
  std::vector<util::Bytes> out;
  for (const auto& leg : doc["legs"]) {
    if (!leg.is_object() || leg.value("direction", "") != "initiator->acceptor") continue;
    if (!leg.contains("base64") || !leg["base64"].is_string()) return std::nullopt;
    auto t = util::base64_decode(leg["base64"].get<std::string>());
    if (!t) return std::nullopt;
    out.push_back(std::move(*t));
  }
  return out;
}

// Feeds the tokens to the acceptor in order until it completes or fails; how many it took.
std::size_t feed(engine::Acceptor& acceptor, const std::vector<util::Bytes>& tokens, engine::Recorder& rec) {
  std::size_t fed = 0;
  for (const auto& token : tokens) {
    ++fed;
    rec.leg(Direction::initiator_to_acceptor, token);
    const auto step = engine::step_and_record(acceptor, token, rec);
    if (step.failed || acceptor.complete()) break;
  }
  if (!rec.doc().error && !acceptor.complete()) {
    report::ErrorReport r;
    r.stage = "accept_sec_context";
    r.side = Side::acceptor;
    r.message = "the transcript's " + std::to_string(tokens.size()) +
                " initiator token(s) did not complete the acceptor's context";
    r.cls = "protocol_error";
    r.hint = "the acceptor still expects a token: a recording holds answers to the original acceptor, not this one";
    rec.error(std::move(r));
  }
  return fed;
}
}  // namespace

Transcript load_transcript(const std::filesystem::path& path) {
  const auto text = util::read_file(path);
  std::vector<Json> docs;
  auto whole = Json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    docs.push_back(std::move(whole));
  } else {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = Json::parse(line, nullptr, false);
      if (j.is_discarded()) throw transcript_error(path, "it is not JSON (nor JSON documents one per line)");
      docs.push_back(std::move(j));
    }
  }
  bool any_document = false;
  for (auto& d : docs) {
    auto tokens = initiator_tokens(d);
    if (!tokens) continue;
    any_document = true;
    if (tokens->empty()) continue;
    return Transcript{std::move(d), std::move(*tokens)};
  }
  throw transcript_error(path, any_document ? "its documents hold no initiator->acceptor token (a --count summary "
                                              "or a run that failed before its first token?)"
                                            : "it holds no authctx/1 document with legs");
}

report::Document run_replay(const std::filesystem::path& path, const engine::AcceptorOptions& acc,
                            const engine::SessionOptions& session, report::EventSink& sink) {
  const auto transcript = load_transcript(path);
  auto doc = new_document("replay", "transcript:" + path.string());
  doc.acceptor_keys = engine::acceptor_keys(acc);
  engine::Recorder rec(doc, sink, session);
  std::size_t fed = 0;
  try {
    engine::Acceptor acceptor(acc);
    fed = feed(acceptor, transcript.tokens, rec);
    if (!doc.error) {
      doc.established = true;
      engine::record_contexts(rec, nullptr, &acceptor);
      engine::review(rec, engine::Review{nullptr, &acc});
      rec.warning({"replay_accepted",
                   "the acceptor accepted " + std::string(fed < transcript.tokens.size() ? "part of " : "") +
                       "a recorded exchange: replayed tokens were not refused",
                   "its replay cache is off (KRB5RCACHETYPE=none), does not persist (KRB5RCACHEDIR), or the "
                   "recording was never accepted by this service before"});
    }
  } catch (const gss::GssError& e) {
    rec.error(report::gss_report(e, Side::acceptor));
  }
  auto j = finish_document(rec);
  j["replay"] = Json{{"transcript", path.string()},
                     {"recorded_command", transcript.document.value("command", "")},
                     {"recorded_established", transcript.document.value("established", false)},
                     {"recorded_initiator_tokens", transcript.tokens.size()},
                     {"replayed_tokens", fed}};
  sink.document(j);
  return doc;
}

}  // namespace authctx::run

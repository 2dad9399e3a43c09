#include "run/replay.hpp"

#include <sstream>

#include "util/errors.hpp"
#include "engine/established.hpp"
#include "engine/party.hpp"
#include "util/base64.hpp"
#include "util/files.hpp"

namespace authctx::core {
namespace {

using SteadyClock = std::chrono::steady_clock;

Error transcript_error(const std::filesystem::path& path, const std::string& why) {
  return Error(ErrorKind::decode, "transcript_unusable", "cannot replay " + path.string() + ": " + why,
               "give a document written by `authctx local|client|server --record FILE`");
}

// The initiator tokens of one document, or nullopt if it is not an authctx document.
std::optional<std::vector<gss::Bytes>> initiator_tokens(const Json& doc) {
  if (!doc.is_object() || doc.value("schema", "") != "authctx/1" || !doc.contains("legs") || !doc["legs"].is_array())
    return std::nullopt;
  std::vector<gss::Bytes> out;
  for (const auto& leg : doc["legs"]) {
    if (!leg.is_object() || leg.value("direction", "") != "initiator->acceptor") continue;
    if (!leg.contains("base64") || !leg["base64"].is_string()) return std::nullopt;
    auto t = util::base64_decode(leg["base64"].get<std::string>());
    if (!t) return std::nullopt;
    out.push_back(std::move(*t));
  }
  return out;
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

Document run_replay(const std::filesystem::path& path, const AcceptorOptions& acc, const SessionOptions& session,
                    EventSink& sink) {
  const auto transcript = load_transcript(path);
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "replay";
  doc.peer = "transcript:" + path.string();
  std::size_t fed = 0;
  auto finish = [&]() -> Document {
    doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    auto j = document_json(doc, event_options(session));
    j["replay"] = Json{{"transcript", path.string()},
                       {"recorded_command", transcript.document.value("command", "")},
                       {"recorded_established", transcript.document.value("established", false)},
                       {"recorded_initiator_tokens", transcript.tokens.size()},
                       {"replayed_tokens", fed}};
    sink.document(j);
    return std::move(doc);
  };

  std::unique_ptr<Acceptor> acceptor;
  try {
    acceptor = std::make_unique<Acceptor>(acc);
  } catch (const gss::GssError& e) {
    record_error(doc, gss_report(e, Side::acceptor), sink);
    return finish();
  }
  for (const auto& token : transcript.tokens) {
    ++fed;
    add_leg(doc, Direction::initiator_to_acceptor, token, session, sink);
    auto a = acceptor->step(token);
    if (!a.mech.empty()) doc.mech = a.mech;
    if (!a.token.empty()) add_leg(doc, Direction::acceptor_to_initiator, a.token, session, sink);
    if (a.error) {
      record_error(doc, gss_report(*a.error, Side::acceptor), sink);
      return finish();
    }
    if (acceptor->complete()) break;
  }
  if (!acceptor->complete()) {
    ErrorReport r;
    r.stage = "accept_sec_context";
    r.side = Side::acceptor;
    r.message = "the transcript's " + std::to_string(transcript.tokens.size()) +
                " initiator token(s) did not complete the acceptor's context";
    r.cls = "protocol_error";
    r.hint = "the acceptor still expects a token: a recording holds answers to the original acceptor, not this one";
    record_error(doc, std::move(r), sink);
    return finish();
  }
  doc.established = true;
  finish_established(doc, nullptr, acceptor.get(), SessionOptions{0, session.show_secrets, {}}, sink);
  Warning w{"replay_accepted",
            "the acceptor accepted " + std::string(fed < transcript.tokens.size() ? "part of " : "") +
                "a recorded exchange: replayed tokens were not refused",
            "its replay cache is off (KRB5RCACHETYPE=none), does not persist (KRB5RCACHEDIR), or the recording "
            "was never accepted by this service before"};
  sink.event("warning", warning_json(w));
  doc.warnings.push_back(std::move(w));
  return finish();
}

}  // namespace authctx::core

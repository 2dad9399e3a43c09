#include "core/client.hpp"

#include <algorithm>
#include <cmath>

#include "core/channel.hpp"
#include "core/errors.hpp"
#include "core/handshake.hpp"
#include "core/session.hpp"

namespace authctx::core {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Tags each event of run i (jsonl) and keeps the per-run documents out of the output.
class RunSink final : public EventSink {
 public:
  RunSink(EventSink& inner, int run) : inner_(inner), run_(run) {}
  void event(std::string_view name, const Json& body) override {
    Json tagged = body;
    tagged["run"] = run_;
    inner_.event(name, tagged);
  }
  void document(const Json&) override {}

 private:
  EventSink& inner_;
  int run_;
};

Document one_run(const ClientOptions& client, const InitiatorOptions& init, const SessionOptions& session,
                 EventSink& sink) {
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "client";
  doc.requested_mech = init.mech;
  doc.target = init.target;
  try {
    auto socket = connect_to(client.endpoint, client.timeout);
    doc.peer = socket.peer();
    FrameStream stream(socket, client.framing, client.max_token_size, client.timeout);
    auto channel = make_client_channel(client.framing, stream);
    run_client_session(init, *channel, session, sink, doc);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::transport) throw;
    record_error(doc, transport_report(e), sink);
  }
  doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  return doc;
}
}  // namespace

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

ClientOutcome run_client(const ClientOptions& client, const InitiatorOptions& init, const SessionOptions& session,
                         EventSink& sink) {
  const auto options = event_options(session);
  ClientOutcome outcome;
  if (client.count <= 1) {
    const auto doc = one_run(client, init, session, sink);
    sink.document(document_json(doc, options));
    outcome.all_established = doc.established && !doc.error;
    outcome.first_error = doc.error;
    return outcome;
  }
  std::vector<double> times;
  int established = 0;
  Json first_failure = nullptr;
  Json mech = nullptr;
  const auto started = SteadyClock::now();
  for (int run = 1; run <= client.count; ++run) {
    RunSink run_sink(sink, run);
    const auto doc = one_run(client, init, session, run_sink);
    times.push_back(doc.elapsed_ms);
    if (doc.established && !doc.error) {
      ++established;
      if (mech.is_null()) mech = mech_json(doc.mech);
    } else if (!outcome.first_error) {
      outcome.first_error = doc.error;
      first_failure = Json{{"run", run}, {"error", doc.error ? error_json(*doc.error) : Json(nullptr)}};
    }
  }
  const double total_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  std::sort(times.begin(), times.end());
  outcome.all_established = established == client.count;
  Json doc;
  doc["schema"] = "authctx/1";
  doc["command"] = "client";
  doc["established"] = outcome.all_established;
  doc["mech"] = mech;
  doc["requested_mech"] = mech_json(init.mech);
  doc["summary"] = Json{{"runs", client.count},
                        {"established", established},
                        {"failed", client.count - established},
                        {"min_ms", times.front()},
                        {"median_ms", percentile(times, 50)},
                        {"p95_ms", percentile(times, 95)},
                        {"max_ms", times.back()},
                        {"total_ms", total_ms},
                        {"handshakes_per_second", total_ms > 0 ? client.count * 1000.0 / total_ms : 0.0}};
  doc["first_failure"] = first_failure;
  doc["error"] = outcome.first_error ? error_json(*outcome.first_error) : Json(nullptr);
  sink.document(doc);
  return outcome;
}

}  // namespace authctx::core

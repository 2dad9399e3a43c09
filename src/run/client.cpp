#include "run/client.hpp"

#include <algorithm>
#include <cmath>

#include "engine/session.hpp"
#include "run/document.hpp"
#include "transport/tcp_channel.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;
using SteadyClock = std::chrono::steady_clock;

// One connection, one handshake; the document is returned (and given to sink).
report::Document one_run(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink) {
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  doc.target = init.target;
  engine::Recorder rec(doc, sink, session);
  try {
    auto socket = net::connect_to(client.endpoint, client.timeout);
    doc.peer = socket.peer();
    transport::TcpChannel channel(socket, transport::Role::initiator,
                                  {client.framing, client.max_token_size, client.timeout, nullptr, session.messages});
    engine::run_client(rec, init, channel);
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
  sink.document(finish_document(rec));
  return doc;
}
}  // namespace

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

ClientOutcome run_client(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink) {
  ClientOutcome outcome;
  if (client.count <= 1) {
    const auto doc = one_run(client, init, session, sink);
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
    // Each run's events carry its number (jsonl); its own document stays out of the output.
    TaggedSink run_sink(sink, "run", run, true);
    const auto doc = one_run(client, init, session, run_sink);
    sink.run_document(run, doc);
    times.push_back(doc.elapsed_ms);
    if (doc.established && !doc.error) {
      ++established;
      if (mech.is_null()) mech = report::mech_json(doc.mech);
    } else if (!outcome.first_error) {
      outcome.first_error = doc.error;
      first_failure = Json{{"run", run}, {"error", doc.error ? report::error_json(*doc.error) : Json(nullptr)}};
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
  doc["requested_mech"] = report::mech_json(init.mech);
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
  doc["error"] = outcome.first_error ? report::error_json(*outcome.first_error) : Json(nullptr);
  sink.document(doc);
  return outcome;
}

}  // namespace authctx::run

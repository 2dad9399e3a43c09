#include "run/server_pool.hpp"

#include <optional>

#include "engine/session.hpp"
#include "run/document.hpp"
#include "transport/authctx_channel.hpp"
#include "transport/tcp_channel.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;

report::Document serve(ReadyConnection& conn, const ServerContext& ctx, const std::atomic<bool>& cut_off) {
  const bool every = ctx.server.documents == Documents::all;
  report::NullSink quiet;
  TaggedSink tagged(ctx.sink, "connection", conn.id, false);
  report::EventSink& sink = every ? static_cast<report::EventSink&>(tagged) : quiet;
  auto doc = new_document("server", conn.peer);
  doc.started = conn.accepted;
  if (sink.wants_events()) sink.event("connection", Json{{"peer", doc.peer}});
  const transport::TcpOptions options{ctx.server.framing, ctx.server.max_token_size, ctx.server.timeout, &cut_off, 0};
  std::optional<transport::TcpChannel> channel;
  // --documents failures: a successful connection is only counted; the context is described
  // only when the client wants the acceptor's view.
  engine::Recorder rec(doc, sink, ctx.session, every ? engine::Detail::full : engine::Detail::lean,
                       [&](double) { return ctx.session.report && channel && channel->report_wanted(); });
  try {
    channel.emplace(conn.socket, transport::Role::acceptor, options, std::move(conn.received));
    engine::run_server(rec, ctx.acceptor, *channel, ctx.credential);
  } catch (const util::Error& e) {
    // Whatever ends one connection (a set-up error too) ends only that connection: it is
    // reported as the connection's failure, and the server goes on serving.
    auto r = report::error_report(e);
    r.stage = "transport";
    r.transport = true;
    rec.error(std::move(r));
  } catch (const std::exception& e) {
    rec.error(report::internal_report("server", e));
  }
  channel.reset();  // what it still holds goes out now
  if (every || doc.error || !doc.established) {
    Json j = finish_document(rec);
    j["connection"] = conn.id;
    tagged.document(j);
  }
  return doc;
}
}  // namespace

void ServerTally::add(const report::Document& doc) {
  std::lock_guard lock(mutex_);
  if (doc.established && !doc.error) ++established_;
  last_error_ = doc.error;
}

void ServerTally::add(const report::ErrorReport& error) {
  std::lock_guard lock(mutex_);
  last_error_ = error;
}

ServerOutcome ServerTally::outcome() const {
  std::lock_guard lock(mutex_);
  ServerOutcome out;
  out.connections = connections_.load();
  out.established = established_;
  out.last_error = last_error_;
  return out;
}

void write_unserved(const ServerContext& ctx, ServerTally& tally, int id, const std::string& peer,
                    report::SteadyClock::time_point accepted, const util::Error& e) {
  TaggedSink sink(ctx.sink, "connection", id, false);
  auto doc = new_document("server", peer);
  doc.started = accepted;
  if (sink.wants_events()) sink.event("connection", Json{{"peer", doc.peer}});
  engine::Recorder rec(doc, sink, ctx.session);
  auto r = report::error_report(e);
  r.stage = "transport";
  r.transport = true;
  rec.error(std::move(r));
  Json j = finish_document(rec);
  j["connection"] = id;
  sink.document(j);
  tally.add(*doc.error);
}

WorkerPool::WorkerPool(const ServerContext& context, ServerTally& tally, int workers)
    : context_(context), tally_(tally), queue_limit_(static_cast<std::size_t>(workers)) {
  threads_.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { finish(std::chrono::milliseconds(0)); }

int WorkerPool::in_flight() const {
  std::lock_guard lock(mutex_);
  return busy_ + static_cast<int>(queue_.size());
}

void WorkerPool::submit(ReadyConnection connection) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() < queue_limit_ && !stopping_) {
      queue_.push_back(std::move(connection));
      wake_.notify_one();
      return;
    }
  }
  refuse(std::move(connection));
}

// Every worker busy and as many waiting: say so at once rather than leave the client
// waiting for a slot that a stalled peer may hold until --timeout.
void WorkerPool::refuse(ReadyConnection conn) {
  const auto e = util::transport_error(
      "server_busy",
      "refused: all " + std::to_string(threads_.size()) + " connection slots are busy and as many connections wait",
      "retry later, or start the server with a larger --max-connections");
  if (context_.server.framing == transport::Framing::authctx) {
    try {
      transport::SocketRecords records(conn.socket, transport::Framing::authctx, context_.server.max_token_size,
                                       std::chrono::milliseconds(100));
      transport::AuthctxChannel channel(records, transport::Role::acceptor);
      channel.send(transport::Frame::failure(report::error_json(report::error_report(e)), {}));
      records.flush();
    } catch (const util::Error&) {
      // The client left already: its document still says it was refused.
    }
  }
  write_unserved(context_, tally_, conn.id, conn.peer, conn.accepted, e);
}

void WorkerPool::work() {
  for (;;) {
    ReadyConnection conn;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      conn = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    const auto doc = serve(conn, context_, cut_off_);
    tally_.add(doc);
    conn.socket = net::Socket();  // closed before the slot frees
    std::lock_guard lock(mutex_);
    --busy_;
    idle_.notify_all();
  }
}

void WorkerPool::finish(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
    // Queued connections are served too: their clients sent their first record already.
    idle_.wait_for(lock, grace, [&] { return busy_ == 0 && queue_.empty(); });
  }
  cut_off_.store(true);  // every wait on a connection now ends with "aborted"
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace authctx::run

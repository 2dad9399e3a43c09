// The server's workers (internal to src/run): a fixed pool of --max-connections threads,
// started once, each serving one connection at a time to the end (its document to the sink,
// serialised). The gate (server.cpp) hands over connections whose first record has
// arrived; when every worker is busy, up to as many more wait in a queue, and beyond that a
// connection is refused at once: an ERROR frame with class server_busy (authctx framing;
// gss-sample has no way to say it, so the connection just closes) and a document saying
// so. Every connection shares one acceptor credential (engine/credentials.hpp).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/credentials.hpp"
#include "report/sink.hpp"
#include "run/server.hpp"

namespace authctx::run {

// A connection that has sent its first record (or enough of it to be judged).
struct ReadyConnection {
  int id = 0;
  net::Socket socket;
  std::string peer;
  util::Bytes received;  // read so far, starting with the first record
  report::SteadyClock::time_point accepted;
};

// What every connection's session needs; outlives the pool.
struct ServerContext {
  const ServerOptions& server;
  const engine::AcceptorOptions& acceptor;
  const engine::SessionOptions& session;
  std::shared_ptr<const engine::AcceptorCredential> credential;  // null: each connection acquires
  report::EventSink& sink;                                       // thread-safe
};

// Counts what the connections came to (thread-safe).
class ServerTally {
 public:
  void add(const report::Document& doc);
  void add(const report::ErrorReport& error);
  void accepted() { ++connections_; }
  ServerOutcome outcome() const;

 private:
  mutable std::mutex mutex_;
  std::atomic<int> connections_{0};
  int established_ = 0;
  std::optional<report::ErrorReport> last_error_;
};

class WorkerPool {
 public:
  WorkerPool(const ServerContext& context, ServerTally& tally, int workers);
  ~WorkerPool();  // cuts off what is still running and joins the workers
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a connection, or refuses it at once when the queue is full.
  void submit(ReadyConnection connection);
  // Connections being served or waiting for a worker.
  int in_flight() const;
  // Waits up to grace for the connections in flight, then cuts off the rest (every wait
  // on them ends with "aborted") and joins the workers.
  void finish(std::chrono::milliseconds grace);

 private:
  void work();
  void refuse(ReadyConnection connection);

  const ServerContext& context_;
  ServerTally& tally_;
  std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<ReadyConnection> queue_;
  int busy_ = 0;
  bool stopping_ = false;
  std::atomic<bool> cut_off_{false};
  std::vector<std::thread> threads_;
};

// A connection that never became a session (silent, closed or reset before its first
// record, refused, or cut off while waiting): its document, with e as the transport error,
// counted in tally.
void write_unserved(const ServerContext& context, ServerTally& tally, int id, const std::string& peer,
                    report::SteadyClock::time_point accepted, const util::Error& e);

}  // namespace authctx::run

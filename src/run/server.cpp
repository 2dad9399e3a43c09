#include "run/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <list>
#include <mutex>
#include <thread>

#include "engine/session.hpp"
#include "run/document.hpp"
#include "transport/tcp_channel.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;
using report::EventSink;

using SteadyClock = std::chrono::steady_clock;

// Self-pipe: the signal handler only writes a byte; the accept loop polls the read end.
int g_signal_pipe[2] = {-1, -1};
std::atomic<bool> g_signalled{false};

extern "C" void on_stop_signal(int) {
  g_signalled.store(true);
  if (g_signal_pipe[1] >= 0) {
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signal_pipe[1], &c, 1);
  }
}

void install_signal_handlers() {
  if (g_signal_pipe[0] < 0 && ::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    throw util::setup_error("signal_setup", "cannot create the signal pipe");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Serialises events and documents from connection threads (sinks need not be thread-safe).
class LockedSink final : public EventSink {
 public:
  explicit LockedSink(EventSink& inner) : inner_(inner) {}
  void event(std::string_view name, const Json& body) override {
    std::lock_guard lock(mutex_);
    inner_.event(name, body);
  }
  void document(const Json& doc) override {
    std::lock_guard lock(mutex_);
    inner_.document(doc);
  }

 private:
  EventSink& inner_;
  std::mutex mutex_;
};

struct Connection {
  int id = 0;
  net::Socket socket;
  std::thread thread;
  std::atomic<bool> done{false};
  std::atomic<bool> abort{false};
};

// One connection's session, on its own thread: its document goes to sink.
report::Document serve_connection(Connection& conn, const ServerOptions& server,
                                  const engine::AcceptorOptions& acceptor, const engine::SessionOptions& session,
                                  EventSink& sink) {
  auto doc = new_document("server", conn.socket.peer());
  sink.event("connection", Json{{"peer", doc.peer}});
  engine::Recorder rec(doc, sink, session);
  try {
    transport::TcpChannel channel(conn.socket, transport::Role::acceptor,
                                  {server.framing, server.max_token_size, server.timeout, &conn.abort, 0});
    engine::run_server(rec, acceptor, channel);
  } catch (const util::Error& e) {
    // Whatever ends one connection (a set-up error too) ends only that connection: it is
    // reported as the connection's failure, and the server goes on serving.
    auto r = report::error_report(e);
    r.stage = "transport";
    r.transport = true;
    rec.error(std::move(r));
  } catch (const std::exception& e) {
    report::ErrorReport r;
    r.stage = "server";
    r.message = std::string("internal error: ") + e.what();
    r.cls = "internal_error";
    rec.error(std::move(r));
  }
  Json j = finish_document(rec);
  j["connection"] = conn.id;
  sink.document(j);
  return doc;
}

// The connections in flight, one thread each; their results go to the outcome.
class Connections {
 public:
  Connections(const ServerOptions& server, const engine::AcceptorOptions& acceptor,
              const engine::SessionOptions& session, EventSink& sink, ServerOutcome& outcome)
      : server_(server), acceptor_(acceptor), session_(session), locked_(sink), outcome_(outcome) {}
  Connections(const Connections&) = delete;
  Connections& operator=(const Connections&) = delete;
  ~Connections() { cut_off(); }

  bool empty() const { return list_.empty(); }
  bool room() const { return static_cast<int>(list_.size()) < server_.max_connections; }

  // Joins the finished connections' threads (all of them with `all`).
  void reap(bool all) {
    for (auto it = list_.begin(); it != list_.end();) {
      if (all || it->done.load()) {
        if (it->thread.joinable()) it->thread.join();
        it = list_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void start(net::Socket socket) {
    auto& c = list_.emplace_back();
    c.id = next_id_++;
    c.socket = std::move(socket);
    ++outcome_.connections;
    c.thread = std::thread([this, conn = &c] {
      TaggedSink sink(locked_, "connection", conn->id, false);
      const auto doc = serve_connection(*conn, server_, acceptor_, session_, sink);
      {
        std::lock_guard lock(mutex_);
        if (doc.established && !doc.error) ++outcome_.established;
        outcome_.last_error = doc.error;
      }
      conn->done.store(true);
    });
  }

  // Waits up to `grace` for the connections in flight, then closes what is left.
  void finish(std::chrono::milliseconds grace) {
    const auto deadline = SteadyClock::now() + grace;
    while (SteadyClock::now() < deadline) {
      reap(false);
      if (empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    cut_off();
  }

 private:
  void cut_off() {
    for (auto& c : list_) {
      c.abort.store(true);
      c.socket.shutdown_both();
    }
    reap(true);
  }

  const ServerOptions& server_;
  const engine::AcceptorOptions& acceptor_;
  const engine::SessionOptions& session_;
  LockedSink locked_;
  ServerOutcome& outcome_;
  std::mutex mutex_;
  std::list<Connection> list_;
  int next_id_ = 1;
};

// Waits (100 ms at most) for a signal or, when there is room, a connection, and starts
// each connection that is waiting (one with --once).
void accept_waiting(std::vector<net::Listener>& listeners, Connections& connections, bool once) {
  const bool room = connections.room();
  std::vector<pollfd> fds{{g_signal_pipe[0], POLLIN, 0}};
  if (room)
    for (const auto& l : listeners) fds.push_back({l.fd(), POLLIN, 0});
  ::poll(fds.data(), fds.size(), 100);
  if (!room) return;
  for (std::size_t i = 1; i < fds.size(); ++i) {
    if ((fds[i].revents & POLLIN) == 0) continue;
    net::Socket s = listeners[i - 1].accept_one();
    if (!s) continue;
    connections.start(std::move(s));
    if (once) return;
  }
}
}  // namespace

ServerOutcome run_server(const ServerOptions& server, const engine::AcceptorOptions& acceptor,
                         const engine::SessionOptions& session, EventSink& sink,
                         const ListeningCallback& on_listening) {
  std::vector<net::Listener> listeners;
  listeners.reserve(server.listen.size());
  std::vector<net::Endpoint> bound;
  for (const auto& ep : server.listen) {
    listeners.emplace_back(ep);
    bound.push_back(net::Endpoint{ep.host, listeners.back().port()});
  }
  install_signal_handlers();
  if (on_listening) on_listening(bound);

  ServerOutcome outcome;
  Connections connections(server, acceptor, session, sink, outcome);
  while (!g_signalled.load()) {
    connections.reap(false);
    if (server.once && outcome.connections >= 1) break;
    accept_waiting(listeners, connections, server.once);
  }
  // --once: the one connection ends by itself (every read on it is bounded by the timeout).
  while (server.once && !g_signalled.load() && !connections.empty()) {
    connections.reap(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.stopped_by_signal = g_signalled.load();
  // A grace period for connections in flight, then they are cut off.
  connections.finish(server.grace);
  return outcome;
}

}  // namespace authctx::run

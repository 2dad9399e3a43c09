#include "run/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <list>
#include <mutex>
#include <thread>

#include "transport/channel.hpp"
#include "util/errors.hpp"
#include "engine/established.hpp"

namespace authctx::core {
namespace {

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
    throw setup_error("signal_setup", "cannot create the signal pipe");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Serialises events and documents from connection threads, tagging each with its connection.
class LockedSink {
 public:
  explicit LockedSink(EventSink& inner) : inner_(inner) {}
  void event(std::string_view name, const Json& body) {
    std::lock_guard lock(mutex_);
    inner_.event(name, body);
  }
  void document(const Json& doc) {
    std::lock_guard lock(mutex_);
    inner_.document(doc);
  }

 private:
  EventSink& inner_;
  std::mutex mutex_;
};

class ConnectionSink final : public EventSink {
 public:
  ConnectionSink(LockedSink& inner, int id) : inner_(inner), id_(id) {}
  void event(std::string_view name, const Json& body) override {
    Json tagged = body;
    tagged["connection"] = id_;
    inner_.event(name, tagged);
  }
  void document(const Json& doc) override { inner_.document(doc); }

 private:
  LockedSink& inner_;
  int id_;
};

struct Connection {
  int id = 0;
  Socket socket;
  std::thread thread;
  std::atomic<bool> done{false};
  std::atomic<bool> abort{false};
};
}  // namespace

ServerOutcome run_server(const ServerOptions& server, const AcceptorOptions& acceptor, const SessionOptions& session,
                         EventSink& sink, const ListeningCallback& on_listening) {
  std::vector<Listener> listeners;
  listeners.reserve(server.listen.size());
  std::vector<Endpoint> bound;
  for (const auto& ep : server.listen) {
    listeners.emplace_back(ep);
    bound.push_back(Endpoint{ep.host, listeners.back().port()});
  }
  install_signal_handlers();
  if (on_listening) on_listening(bound);

  LockedSink locked(sink);
  ServerOutcome outcome;
  std::mutex outcome_mutex;
  std::list<Connection> connections;
  int next_id = 1;
  const auto options = event_options(session);

  auto reap = [&connections](bool all) {
    for (auto it = connections.begin(); it != connections.end();) {
      if (all || it->done.load()) {
        if (it->thread.joinable()) it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  };

  while (!g_signalled.load()) {
    reap(false);
    if (server.once && outcome.connections >= 1) break;
    const bool room = static_cast<int>(connections.size()) < server.max_connections;
    std::vector<pollfd> fds{{g_signal_pipe[0], POLLIN, 0}};
    if (room)
      for (const auto& l : listeners) fds.push_back({l.fd(), POLLIN, 0});
    ::poll(fds.data(), fds.size(), 100);
    if (!room) continue;
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      Socket s = listeners[i - 1].accept_one();
      if (!s) continue;
      auto& c = connections.emplace_back();
      c.id = next_id++;
      c.socket = std::move(s);
      ++outcome.connections;
      c.thread = std::thread([&, conn = &c] {
        const auto started = SteadyClock::now();
        ConnectionSink csink(locked, conn->id);
        Document doc;
        doc.command = "server";
        doc.peer = conn->socket.peer();
        csink.event("connection", Json{{"peer", doc.peer}});
        try {
          FrameStream stream(conn->socket, server.framing, server.max_token_size, server.timeout, &conn->abort);
          auto channel = make_server_channel(server.framing, stream);
          run_server_session(acceptor, *channel, session, ServerSessionOptions{server.report}, csink, doc);
        } catch (const Error& e) {
          record_error(doc, transport_report(e), csink);
        } catch (const std::exception& e) {
          ErrorReport r;
          r.stage = "server";
          r.message = std::string("internal error: ") + e.what();
          r.cls = "internal_error";
          record_error(doc, std::move(r), csink);
        }
        doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
        Json j = document_json(doc, options);
        j["connection"] = conn->id;
        csink.document(j);
        {
          std::lock_guard lock(outcome_mutex);
          if (doc.established && !doc.error) ++outcome.established;
          outcome.last_error = doc.error;
        }
        conn->done.store(true);
      });
      if (server.once) break;
    }
  }

  // --once: the one connection ends by itself (every read on it is bounded by the timeout).
  while (server.once && !g_signalled.load() && !connections.empty()) {
    reap(false);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  outcome.stopped_by_signal = g_signalled.load();
  // Grace period for in-flight connections, then cut them off.
  const auto deadline = SteadyClock::now() + server.grace;
  while (SteadyClock::now() < deadline) {
    reap(false);
    if (connections.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& c : connections) {
    c.abort.store(true);
    c.socket.shutdown_both();
  }
  reap(true);
  return outcome;
}

}  // namespace authctx::core

// The server's gate (server.hpp): listeners, connections waiting for their first record,
// signals; the workers are in server_pool.cpp.
#include "run/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "run/server_pool.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;
using report::EventSink;
using SteadyClock = std::chrono::steady_clock;

// Self-pipe: the signal handler only writes a byte; the gate polls the read end.
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

// Serialises events and documents from the worker threads (sinks need not be thread-safe).
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
  bool wants_events() const override { return inner_.wants_events(); }

 private:
  EventSink& inner_;
  std::mutex mutex_;
};

// The first record's bytes the gate holds at most per connection: a larger first record is
// handed on once its header is in (the worker reads the rest under --timeout).
constexpr std::size_t k_gate_buffer = 16384;

// Connections the gate may hold waiting for their first record: half the descriptors the
// process may open, within [16, 4096].
std::size_t pending_limit() {
  rlimit rl{};
  const rlim_t fds = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
  return static_cast<std::size_t>(std::clamp<rlim_t>(fds / 2, 16, 4096));
}

struct Pending {
  int id = 0;
  net::Socket socket;
  std::string peer;
  util::Bytes received;
  SteadyClock::time_point accepted;
  SteadyClock::time_point deadline;
};

class Gate {
 public:
  Gate(std::vector<net::Listener>& listeners, const ServerContext& context, ServerTally& tally, WorkerPool& pool)
      : listeners_(listeners),
        context_(context),
        tally_(tally),
        pool_(pool),
        first_record_(std::min(context.server.timeout, k_first_record_deadline)),
        limit_(pending_limit()) {}
  ~Gate() { close_all(); }
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  // Runs until a signal, or with --once until its one connection has been handed on.
  void run();
  // Every connection still waiting for its first record is closed (shutting down).
  void close_all();

 private:
  void accept_waiting(net::Listener& listener);
  // Reads what a waiting connection sent; true when it has left the gate (handed on or
  // closed).
  bool advance(Pending& p);
  void drop(Pending& p, const util::Error& e);
  void expire();
  bool accepting() const { return !(context_.server.once && accepted_ > 0); }

  std::vector<net::Listener>& listeners_;
  const ServerContext& context_;
  ServerTally& tally_;
  WorkerPool& pool_;
  std::chrono::milliseconds first_record_;
  std::size_t limit_;
  std::list<Pending> pending_;  // oldest first
  int next_id_ = 1;
  int accepted_ = 0;
};

void Gate::drop(Pending& p, const util::Error& e) {
  p.socket = net::Socket();
  write_unserved(context_, tally_, p.id, p.peer, p.accepted, e);
}

bool Gate::advance(Pending& p) {
  try {
    for (;;) {
      const std::size_t have = p.received.size();
      const auto extent = transport::record_extent(p.received, context_.server.framing, context_.server.max_token_size);
      // Complete, or a header the worker will refuse with the exact reason, or a first
      // record too big for the gate to hold: a worker takes it from here.
      if (extent.state != transport::RecordExtent::State::incomplete || have >= k_gate_buffer) {
        pool_.submit(ReadyConnection{p.id, std::move(p.socket), std::move(p.peer), std::move(p.received), p.accepted});
        return true;
      }
      p.received.resize(k_gate_buffer);
      const long n = p.socket.try_read(std::span(p.received).subspan(have));
      p.received.resize(have + static_cast<std::size_t>(std::max(0L, n)));
      if (n < 0) return false;  // nothing more yet
      if (n == 0) {
        drop(p, util::transport_error("closed_early",
                                      "the peer closed the connection before its first frame (" + std::to_string(have) +
                                          " bytes received)",
                                      "the peer gave up or is not an authctx client (a port check?)"));
        return true;
      }
    }
  } catch (const util::Error& e) {  // reset
    drop(p, e);
    return true;
  }
}

void Gate::accept_waiting(net::Listener& listener) {
  while (accepting()) {
    int error = 0;
    net::Socket s = listener.accept_one(&error);
    if (!s) {
      // Out of descriptors: let the connection that has waited longest go, then retry.
      if ((error == EMFILE || error == ENFILE) && !pending_.empty()) {
        drop(pending_.front(), util::transport_error("dropped", "dropped: too many connections waiting",
                                                     "the server was flooded with connections"));
        pending_.pop_front();
        continue;
      }
      return;
    }
    tally_.accepted();
    ++accepted_;
    const auto now = SteadyClock::now();
    auto& p = pending_.emplace_back();
    p.id = next_id_++;
    p.peer = s.peer();
    p.socket = std::move(s);
    p.accepted = now;
    p.deadline = now + first_record_;
    // Usually the first record is in already (a client writes it with the connection).
    if (advance(p)) pending_.pop_back();
    if (pending_.size() > limit_) {  // a flood of silent connections: the oldest goes
      drop(pending_.front(),
           util::transport_error(
               "dropped", "dropped: " + std::to_string(limit_) + " connections were waiting for their first frame",
               "the server was flooded with silent connections"));
      pending_.pop_front();
    }
  }
}

void Gate::expire() {
  const auto now = SteadyClock::now();
  while (!pending_.empty() && pending_.front().deadline <= now) {
    auto& p = pending_.front();
    drop(p,
         util::transport_error("timeout",
                               "the peer sent no complete first frame within " + std::to_string(first_record_.count()) +
                                   " ms (" + std::to_string(p.received.size()) + " bytes received)",
                               "the peer is silent: check it speaks the same --framing"));
    pending_.pop_front();
  }
}

void Gate::run() {
  std::vector<pollfd> fds;
  std::vector<Pending*> polled;
  while (!g_signalled.load()) {
    if (context_.server.once && accepted_ > 0 && pending_.empty()) return;
    fds.assign(1, pollfd{g_signal_pipe[0], POLLIN, 0});
    if (accepting())
      for (const auto& l : listeners_) fds.push_back({l.fd(), POLLIN, 0});
    const std::size_t first_pending = fds.size();
    polled.clear();
    for (auto& p : pending_) {
      fds.push_back({p.socket.fd(), POLLIN, 0});
      polled.push_back(&p);
    }
    int wait = 100;
    if (!pending_.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(pending_.front().deadline - SteadyClock::now()).count();
      wait = static_cast<int>(std::clamp<long long>(left + 1, 0, 100));
    }
    if (::poll(fds.data(), fds.size(), wait) < 0 && errno != EINTR)
      throw util::setup_error("poll_failed", std::string("poll: ") + std::strerror(errno));
    // Waiting connections first (their pointers stay valid until the list changes below).
    std::vector<const Pending*> done;
    for (std::size_t i = first_pending; i < fds.size(); ++i)
      if (fds[i].revents != 0 && advance(*polled[i - first_pending])) done.push_back(polled[i - first_pending]);
    pending_.remove_if([&](const Pending& p) { return std::find(done.begin(), done.end(), &p) != done.end(); });
    for (std::size_t i = 1; i < first_pending; ++i)
      if ((fds[i].revents & POLLIN) != 0) accept_waiting(listeners_[i - 1]);
    expire();
  }
}

void Gate::close_all() {
  for (auto& p : pending_) drop(p, util::transport_error("aborted", "the connection was closed: shutting down"));
  pending_.clear();
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
  // The acceptor credential, once for every connection. If it cannot be had now, each
  // connection tries again and reports why to its client (as a keytab fixed later works).
  std::shared_ptr<const engine::AcceptorCredential> credential;
  try {
    credential = std::make_shared<engine::AcceptorCredential>(acceptor, true);
  } catch (const gss::GssError&) {
  } catch (const util::Error&) {}
  if (on_listening) on_listening(bound);

  LockedSink locked(sink);
  const ServerContext context{server, acceptor, session, credential, locked};
  ServerTally tally;
  {
    WorkerPool pool(context, tally, server.once ? 1 : server.max_connections);
    {
      Gate gate(listeners, context, tally, pool);
      gate.run();
    }  // connections still waiting for their first record are closed
    // --once: the one connection ends by itself (every read on it is bounded by the timeout).
    while (server.once && !g_signalled.load() && pool.in_flight() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // A grace period for connections in flight, then they are cut off.
    pool.finish(server.grace);
  }
  auto outcome = tally.outcome();
  outcome.stopped_by_signal = g_signalled.load();
  return outcome;
}

}  // namespace authctx::run

#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "http/beast.hpp"
#include "http/error.hpp"
#include "http/tls_support.hpp"

namespace authctx::http {
namespace {

using namespace detail;  // NOLINT(google-build-using-namespace): Asio/Beast short names
using Strand = asio::strand<asio::io_context::executor_type>;
constexpr auto k_await = asio::as_tuple(asio::use_awaitable);


// One per connection, shared by its coroutine and the server's registry so that stop() can
// cut a connection off. `lowest` and `alive` are touched only on the connection's strand.
struct Tracker : std::enable_shared_from_this<Tracker> {
  Tracker(Strand s, std::uint64_t i) : strand(std::move(s)), id(i) {}
  Strand strand;
  std::uint64_t id;
  beast::tcp_stream* lowest = nullptr;
  bool alive = true;
  std::uint64_t generation = 0;  // of the request deadline (strand only)
  bool timed_out = false;        // the request deadline passed (strand only)
  std::shared_ptr<asio::steady_timer> deadline;
  std::atomic<bool> idle{false};      // waiting for a request with nothing buffered
  std::atomic<bool> stopping{false};  // finish the current request, then close
  void cut() {
    asio::post(strand, [self = shared_from_this()] {
      if (self->alive && self->lowest != nullptr) self->lowest->close();
    });
  }
};

Response text_response(int status, const std::string& text) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "text/plain; charset=utf-8");
  r.body = text + "\n";
  r.close_after = true;
  return r;
}
}  // namespace

std::string ListenAddress::text() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

struct Server::Impl {
  ServerOptions opt;
  HandlerFactory factory;
  asio::io_context ioc;
  Strand control{asio::make_strand(ioc)};  // acceptors, signals, the grace timer
  std::optional<ssl::context> ctx;
  std::optional<CertificateFacts> cert;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<ListenAddress> bound;
  std::optional<asio::signal_set> signals;
  asio::steady_timer grace_timer{control};
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::map<std::uint64_t, std::shared_ptr<Tracker>> live;
  ServerStats counts;

  Impl(ServerOptions o, HandlerFactory f) : opt(std::move(o)), factory(std::move(f)) {
    if (opt.tls_cert.empty() != opt.tls_key.empty())
      throw usage_error("--tls-cert and --tls-key go together", "give both PEM files, or neither for plain http");
    if (!opt.tls_cert.empty()) {
      ctx.emplace(ssl::context::tls_server);
      ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      detail::load_server_identity(ctx->native_handle(), opt.tls_cert, opt.tls_key);
      cert = read_certificate_file(opt.tls_cert);
    }
    for (const auto& l : opt.listen) bind(l);
  }

  void bind(const ListenAddress& l) {
    error_code ec;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(l.host, std::to_string(l.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) throw setup_error("listen_failed", "cannot resolve " + l.host + ": " + ec.message());
    std::string last = "no address";
    for (const auto& r : results) {
      auto a = std::make_unique<tcp::acceptor>(control);
      const auto ep = r.endpoint();
      a->open(ep.protocol(), ec);
      if (!ec) a->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec && ep.address().is_v6()) a->set_option(asio::ip::v6_only(true), ec);
      if (!ec) a->bind(ep, ec);
      if (!ec) a->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        last = ec.message();
        continue;
      }
      bound.push_back({ep.address().to_string(), a->local_endpoint().port()});
      acceptors.push_back(std::move(a));
      return;
    }
    throw setup_error("listen_failed", "cannot listen on " + l.text() + ": " + last,
                      "choose a free port (or port 0 for any) on a local address");
  }

  int active() const {
    std::lock_guard lock(mutex);
    return counts.active;
  }

  std::shared_ptr<Tracker> track(Strand strand) {
    std::lock_guard lock(mutex);
    auto t = std::make_shared<Tracker>(std::move(strand), ++counts.accepted);
    live[t->id] = t;
    counts.active = static_cast<int>(live.size());
    counts.peak_active = std::max(counts.peak_active, counts.active);
    return t;
  }

  void untrack(const Tracker& t) {
    bool last = false;
    {
      std::lock_guard lock(mutex);
      live.erase(t.id);
      counts.active = static_cast<int>(live.size());
      last = live.empty();
    }
    if (last && stopping) asio::post(control, [this] { grace_timer.cancel(); });
  }

  void do_stop() {  // on control
    if (stopping.exchange(true)) return;
    error_code ignored;
    for (auto& a : acceptors) a->close(ignored);
    if (signals) signals->cancel(ignored);
    std::vector<std::shared_ptr<Tracker>> all;
    {
      std::lock_guard lock(mutex);
      for (auto& [id, t] : live) all.push_back(t);
    }
    for (auto& t : all) {
      t->stopping = true;
      if (t->idle) t->cut();
    }
    if (all.empty()) return;
    grace_timer.expires_after(opt.grace);
    grace_timer.async_wait([this](error_code ec) {
      if (ec) return;
      std::lock_guard lock(mutex);
      for (auto& [id, t] : live) t->cut();
    });
  }

  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::string local) {
    asio::steady_timer wait(control);
    while (!stopping) {
      if (active() >= opt.max_connections) {  // the rest wait in the listen backlog
        wait.expires_after(std::chrono::milliseconds(10));
        co_await wait.async_wait(k_await);
        continue;
      }
      auto strand = asio::make_strand(ioc);
      auto [ec, socket] = co_await acceptor.async_accept(strand, k_await);
      if (stopping || ec == asio::error::operation_aborted) co_return;
      if (ec) {  // EMFILE and friends: back off instead of spinning
        wait.expires_after(std::chrono::milliseconds(50));
        co_await wait.async_wait(k_await);
        continue;
      }
      auto t = track(strand);
      asio::co_spawn(strand, connection(std::move(socket), t, local), asio::detached);
    }
  }

  // --- one connection ---------------------------------------------------------------

  CloseInfo read_failure(const error_code& ec, bool got_some, int answered, const std::string& buffered) const {
    CloseInfo c;
    c.requests = answered;
    if (ec == bhttp::error::end_of_stream) {
      c.cls = "peer_closed";
      c.message = answered == 0 ? "the client closed the connection without sending a request"
                                : "the client closed the connection";
    } else if (ec == beast::error::timeout) {
      c.cls = got_some ? "timeout" : "idle_timeout";
      c.message = got_some ? "the request did not arrive completely within " + seconds_text(opt.timeout)
                           : "no request within " + seconds_text(opt.timeout);
      if (got_some) c.status_sent = 408;
    } else if (ec == bhttp::error::header_limit) {
      c.cls = "header_too_large";
      c.message = "the request header block is larger than " + std::to_string(opt.max_header_bytes) + " bytes";
      c.status_sent = 431;
    } else if (ec == bhttp::error::body_limit) {
      c.cls = "body_too_large";
      c.message = "the request body is larger than " + std::to_string(opt.max_body_bytes) + " bytes";
      c.status_sent = 413;
    } else if (ec == bhttp::error::partial_message) {
      c.cls = "closed_early";
      c.message = "the client closed the connection in the middle of a request";
    } else if (ec == asio::error::connection_reset) {
      c.cls = "reset";
      c.message = "the client reset the connection";
    } else if (ec == ssl::error::stream_truncated || ec == asio::error::eof) {
      c.cls = "peer_closed";
      c.message = "the client closed the connection";
    } else if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
      c.cls = "server_stopping";
      c.message = "the server is stopping";
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
      c.cls = "malformed_request";
      c.message = "malformed request: " + ec.message();
      if (!buffered.empty()) c.message += " (it starts \"" + escape_bytes(buffered) + "\")";
      c.status_sent = 400;
    } else {
      c.cls = "io_error";
      c.message = "reading the request: " + ec.message();
    }
    return c;
  }

  template <class Stream>
  asio::awaitable<void> send_error(Stream& stream, beast::tcp_stream& lowest, int status, const std::string& text) {
    auto r = text_response(status, text);
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(status), 11};
    out.set(bhttp::field::server, opt.server_header);
    for (const auto& h : r.headers.list()) out.insert(h.name, h.value);
    out.body() = r.body;
    out.keep_alive(false);
    out.prepare_payload();
    lowest.expires_after(std::min(opt.timeout, std::chrono::milliseconds(5000)));
    co_await bhttp::async_write(stream, out, k_await);
    // A short lingering close: a client still sending would otherwise get a reset that can
    // destroy the error response before it reads it.
    error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest.expires_after(std::chrono::milliseconds(500));
    std::array<char, 4096> sink{};
    for (int i = 0; i < 16; ++i) {
      auto [ec, n] = co_await lowest.async_read_some(asio::buffer(sink), k_await);
      if (ec) break;
    }
  }

  // The request deadline cancels the pending read instead of closing the socket (as the
  // tcp_stream's own expiry does), so that a 408 can still be written on a plain connection.
  void arm_deadline(Tracker& t) {
    t.timed_out = false;
    t.deadline = std::make_shared<asio::steady_timer>(t.strand, opt.timeout);
    t.deadline->async_wait([self = t.shared_from_this(), gen = ++t.generation](error_code ec) {
      if (ec || !self->alive || self->generation != gen || self->lowest == nullptr) return;
      self->timed_out = true;
      error_code ignored;
      self->lowest->socket().cancel(ignored);
    });
  }
  static void disarm_deadline(Tracker& t) {
    ++t.generation;
    if (t.deadline) t.deadline->cancel();
    t.deadline.reset();
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer,
                              ConnectionHandler& handler, Tracker& t, CloseInfo& close, bool tls) {
    for (int index = 1;; ++index) {
      const int answered = index - 1;
      close.requests = answered;
      if (t.stopping) {
        close = {"server_stopping", "the server is stopping", answered, 0};
        co_return;
      }
      lowest.expires_never();
      arm_deadline(t);
      // The first byte tells an HTTP request from anything else before the parser waits
      // for a header block that will never come (a TLS ClientHello, the authctx framing).
      if (buffer.size() == 0) {
        t.idle = true;
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), k_await);
        t.idle = false;
        buffer.commit(n);
        if (ec) {
          disarm_deadline(t);
          close = read_failure(t.timed_out ? error_code(beast::error::timeout) : ec, false, answered, {});
          co_return;
        }
      }
      const std::string first(static_cast<const char*>(buffer.data().data()), std::min<std::size_t>(buffer.size(), 64));
      const auto b0 = static_cast<unsigned char>(first[0]);  // buffer.size() >= 1 here
      if (!tls && b0 == 0x16) {
        disarm_deadline(t);
        // Answered in plain HTTP, as Apache does: the client's TLS library then reports a
        // record that is not TLS ("wrong version number") instead of a silent close.
        close = {"tls_on_plain_port", "the client started a TLS handshake on this plain-HTTP port", answered, 400};
        co_await send_error(stream, lowest, 400, "Bad Request: this port speaks plain HTTP, not TLS; use http://");
        co_return;
      }
      if (!is_tchar(first[0])) {
        disarm_deadline(t);
        close = {"malformed_request", "not an HTTP request: it starts \"" + escape_bytes(first) + "\"", answered, 400};
        co_await send_error(stream, lowest, 400, "Bad Request: not an HTTP request");
        co_return;
      }
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, UINT32_MAX)));
      parser.body_limit(opt.max_body_bytes);
      auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, parser, k_await);
      disarm_deadline(t);
      if (read_ec) {
        close = read_failure(t.timed_out ? error_code(beast::error::timeout) : read_ec, true, answered, first);
        // After a cancelled TLS read the session is in no state to carry a response.
        if (tls && t.timed_out) close.status_sent = 0;
        if (close.status_sent != 0) co_await send_error(stream, lowest, close.status_sent, "Error: " + close.message);
        co_return;
      }
      auto& m = parser.get();
      Request req;
      req.method = std::string(m.method_string());
      req.target = std::string(m.target());
      RequestInfo info;
      info.index = index;
      info.version = static_cast<int>(m.version());
      info.keep_alive = m.keep_alive();
      for (const auto& f : m) {
        req.headers.add(std::string(f.name_string()), std::string(f.value()));
        info.header_bytes += f.name_string().size() + f.value().size() + 4;
      }
      req.body = std::move(m.body());
      Response resp;
      bool handler_failed = false;
      try {
        resp = handler.on_request(req, info);
      } catch (const std::exception& e) {
        handler_failed = true;
        resp = text_response(500, "Internal Server Error");
        close = {"handler_error", std::string("the request handler failed: ") + e.what(), answered, 500};
      }
      const bool keep = info.keep_alive && !resp.close_after && !t.stopping && index < opt.max_requests;
      bhttp::response<bhttp::string_body> out;
      out.version(m.version());
      out.result(static_cast<unsigned>(resp.status));
      if (!resp.reason.empty()) out.reason(resp.reason);
      out.set(bhttp::field::server, opt.server_header);
      for (const auto& h : resp.headers.list()) out.insert(h.name, h.value);
      out.body() = std::move(resp.body);
      out.keep_alive(keep);
      out.prepare_payload();
      lowest.expires_after(opt.timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, out, k_await);
      if (wec) {
        close = {wec == beast::error::timeout ? "timeout" : "reset",
                 wec == beast::error::timeout ? "the client did not read the response within " + seconds_text(opt.timeout)
                                              : "the client closed the connection before the response was sent: " +
                                                    wec.message(),
                 answered, 0};
        co_return;
      }
      if (handler_failed) {
        close.requests = index;
        co_return;
      }
      if (!keep) {
        close.requests = index;
        if (resp.close_after) close = {"closed_by_handler", "the server closed the connection after its response", index, 0};
        else if (!info.keep_alive) close = {"peer_closed", "the client asked to close the connection", index, 0};
        else if (t.stopping) close = {"server_stopping", "the server is stopping", index, 0};
        else close = {"request_limit", "the connection reached " + std::to_string(opt.max_requests) + " requests", index, 0};
        error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }

  std::unique_ptr<ConnectionHandler> make_handler(const ConnectionInfo& info, CloseInfo& close) {
    try {
      return factory(info);
    } catch (const std::exception& e) {
      close = {"handler_error", std::string("cannot set up the connection: ") + e.what(), 0, 0};
      return nullptr;
    }
  }

  asio::awaitable<void> connection(tcp::socket socket, std::shared_ptr<Tracker> t, std::string local) {
    ConnectionInfo info;
    info.id = t->id;
    info.local = std::move(local);
    info.tls = ctx.has_value();
    error_code ec;
    info.peer = endpoint_text(socket.remote_endpoint(ec));
    socket.set_option(tcp::no_delay(true), ec);  // FACTS.md: Nagle stalls small writes
    CloseInfo close{"peer_closed", "the client closed the connection", 0, 0};
    std::unique_ptr<ConnectionHandler> handler;
    beast::flat_buffer buffer(opt.max_header_bytes + 65536);
    try {
      beast::tcp_stream ts(std::move(socket));
      t->lowest = &ts;
      if (!ctx) {
        handler = make_handler(info, close);
        if (handler) co_await serve(ts, ts, buffer, *handler, *t, close, false);
      } else {
        ts.expires_after(opt.timeout);
        t->idle = true;
        auto [dec, is_tls] = co_await beast::async_detect_ssl(ts, buffer, k_await);
        t->idle = false;
        if (dec) {
          close = read_failure(dec == bhttp::error::end_of_stream ? asio::error::eof : dec, false, 0, {});
          if (close.cls == "idle_timeout") close.message = "no TLS handshake within " + seconds_text(opt.timeout);
          handler = make_handler(info, close);
        } else if (!is_tls) {
          handler = make_handler(info, close);
          close = {"not_tls", "the client sent plain HTTP to this TLS port", 0, 400};
          co_await send_error(ts, ts, 400, "Bad Request: this port speaks TLS; use https://");
        } else {
          beast::ssl_stream<beast::tcp_stream> ss(std::move(ts), *ctx);
          t->lowest = &beast::get_lowest_layer(ss);
          auto [hec, used] = co_await ss.async_handshake(ssl::stream_base::server, buffer.data(), k_await);
          buffer.consume(used);
          if (hec) {
            const auto why = hec == beast::error::timeout ? "no complete TLS handshake within " + seconds_text(opt.timeout)
                                                          : hec.message();
            close = {"tls_handshake_failed", "TLS handshake failed: " + why, 0, 0};
            handler = make_handler(info, close);
          } else {
            info.tls_session = detail::server_session_of(ss.native_handle());
            info.tls_session->certificate = *cert;
            info.sni = info.tls_session->server_name;
            handler = make_handler(info, close);
            if (handler) co_await serve(ss, *t->lowest, buffer, *handler, *t, close, true);
          }
          t->lowest = nullptr;
        }
      }
    } catch (const std::exception& e) {
      close = {"internal_error", std::string("connection failed: ") + e.what(), close.requests, 0};
    }
    t->alive = false;
    t->lowest = nullptr;
    if (handler) {
      try {
        handler->on_close(close);
      } catch (...) {  // a failing report must not take the server down
      }
    }
    untrack(*t);
  }
};

Server::Server(ServerOptions options, HandlerFactory factory)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(factory))) {}
Server::~Server() = default;

const std::vector<ListenAddress>& Server::bound() const { return impl_->bound; }
const std::optional<CertificateFacts>& Server::certificate() const { return impl_->cert; }

void Server::run() {
  auto& d = *impl_;
  for (std::size_t i = 0; i < d.acceptors.size(); ++i)
    asio::co_spawn(d.control, d.accept_loop(*d.acceptors[i], d.bound[i].text()), asio::detached);
  if (d.opt.handle_signals) {
    d.signals.emplace(d.control, SIGINT, SIGTERM);
    d.signals->async_wait([&d](error_code ec, int) {
      if (!ec) d.do_stop();
    });
  }
  std::vector<std::thread> extra;
  for (int i = 1; i < d.opt.threads; ++i) extra.emplace_back([&d] { d.ioc.run(); });
  d.ioc.run();
  for (auto& t : extra) t.join();
}

void Server::stop() {
  asio::post(impl_->control, [d = impl_.get()] { d->do_stop(); });
}

ServerStats Server::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counts;
}

}  // namespace authctx::http

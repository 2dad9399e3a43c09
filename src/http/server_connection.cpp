// One server connection as a coroutine on its own strand: the TLS detection and handshake,
// then requests in order until the client, the handler, a limit, a timeout or stop() ends it.
#include <boost/asio/this_coro.hpp>

#include <array>
#include <cstdio>

#include "http/server_impl.hpp"
#include "http/tls_support.hpp"
#include "util/errors.hpp"

namespace authctx::http {

namespace {
Response text_response(int status, const std::string& text) {
  Response r;
  r.status = status;
  r.headers.add("Content-Type", "text/plain; charset=utf-8");
  r.body = text + "\n";
  r.close_after = true;
  return r;
}
// The first bytes buffered, for messages about what a client sent.
std::string buffered_text(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), std::min<std::size_t>(buffer.size(), 64)};
}
}  // namespace

CloseInfo Server::Impl::read_failure(const error_code& ec, bool got_some, int answered,
                                     const std::string& buffered) const {
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
asio::awaitable<void> Server::Impl::send_error(Stream& stream, beast::tcp_stream& lowest, int status,
                                               const std::string& text) {
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
void Server::Impl::arm_deadline(Tracker& t) {
  t.timed_out = false;
  t.deadline = std::make_shared<asio::steady_timer>(t.strand, opt.timeout);
  t.deadline->async_wait([self = t.shared_from_this(), gen = ++t.generation](error_code ec) {
    if (ec || !self->alive || self->generation != gen || self->lowest == nullptr) return;
    self->timed_out = true;
    error_code ignored;
    self->lowest->socket().cancel(ignored);
  });
}
void Server::Impl::disarm_deadline(Tracker& t) {
  ++t.generation;
  if (t.deadline) t.deadline->cancel();
  t.deadline.reset();
}

// The first byte tells an HTTP request from anything else before the parser waits for a
// header block that will never come (a TLS ClientHello, the authctx framing). False: the
// connection ends (close says why).
template <class Stream>
asio::awaitable<bool> Server::Impl::first_byte(Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer,
                                               Tracker& t, CloseInfo& close, bool tls) {
  const int answered = close.requests;
  if (buffer.size() == 0) {
    t.idle = true;
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), k_await);
    t.idle = false;
    buffer.commit(n);
    if (ec) {
      disarm_deadline(t);
      close = read_failure(t.timed_out ? error_code(beast::error::timeout) : ec, false, answered, {});
      co_return false;
    }
  }
  const std::string first = buffered_text(buffer);
  if (!tls && static_cast<unsigned char>(first[0]) == 0x16) {
    disarm_deadline(t);
    // Answered in plain HTTP, as Apache does: the client's TLS library then reports a
    // record that is not TLS ("wrong version number") instead of a silent close.
    close = {"tls_on_plain_port", "the client started a TLS handshake on this plain-HTTP port", answered, 400};
    co_await send_error(stream, lowest, 400, "Bad Request: this port speaks plain HTTP, not TLS; use http://");
    co_return false;
  }
  if (!is_tchar(first[0])) {
    disarm_deadline(t);
    close = {"malformed_request", "not an HTTP request: it starts \"" + escape_bytes(first) + "\"", answered, 400};
    co_await send_error(stream, lowest, 400, "Bad Request: not an HTTP request");
    co_return false;
  }
  co_return true;
}

template <class Stream>
asio::awaitable<std::optional<Server::Impl::Exchange>> Server::Impl::read_request(
    Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer, Tracker& t, CloseInfo& close, bool tls) {
  lowest.expires_never();
  arm_deadline(t);
  if (!co_await first_byte(stream, lowest, buffer, t, close, tls)) co_return std::nullopt;
  const std::string first = buffered_text(buffer);
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, UINT32_MAX)));
  parser.body_limit(opt.max_body_bytes);
  auto [read_ec, n] = co_await bhttp::async_read(stream, buffer, parser, k_await);
  disarm_deadline(t);
  if (read_ec) {
    close = read_failure(t.timed_out ? error_code(beast::error::timeout) : read_ec, true, close.requests, first);
    // After a cancelled TLS read the session is in no state to carry a response.
    if (tls && t.timed_out) close.status_sent = 0;
    if (close.status_sent != 0) co_await send_error(stream, lowest, close.status_sent, "util::Error: " + close.message);
    co_return std::nullopt;
  }
  auto& m = parser.get();
  Exchange x;
  x.request.method = std::string(m.method_string());
  x.request.target = std::string(m.target());
  x.info.index = close.requests + 1;
  x.info.version = static_cast<int>(m.version());
  x.info.keep_alive = m.keep_alive();
  for (const auto& f : m) {
    x.request.headers.add(std::string(f.name_string()), std::string(f.value()));
    x.info.header_bytes += f.name_string().size() + f.value().size() + 4;
  }
  x.request.body = std::move(m.body());
  co_return x;
}

// Why a connection that keeps no more requests ends, once its last response is out.
CloseInfo Server::Impl::end_after(const Response& resp, const RequestInfo& info, const Tracker& t) const {
  if (resp.close_after)
    return {"closed_by_handler", "the server closed the connection after its response", info.index, 0};
  if (!info.keep_alive) return {"peer_closed", "the client asked to close the connection", info.index, 0};
  if (t.stopping) return {"server_stopping", "the server is stopping", info.index, 0};
  return {"request_limit", "the connection reached " + std::to_string(opt.max_requests) + " requests", info.index, 0};
}

// Runs the handler and writes its response. False: the connection ends (close says why).
template <class Stream>
asio::awaitable<bool> Server::Impl::respond(Stream& stream, beast::tcp_stream& lowest, ConnectionHandler& handler,
                                            Tracker& t, CloseInfo& close, Exchange& x) {
  Response resp;
  bool handler_failed = false;
  try {
    resp = handler.on_request(x.request, x.info);
  } catch (const std::exception& e) {
    handler_failed = true;
    resp = text_response(500, "Internal Server util::Error");
    close = {"handler_error", std::string("the request handler failed: ") + e.what(), x.info.index, 500};
  }
  const bool keep = x.info.keep_alive && !resp.close_after && !t.stopping && x.info.index < opt.max_requests;
  bhttp::response<bhttp::string_body> out;
  out.version(static_cast<unsigned>(x.info.version));
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
    const bool timeout = wec == beast::error::timeout;
    close = {timeout ? "timeout" : "reset",
             timeout ? "the client did not read the response within " + seconds_text(opt.timeout)
                     : "the client closed the connection before the response was sent: " + wec.message(),
             x.info.index - 1, 0};
    co_return false;
  }
  if (handler_failed) co_return false;
  close.requests = x.info.index;
  if (keep) co_return true;
  close = end_after(resp, x.info, t);
  error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  co_return false;
}

template <class Stream>
asio::awaitable<void> Server::Impl::serve(Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer,
                                          ConnectionHandler& handler, Tracker& t, CloseInfo& close, bool tls) {
  close.requests = 0;
  while (true) {
    if (t.stopping) {
      close = {"server_stopping", "the server is stopping", close.requests, 0};
      co_return;
    }
    auto x = co_await read_request(stream, lowest, buffer, t, close, tls);
    if (!x || !co_await respond(stream, lowest, handler, t, close, *x)) co_return;
  }
}

std::unique_ptr<ConnectionHandler> Server::Impl::make_handler(const ConnectionInfo& info, CloseInfo& close) {
  try {
    return factory(info);
  } catch (const std::exception& e) {
    close = {"handler_error", std::string("cannot set up the connection: ") + e.what(), 0, 0};
    return nullptr;
  }
}

asio::awaitable<void> Server::Impl::connection(tcp::socket socket, std::shared_ptr<Tracker> t, std::string local) {
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
          const auto why = hec == beast::error::timeout
                               ? "no complete TLS handshake within " + seconds_text(opt.timeout)
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

}  // namespace authctx::http

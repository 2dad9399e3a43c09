#include "http/client.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>

#include "http/beast.hpp"
#include "http/tls_support.hpp"
#include "util/errors.hpp"

namespace authctx::http {
namespace {

using namespace detail;  // NOLINT(google-build-using-namespace): Asio/Beast short names
using Clock = std::chrono::steady_clock;

struct OpResult {
  error_code ec = asio::error::would_block;
  std::size_t bytes = 0;
};

bool is_closed(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == bhttp::error::end_of_stream || ec == ssl::error::stream_truncated;
}

// What the first bytes of a reply say about the peer when they are not "HTTP/".
std::string not_http_hint(std::string_view first) {
  const auto b0 = first.empty() ? 0 : static_cast<unsigned char>(first[0]);
  if (b0 >= 0xA1 && b0 <= 0xA8)
    return "this looks like the authctx framing: use `authctx client --connect HOST:PORT` for an authctx server";
  if (b0 == 0x15 || b0 == 0x16) return "the server speaks TLS on this port: use https://";
  if (first.rfind("SSH-", 0) == 0) return "this is an SSH server";
  return "check the port: the peer does not speak HTTP";
}
}  // namespace

struct Client::Impl {
  ClientOptions opt;
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::optional<TlsSession> tls;
  detail::VerifyRecord verify;
  int connections = 0;
  int exchanges = 0;  // on the current connection
  std::string peer;
  std::string closed_reason;  // why the previous connection ended, for the next exchange

  explicit Impl(ClientOptions o) : opt(std::move(o)) {
    if (opt.url.tls()) {
      ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      if (!opt.insecure) detail::load_client_trust(ctx.native_handle(), opt.cacert);
    }
  }

  bool open() const { return plain || secure; }
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void drive() {
    ioc.restart();
    ioc.run();
  }

  void close_stream(std::string reason) {
    if (open()) {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().socket().close(ignored);
    }
    secure.reset();
    plain.reset();
    buffer.consume(buffer.size());
    exchanges = 0;
    closed_reason = std::move(reason);
  }

  // A kept-alive connection the server has closed (FIN or a TLS close_notify) or written to
  // unasked (e.g. a 408) is readable while idle; either way it cannot carry the next request.
  bool idle_connection_broken() {
    pollfd p{lowest().socket().native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  std::vector<tcp::endpoint> endpoints() {
    std::vector<tcp::endpoint> eps;
    for (const auto& a : opt.connect_addresses) eps.emplace_back(asio::ip::make_address(a), opt.url.port);
    if (!eps.empty()) return eps;
    // Asio's resolver runs getaddrinfo on a thread of its own, started per io_context: a load
    // run's every handshake would start one (and wait for it) without these.
    for (const auto& a : opt.known_addresses) {
      error_code ec;
      const auto address = asio::ip::make_address(a, ec);
      if (!ec) eps.emplace_back(address, opt.url.port);
    }
    if (!eps.empty()) return eps;
    tcp::resolver resolver(ioc);
    error_code rec = asio::error::would_block;
    tcp::resolver::results_type results;
    resolver.async_resolve(opt.url.host, std::to_string(opt.url.port),
                           [&](error_code ec, tcp::resolver::results_type r) {
                             rec = ec;
                             results = std::move(r);
                           });
    ioc.restart();
    ioc.run_for(opt.connect_timeout);
    if (rec == asio::error::would_block) {
      resolver.cancel();
      drive();
      throw util::transport_error(
          "timeout", "resolving " + opt.url.host + " took longer than " + seconds_text(opt.connect_timeout),
          "check the resolver, or use --resolve HOST:PORT:ADDRESS");
    }
    if (rec)
      throw util::transport_error("resolve_failed", "cannot resolve " + opt.url.host + ": " + rec.message(),
                                  "check the name, or use --resolve HOST:PORT:ADDRESS");
    for (const auto& r : results) eps.push_back(r.endpoint());
    return eps;
  }

  void connect() {
    const auto eps = endpoints();
    auto stream = std::make_unique<beast::tcp_stream>(ioc);
    stream->expires_after(opt.connect_timeout);
    OpResult r;
    stream->async_connect(eps, [&r](error_code ec, const tcp::endpoint&) { r.ec = ec; });
    drive();
    std::string where = opt.url.authority();
    if (!opt.connect_addresses.empty()) where += " (at " + opt.connect_addresses.front() + ", --resolve)";
    if (r.ec == beast::error::timeout)
      throw util::transport_error("timeout",
                                  "connecting to " + where + " took longer than " + seconds_text(opt.connect_timeout),
                                  "the server is unreachable or filtered; check the address and port");
    if (r.ec == asio::error::connection_refused)
      throw util::transport_error("connection_refused", "cannot connect to " + where + ": connection refused",
                                  "check that the web server is running on that port");
    if (r.ec) throw util::transport_error("connect_failed", "cannot connect to " + where + ": " + r.ec.message());
    error_code ignored;
    stream->socket().set_option(tcp::no_delay(true), ignored);  // FACTS.md: Nagle stalls small writes
    peer = endpoint_text(stream->socket().remote_endpoint(ignored));
    ++connections;
    exchanges = 0;
    if (!opt.url.tls()) {
      plain = std::move(stream);
      return;
    }
    secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), ctx);
    verify = {};
    const bool check = !opt.insecure;
    const auto sni = detail::configure_client_ssl(secure->native_handle(), opt.url, check);
    if (check) {
      secure->set_verify_mode(ssl::verify_peer);
      secure->set_verify_callback([this](bool preverified, ssl::verify_context& v) {
        return detail::record_verify(preverified, v.native_handle(), verify);
      });
    }
    beast::get_lowest_layer(*secure).expires_after(opt.timeout);
    OpResult h;
    secure->async_handshake(ssl::stream_base::client, [&h](error_code ec) { h.ec = ec; });
    drive();
    if (h.ec) {
      auto reason = h.ec == beast::error::timeout ? "no answer within " + seconds_text(opt.timeout) : h.ec.message();
      close_stream("the TLS handshake failed");
      if (h.ec == beast::error::timeout)
        throw util::transport_error("timeout", "TLS handshake with " + opt.url.authority() + ": " + reason,
                                    "the server accepted the connection but does not answer TLS; raise --timeout");
      throw detail::handshake_error(verify, reason, opt.url, opt.cacert);
    }
    tls = detail::session_of(secure->native_handle(), check, sni);
  }

  util::Error read_error(const error_code& ec, bool header_done, int status) const {
    if (ec == beast::error::timeout)
      return util::transport_error(
          "timeout",
          header_done ? "the response body (status " + std::to_string(status) + ") did not arrive within " +
                            seconds_text(opt.timeout)
                      : "no complete response from " + opt.url.authority() + " within " + seconds_text(opt.timeout),
          "the server is silent or slow; raise --timeout");
    if (ec == bhttp::error::header_limit)
      return util::transport_error(
          "header_too_large",
          "the response header block is larger than " + std::to_string(opt.max_header_bytes) + " bytes",
          "a WWW-Authenticate token this large is not a real one; raise --max-token-size to read it");
    if (ec == bhttp::error::body_limit)
      return util::transport_error("body_too_large",
                                   "the response body is larger than " + std::to_string(opt.max_body_bytes) + " bytes");
    if (ec == bhttp::error::partial_message || is_closed(ec))
      return util::transport_error("closed_early",
                                   std::string("the server closed the connection in the middle of the response ") +
                                       (header_done ? "body" : "header"),
                                   "the server gave up or crashed; its log says why");
    if (ec == asio::error::connection_reset)
      return util::transport_error("reset", "the server reset the connection", "the server gave up or crashed");
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() ||
        ec == bhttp::error::bad_field)
      return util::transport_error("malformed_response", "malformed HTTP response: " + ec.message(),
                                   "the server (or something in between) sent a broken response");
    return util::transport_error("io_error", "reading the response: " + ec.message());
  }

  enum class Attempt { done, closed_before_reply };

  template <class Stream>
  Attempt write_request(Stream& stream, const Request& req, ExchangeInfo& info) {
    bhttp::request<bhttp::string_body> msg;
    msg.version(11);
    msg.method_string(req.method);
    msg.target(req.target);
    msg.set(bhttp::field::host, opt.url.authority());
    msg.set(bhttp::field::user_agent, opt.user_agent);
    for (const auto& h : req.headers.list()) {
      if (iequals(h.name, "Host"))
        msg.set(bhttp::field::host, h.value);
      else
        msg.insert(h.name, h.value);
    }
    msg.body() = req.body;
    msg.prepare_payload();
    lowest().expires_after(opt.timeout);
    OpResult w;
    bhttp::async_write(stream, msg, [&w](error_code ec, std::size_t n) {
      w.ec = ec;
      w.bytes = n;
    });
    drive();
    if (w.ec && is_closed(w.ec) && exchanges > 0) return Attempt::closed_before_reply;
    if (w.ec == beast::error::timeout)
      throw util::transport_error("timeout", "sending the request took longer than " + seconds_text(opt.timeout));
    if (w.ec)
      throw util::transport_error("reset", "cannot send the request: " + w.ec.message(),
                                  "the server closed the connection");
    info.request_bytes = w.bytes;
    return Attempt::done;
  }

  // The first bytes decide whether the peer speaks HTTP at all, before the parser waits for
  // a whole header block that a non-HTTP peer never sends.
  template <class Stream>
  Attempt read_first_bytes(Stream& stream) {
    while (buffer.size() < 5) {
      OpResult r;
      stream.async_read_some(buffer.prepare(4096), [&r](error_code ec, std::size_t n) {
        r.ec = ec;
        r.bytes = n;
      });
      drive();
      buffer.commit(r.bytes);
      if (!r.ec) continue;
      if (is_closed(r.ec) && buffer.size() == 0) {
        if (exchanges > 0) return Attempt::closed_before_reply;
        const auto hint = "the server refused the request or crashed; check that this port serves HTTP";
        if (r.ec == asio::error::connection_reset)
          throw util::transport_error("reset", "the server reset the connection without answering", hint);
        throw util::transport_error("empty_reply", "the server closed the connection without answering", hint);
      }
      // tcp_stream closes the socket when its deadline passes: nothing more can be read.
      if (r.ec == beast::error::timeout)
        throw util::transport_error(
            "timeout",
            (buffer.size() == 0 ? "no answer from " : "no complete response from ") + opt.url.authority() + " within " +
                seconds_text(opt.timeout) +
                (buffer.size() == 0 ? "" : " (" + std::to_string(buffer.size()) + " bytes arrived)"),
            "the server is silent or slow: check it serves HTTP on this port; raise --timeout");
      break;  // a short reply: the check below names it
    }
    const std::string_view first(static_cast<const char*>(buffer.data().data()), buffer.size());
    const std::string_view want = "HTTP/";
    if (first.substr(0, want.size()) != want.substr(0, std::min(first.size(), want.size())))
      throw util::transport_error("not_http", "the peer's reply is not HTTP: \"" + escape_bytes(first) + "\"",
                                  not_http_hint(first));
    return Attempt::done;
  }

  template <class Stream>
  void read_response(Stream& stream, const Request& req, Response& out, ExchangeInfo& info) {
    for (int interim = 0;; ++interim) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, UINT32_MAX)));
      parser.body_limit(opt.max_body_bytes);
      if (iequals(req.method, "HEAD")) parser.skip(true);
      OpResult r;
      bhttp::async_read(stream, buffer, parser, [&r](error_code ec, std::size_t n) {
        r.ec = ec;
        r.bytes = n;
      });
      drive();
      const bool header_done = parser.is_header_done();
      if (r.ec) throw read_error(r.ec, header_done, header_done ? static_cast<int>(parser.get().result_int()) : 0);
      auto& msg_in = parser.get();
      const int status = static_cast<int>(msg_in.result_int());
      if (status >= 100 && status < 200 && status != 101 && interim < 4) continue;  // 100 Continue, 103 ...
      out.status = status;
      out.reason = std::string(msg_in.reason());
      out.version = static_cast<int>(msg_in.version());
      info.header_bytes = 17 + out.reason.size();
      for (const auto& f : msg_in) {
        out.headers.add(std::string(f.name_string()), std::string(f.value()));
        info.header_bytes += f.name_string().size() + f.value().size() + 4;
      }
      out.body = std::move(msg_in.body());
      out.keep_alive = msg_in.keep_alive() && !parser.need_eof();
      return;
    }
  }

  template <class Stream>
  Attempt attempt(Stream& stream, const Request& req, Response& out, ExchangeInfo& info) {
    if (write_request(stream, req, info) == Attempt::closed_before_reply) return Attempt::closed_before_reply;
    if (read_first_bytes(stream) == Attempt::closed_before_reply) return Attempt::closed_before_reply;
    read_response(stream, req, out, info);
    return Attempt::done;
  }

  Attempt attempt_any(const Request& req, Response& out, ExchangeInfo& info) {
    return secure ? attempt(*secure, req, out, info) : attempt(*plain, req, out, info);
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

Response Client::exchange(const Request& request, ExchangeInfo& info) {
  auto& d = *impl_;
  const auto started = Clock::now();
  info = ExchangeInfo{};
  Response out;
  try {
    if (d.open() && d.exchanges > 0 && d.idle_connection_broken())
      d.close_stream("the server closed the kept-alive connection while it was idle");
    if (!d.open()) {
      info.reopened = d.connections > 0;
      info.reopen_reason = info.reopened ? d.closed_reason : "";
      d.connect();
    }
    info.reused = d.exchanges > 0;
    if (d.attempt_any(request, out, info) == Impl::Attempt::closed_before_reply) {
      // The server closed the kept-alive connection as the request arrived: RFC 9112 §9.3.1
      // allows one retry on a new connection; there a close is an ordinary failure.
      d.close_stream("the server closed the kept-alive connection when the request arrived");
      info.reopened = true;
      info.reopen_reason = d.closed_reason;
      d.connect();
      info.reused = false;
      out = Response{};
      d.attempt_any(request, out, info);
    }
  } catch (...) {
    // A failed exchange leaves the connection in an unknown state: it is never reused.
    d.close_stream("the previous exchange on it failed");
    throw;
  }
  info.connection = d.connections;
  info.peer = d.peer;
  ++d.exchanges;
  if (!out.keep_alive)
    d.close_stream(out.headers.has("Connection") ? "the server answered with Connection: close"
                                                 : "the server's HTTP/1.0 response did not keep the connection alive");
  info.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  return out;
}

const TlsSession* Client::tls() const { return impl_->tls ? &*impl_->tls : nullptr; }
bool Client::is_open() const { return impl_->open(); }
void Client::close() { impl_->close_stream("closed by the client"); }
int Client::connections_opened() const { return impl_->connections; }

}  // namespace authctx::http

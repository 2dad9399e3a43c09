// Internal to src/http: the server's shared state (server_impl.hpp is included only by
// server.cpp, which accepts and stops, and server_connection.cpp, which runs one connection
// as a coroutine). Boost stays out of the public header server.hpp.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "http/beast.hpp"
#include "http/server.hpp"

namespace authctx::http {
namespace detail {

using Strand = asio::strand<asio::io_context::executor_type>;
inline constexpr auto k_await = asio::as_tuple(asio::use_awaitable);

// One per connection, shared by its coroutine and the server's registry so that stop() can
// cut a connection off. Fields marked "strand" are touched only on the connection's strand.
struct Tracker : std::enable_shared_from_this<Tracker> {
  Tracker(Strand s, std::uint64_t i) : strand(std::move(s)), id(i) {}
  Strand strand;
  std::uint64_t id;
  beast::tcp_stream* lowest = nullptr;  // strand
  bool alive = true;                    // strand
  std::uint64_t generation = 0;         // of the request deadline (strand)
  bool timed_out = false;               // the request deadline passed (strand)
  std::shared_ptr<asio::steady_timer> deadline;
  std::atomic<bool> idle{false};      // waiting for a request with nothing buffered
  std::atomic<bool> stopping{false};  // finish the current request, then close
  void cut() {
    asio::post(strand, [self = shared_from_this()] {
      if (self->alive && self->lowest != nullptr) self->lowest->close();
    });
  }
};

}  // namespace detail

// Internal header of two .cpp files: the short Asio/Beast names serve the whole of it.
using namespace detail;  // NOLINT(google-build-using-namespace)

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

  Impl(ServerOptions o, HandlerFactory f);
  // server.cpp: listening, the registry of connections, stopping.
  void bind(const ListenAddress& l);
  int active() const;
  std::shared_ptr<Tracker> track(Strand strand);
  void untrack(const Tracker& t);
  void do_stop();  // on control
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::string local);

  // server_connection.cpp: one connection.
  asio::awaitable<void> connection(tcp::socket socket, std::shared_ptr<Tracker> t, std::string local);
  std::unique_ptr<ConnectionHandler> make_handler(const ConnectionInfo& info, CloseInfo& close);
  struct Exchange {
    Request request;
    RequestInfo info;
  };
  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer,
                              ConnectionHandler& handler, Tracker& t, CloseInfo& close, bool tls);
  template <class Stream>
  asio::awaitable<bool> first_byte(Stream& stream, beast::tcp_stream& lowest, beast::flat_buffer& buffer, Tracker& t,
                                   CloseInfo& close, bool tls);
  template <class Stream>
  asio::awaitable<std::optional<Exchange>> read_request(Stream& stream, beast::tcp_stream& lowest,
                                                        beast::flat_buffer& buffer, Tracker& t, CloseInfo& close,
                                                        bool tls);
  template <class Stream>
  asio::awaitable<bool> respond(Stream& stream, beast::tcp_stream& lowest, ConnectionHandler& handler, Tracker& t,
                                CloseInfo& close, Exchange& x);
  CloseInfo end_after(const Response& resp, const RequestInfo& info, const Tracker& t) const;
  template <class Stream>
  asio::awaitable<void> send_error(Stream& stream, beast::tcp_stream& lowest, int status, const std::string& text);
  CloseInfo read_failure(const error_code& ec, bool got_some, int answered, const std::string& buffered) const;
  void arm_deadline(Tracker& t);
  static void disarm_deadline(Tracker& t);
};

}  // namespace authctx::http

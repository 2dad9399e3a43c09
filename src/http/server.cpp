#include "http/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include <csignal>
#include <thread>

#include "http/server_impl.hpp"
#include "http/tls_support.hpp"
#include "util/errors.hpp"

namespace authctx::http {

std::string ListenAddress::text() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Server::Impl::Impl(ServerOptions o, HandlerFactory f) : opt(std::move(o)), factory(std::move(f)) {
  if (opt.tls_cert.empty() != opt.tls_key.empty())
    throw util::usage_error("--tls-cert and --tls-key go together", "give both PEM files, or neither for plain http");
  if (!opt.tls_cert.empty()) {
    ctx.emplace(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    detail::load_server_identity(ctx->native_handle(), opt.tls_cert, opt.tls_key);
    cert = read_certificate_file(opt.tls_cert);
  }
  for (const auto& l : opt.listen) bind(l);
}

void Server::Impl::bind(const ListenAddress& l) {
  error_code ec;
  tcp::resolver resolver(ioc);
  const auto results =
      resolver.resolve(l.host, std::to_string(l.port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) throw util::setup_error("listen_failed", "cannot resolve " + l.host + ": " + ec.message());
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
  throw util::setup_error("listen_failed", "cannot listen on " + l.text() + ": " + last,
                          "choose a free port (or port 0 for any) on a local address");
}

int Server::Impl::active() const {
  std::lock_guard lock(mutex);
  return counts.active;
}

std::shared_ptr<Tracker> Server::Impl::track(Strand strand) {
  std::lock_guard lock(mutex);
  auto t = std::make_shared<Tracker>(std::move(strand), ++counts.accepted);
  live[t->id] = t;
  counts.active = static_cast<int>(live.size());
  counts.peak_active = std::max(counts.peak_active, counts.active);
  return t;
}

void Server::Impl::untrack(const Tracker& t) {
  bool last = false;
  {
    std::lock_guard lock(mutex);
    live.erase(t.id);
    counts.active = static_cast<int>(live.size());
    last = live.empty();
  }
  if (last && stopping) asio::post(control, [this] { grace_timer.cancel(); });
}

void Server::Impl::do_stop() {  // on control
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

asio::awaitable<void> Server::Impl::accept_loop(tcp::acceptor& acceptor, std::string local) {
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

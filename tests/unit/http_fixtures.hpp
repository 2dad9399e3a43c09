// Shared by the src/http tests: an in-process http::Server on a thread with a scripted
// responder, recording every connection it saw and how each ended; the stop at the end is
// bounded (the server's grace), so no thread outlives a test.
#pragma once
#include <catch2/catch.hpp>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/server.hpp"
#include "util/errors.hpp"

namespace authctx::test {

struct SeenConnection {
  http::ConnectionInfo info;
  std::vector<http::Request> requests;
  std::vector<http::RequestInfo> request_infos;
  std::optional<http::CloseInfo> closed;
};

using Responder =
    std::function<http::Response(const http::Request&, const http::RequestInfo&, const http::ConnectionInfo&)>;

inline http::Response ok_text(const std::string& text) {
  http::Response r;
  r.status = 200;
  r.headers.add("Content-Type", "text/plain");
  r.body = text;
  return r;
}

class TestServer {
 public:
  TestServer(http::ServerOptions options, Responder responder) : responder_(std::move(responder)) {
    if (options.listen.empty()) options.listen.push_back({"127.0.0.1", 0});
    server_ = std::make_unique<http::Server>(options, [this](const http::ConnectionInfo& info) {
      std::lock_guard lock(mutex_);
      seen_.push_back({info, {}, {}, std::nullopt});
      return std::make_unique<Handler>(*this, seen_.size() - 1);
    });
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }
  int port() const { return server_->bound().at(0).port; }
  http::Server& server() { return *server_; }
  std::vector<SeenConnection> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // Waits (bounded) until n connections have ended.
  std::vector<SeenConnection> wait_closed(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        std::size_t closed = 0;
        for (const auto& s : seen_) closed += s.closed ? 1u : 0u;
        if (closed >= n) return seen_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("fewer than " << n << " connections ended in time");
    return {};
  }

 private:
  class Handler final : public http::ConnectionHandler {
   public:
    Handler(TestServer& s, std::size_t i) : s_(s), i_(i) {}
    http::Response on_request(const http::Request& r, const http::RequestInfo& info) override {
      http::ConnectionInfo conn;
      {
        std::lock_guard lock(s_.mutex_);
        s_.seen_[i_].requests.push_back(r);
        s_.seen_[i_].request_infos.push_back(info);
        conn = s_.seen_[i_].info;
      }
      return s_.responder_(r, info, conn);
    }
    void on_close(const http::CloseInfo& c) override {
      std::lock_guard lock(s_.mutex_);
      s_.seen_[i_].closed = c;
    }

   private:
    TestServer& s_;
    std::size_t i_;
  };

  Responder responder_;
  mutable std::mutex mutex_;
  std::vector<SeenConnection> seen_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

// The error a client exchange throws (fails the test when there is none).
inline util::Error exchange_error(http::Client& client, const http::Request& request = {}) {
  try {
    http::ExchangeInfo info;
    client.exchange(request, info);
  } catch (const util::Error& e) {
    return e;
  }
  FAIL("the exchange succeeded");
  return util::transport_error("none", "none");
}

inline http::ClientOptions client_for(const std::string& url) {
  http::ClientOptions o;
  o.url = http::parse_url(url);
  o.connect_timeout = std::chrono::seconds(5);
  o.timeout = std::chrono::seconds(5);
  return o;
}

}  // namespace authctx::test

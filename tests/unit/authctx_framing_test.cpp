// The authctx framing over a real socket pair: the client's HELLO and first token leave
// together (nothing is written before the client waits), a client that announced no rounds
// may close after ACCEPTED or still send BYE, records the peer pipelined are read without
// waiting, and the gate's view of a first record (record_extent).
#include <sys/socket.h>
#include <catch2/catch.hpp>

#include <thread>

#include "engine/plans.hpp"
#include "net/socket.hpp"
#include "support/fake_party.hpp"
#include "transport/authctx_channel.hpp"
#include "transport/records.hpp"
#include "util/errors.hpp"

using authctx::net::Socket;
using authctx::transport::AuthctxChannel;
using authctx::transport::Frame;
using authctx::transport::FrameKind;
using authctx::transport::Framing;
using authctx::transport::RecordExtent;
using authctx::transport::Role;
using authctx::transport::SocketRecords;
using authctx::util::Bytes;

namespace {

struct Pair {
  Socket a, b;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) == 0);
    a = Socket(fds[0]);
    b = Socket(fds[1]);
  }
};

constexpr std::chrono::milliseconds k_timeout{2000};

Bytes hello_record(const std::string& json) {
  Bytes r(5 + json.size(), 0);
  r[0] = 0xA1;
  r[4] = static_cast<std::uint8_t>(json.size());
  std::copy(json.begin(), json.end(), r.begin() + 5);
  return r;
}

long pending_bytes(Socket& s) {
  std::uint8_t buf[4096];
  return s.try_read(buf);
}
}  // namespace

TEST_CASE("authctx framing: the client's HELLO and first token leave together, when it first waits",
          "[unit][framing]") {
  Pair p;
  SocketRecords records(p.a, Framing::authctx, 1 << 20, k_timeout);
  AuthctxChannel client(records, Role::initiator, 0, true, true);
  client.open();
  client.send(Frame::context_token(Bytes{1, 2, 3}));
  CHECK(pending_bytes(p.b) == -1);  // nothing written yet
  // The server's side answers HELLO and a token; the client's receive sends what it holds.
  SocketRecords server_records(p.b, Framing::authctx, 1 << 20, k_timeout);
  std::thread server([&] {
    AuthctxChannel server_side(server_records, Role::acceptor);
    server_side.open();
    CHECK(server_side.announced_rounds() == 0);
    CHECK(server_side.report_wanted());
    const auto token = server_side.receive();
    CHECK(token.kind == FrameKind::token);
    CHECK(token.token == Bytes{1, 2, 3});
    server_side.send(Frame::context_token(Bytes{4, 5}));
    server_side.finish();
  });
  const auto answer = client.receive();  // reads the server's HELLO first, then its token
  server.join();
  CHECK(answer.kind == FrameKind::token);
  CHECK(answer.token == Bytes{4, 5});
}

TEST_CASE("authctx framing: a client that announced no rounds may close after ACCEPTED, or still say BYE",
          "[unit][framing]") {
  authctx::test::FakeProtection protection(7);
  SECTION("close") {
    Pair p;
    SocketRecords records(p.b, Framing::authctx, 1 << 20, k_timeout, nullptr,
                          hello_record(R"({"protocol":"authctx/1","messages":0,"report":false})"));
    AuthctxChannel server(records, Role::acceptor);
    server.open();
    CHECK(server.announced_rounds() == 0);
    CHECK_FALSE(server.report_wanted());
    server.finish();                // (a real server's ACCEPTED goes out with its HELLO, before the client can close)
    CHECK(pending_bytes(p.a) > 0);  // the client reads it all, then closes
    p.a = Socket();
    const auto out = authctx::engine::run_plan_acceptor(server, protection);
    CHECK(out.checks.empty());
    CHECK_FALSE(out.peer_error);
  }
  SECTION("bye") {
    Pair p;
    Bytes pipelined = hello_record(R"({"protocol":"authctx/1","messages":0})");
    const Bytes bye{0xA7, 0, 0, 0, 0};  // BYE, in the same bytes
    pipelined.insert(pipelined.end(), bye.begin(), bye.end());
    SocketRecords records(p.b, Framing::authctx, 1 << 20, k_timeout, nullptr, pipelined);
    AuthctxChannel server(records, Role::acceptor);
    server.open();
    const auto out = authctx::engine::run_plan_acceptor(server, protection);
    CHECK(out.checks.empty());
    server.finish();
    SocketRecords client(p.a, Framing::authctx, 1 << 20, k_timeout);
    CHECK(client.read().type == 0xA1);  // the server's HELLO
    const auto results = client.read();
    CHECK(results.type == 0xA8);
    CHECK(std::string(results.payload.begin(), results.payload.end()) == R"({"messages":[]})");
  }
  SECTION("a close mid-frame is still an error") {
    Pair p;
    Bytes partial = hello_record(R"({"protocol":"authctx/1","messages":0})");
    const Bytes half_header{0xA7, 0, 0};
    partial.insert(partial.end(), half_header.begin(), half_header.end());
    SocketRecords records(p.b, Framing::authctx, 1 << 20, k_timeout, nullptr, partial);
    AuthctxChannel server(records, Role::acceptor);
    server.open();
    server.finish();
    CHECK(pending_bytes(p.a) > 0);
    p.a = Socket();
    try {
      authctx::engine::run_plan_acceptor(server, protection);
      FAIL("no error");
    } catch (const authctx::util::Error& e) {
      CHECK(e.error_class() == "closed_early");
    }
  }
}

TEST_CASE("authctx framing: the gate judges a first record by its extent", "[unit][framing]") {
  const auto hello = hello_record(R"({"protocol":"authctx/1"})");
  CHECK(authctx::transport::record_extent(Bytes(hello.begin(), hello.begin() + 4), Framing::authctx, 1024).state ==
        RecordExtent::State::incomplete);
  CHECK(authctx::transport::record_extent(Bytes(hello.begin(), hello.end() - 1), Framing::authctx, 1024).state ==
        RecordExtent::State::incomplete);
  const auto whole = authctx::transport::record_extent(hello, Framing::authctx, 1024);
  CHECK(whole.state == RecordExtent::State::complete);
  CHECK(whole.size == hello.size());
  // Not an authctx frame (HTTP), and a 4 GiB announcement: handed on so a worker says why.
  CHECK(authctx::transport::record_extent(Bytes{'G', 'E', 'T', ' ', '/'}, Framing::authctx, 1024).state ==
        RecordExtent::State::bad);
  CHECK(authctx::transport::record_extent(Bytes{0xA1, 0xFF, 0xFF, 0xFF, 0xFF}, Framing::authctx, 1024).state ==
        RecordExtent::State::bad);
  // gss-sample's opening NOOP|CONTEXT_NEXT with an empty token is a whole record.
  CHECK(authctx::transport::record_extent(Bytes{0x11, 0, 0, 0, 0}, Framing::gss_sample, 1024).state ==
        RecordExtent::State::complete);
}

// The engine without a KDC (src/engine): scripted fake parties (tests/support/fake_party.hpp)
// and the in-memory channel (transport/memory_channel.hpp) drive the one handshake loop, the
// drivers and the per-message plans: leg cap, tokens after completion, failing steps that
// still send their token, peers that close or never answer, each plan, transport metadata
// and the post-establishment phase.
#include <catch2/catch.hpp>

#include <thread>

#include "engine/handshake.hpp"
#include "engine/session.hpp"
#include "report/sink.hpp"
#include "support/fake_party.hpp"
#include "text/view.hpp"
#include "transport/memory_channel.hpp"

namespace {

using authctx::json::Json;
using authctx::report::Direction;
using authctx::report::Side;
using authctx::test::bytes_of;
using authctx::test::FakeParty;
using authctx::test::Scripted;
using authctx::transport::ChannelTraits;
using authctx::transport::Frame;
using authctx::transport::FrameKind;
using authctx::transport::MemoryPipe;
using authctx::transport::MessagePlan;
namespace engine = authctx::engine;
namespace report = authctx::report;

const ChannelTraits k_authctx{MessagePlan::authctx, true, true};
const ChannelTraits k_wrap_mic{MessagePlan::wrap_mic, false, false};
const ChannelTraits k_no_plan{MessagePlan::none, true, false};

// One side's document, sink and options.
struct Recorded {
  report::Document doc;
  report::CaptureSink sink;
  engine::SessionOptions session;
  engine::Recorder rec{doc, sink, session};
  explicit Recorded(int messages = 1) { session.messages = messages; }
};

FakeParty mutual_initiator(std::uint8_t key = 7) {
  return FakeParty(Side::initiator, {{bytes_of("AP-REQ"), false, false}, {{}, true, false}}, key);
}
FakeParty mutual_acceptor(std::uint8_t key = 7) {
  return FakeParty(Side::acceptor, {{bytes_of("AP-REP"), true, false}}, key);
}

// Runs a client and a server over a memory pipe, one thread each.
void run_both(MemoryPipe& pipe, Recorded& client, engine::Party& initiator, Recorded& server, engine::Party& acceptor) {
  std::thread t([&] {
    engine::drive_server(server.rec, acceptor, pipe.acceptor());
    pipe.acceptor().close();
  });
  engine::drive_client(client.rec, initiator, pipe.initiator());
  pipe.initiator().close();
  t.join();
}

std::vector<Frame> drain(MemoryPipe::End& end) {
  std::vector<Frame> out;
  while (end.pending() > 0) out.push_back(end.receive());
  return out;
}
}  // namespace

TEST_CASE("engine: local with scripted parties establishes in two legs and runs the authctx plan", "[engine][local]") {
  Recorded s(1);
  auto init = mutual_initiator();
  auto acc = mutual_acceptor();
  engine::drive_local(s.rec, init, acc);
  REQUIRE_FALSE(s.doc.error);
  CHECK(s.doc.established);
  REQUIRE(s.doc.legs.size() == 2);
  CHECK(s.doc.legs[0].direction == Direction::initiator_to_acceptor);
  CHECK(s.doc.legs[0].token == bytes_of("AP-REQ"));
  CHECK(s.doc.legs[1].direction == Direction::acceptor_to_initiator);
  CHECK(s.doc.legs[0].step_ms.has_value());
  CHECK(acc.inputs.at(0) == bytes_of("AP-REQ"));
  CHECK(init.inputs.at(1) == bytes_of("AP-REP"));
  REQUIRE(s.doc.messages.size() == 6);
  const char* kinds[] = {"wrap", "wrap", "mic", "wrap", "wrap", "mic"};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("check " << i << ": " << s.doc.messages[i].error);
    CHECK(s.doc.messages[i].ok);
    CHECK(s.doc.messages[i].kind == kinds[i]);
    CHECK(s.doc.messages[i].direction == (i < 3 ? Direction::initiator_to_acceptor : Direction::acceptor_to_initiator));
  }
  CHECK(s.doc.messages[0].conf_requested);
  CHECK(s.doc.messages[0].conf);
  CHECK_FALSE(s.doc.messages[1].conf_requested);
  REQUIRE(s.doc.initiator);
  REQUIRE(s.doc.acceptor);
  CHECK(s.doc.mech == authctx::gss::krb5_oid());
}

TEST_CASE("engine: the leg cap stops a handshake that never ends", "[engine][cap]") {
  Recorded s(0);
  auto init = FakeParty::endless(Side::initiator);
  auto acc = FakeParty::endless(Side::acceptor);
  engine::drive_local(s.rec, init, acc);
  CHECK_FALSE(s.doc.established);
  CHECK(s.doc.legs.size() == static_cast<std::size_t>(engine::k_max_legs));
  REQUIRE(s.doc.error);
  CHECK(s.doc.error->cls == "protocol_error");
  CHECK(s.doc.error->message.find("32 legs") != std::string::npos);
  CHECK_FALSE(s.doc.error->transport);
}

TEST_CASE("engine: a token after the initiator completed is a protocol error", "[engine][protocol]") {
  SECTION("in one process") {
    Recorded s(0);
    FakeParty init(Side::initiator, {{bytes_of("AP-REQ"), true, false}});
    FakeParty acc(Side::acceptor, {{bytes_of("UNWANTED"), true, false}});
    engine::drive_local(s.rec, init, acc);
    REQUIRE(s.doc.error);
    CHECK(s.doc.error->cls == "protocol_error");
    CHECK(s.doc.error->message == "the acceptor sent a token after the initiator's context was complete");
    CHECK(s.doc.legs.size() == 2);
    CHECK_FALSE(s.doc.error->transport);
  }
  SECTION("over a channel the token arrives instead of the verdict") {
    Recorded s(0);
    MemoryPipe pipe(k_authctx);
    FakeParty init(Side::initiator, {{bytes_of("AP-REQ"), true, false}});
    pipe.acceptor().send(Frame::context_token(bytes_of("UNWANTED")));
    engine::drive_client(s.rec, init, pipe.initiator());
    REQUIRE(s.doc.error);
    CHECK(s.doc.error->cls == "protocol_error");
    CHECK(s.doc.error->transport);
    REQUIRE(s.doc.legs.size() == 2);
    CHECK(s.doc.legs[1].token == bytes_of("UNWANTED"));
    CHECK_FALSE(s.doc.established);
  }
}

TEST_CASE("engine: a failing step still sends its token inside the error frame", "[engine][failure]") {
  SECTION("initiator") {
    Recorded s;
    MemoryPipe pipe(k_authctx);
    FakeParty init(Side::initiator, {{bytes_of("KRB-ERROR"), false, true}});
    pipe.acceptor().close();
    engine::drive_client(s.rec, init, pipe.initiator());
    REQUIRE(s.doc.error);
    CHECK(s.doc.error->side == Side::initiator);
    REQUIRE(s.doc.error->gss);
    CHECK(s.doc.error->gss->major() == GSS_S_DEFECTIVE_TOKEN);
    CHECK(s.doc.error->cls == "defective_token");
    REQUIRE(s.doc.legs.size() == 1);
    const auto sent = drain(pipe.acceptor());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].kind == FrameKind::error);
    CHECK(sent[0].token == bytes_of("KRB-ERROR"));
    CHECK(sent[0].body["class"] == "defective_token");
  }
  SECTION("acceptor") {
    Recorded s;
    MemoryPipe pipe(k_authctx);
    FakeParty acc(Side::acceptor, {{bytes_of("KRB-ERROR"), false, true}});
    pipe.initiator().send(Frame::context_token(bytes_of("AP-REQ")));
    pipe.initiator().close();
    engine::drive_server(s.rec, acc, pipe.acceptor());
    REQUIRE(s.doc.error);
    CHECK(s.doc.error->side == Side::acceptor);
    CHECK(s.doc.legs.size() == 2);
    const auto sent = drain(pipe.initiator());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].kind == FrameKind::error);
    CHECK(sent[0].token == bytes_of("KRB-ERROR"));
    CHECK(sent[0].body["side"] == "acceptor");
  }
}

TEST_CASE("engine: a peer that closes mid-exchange is a transport failure", "[engine][closed]") {
  Recorded s;
  MemoryPipe pipe(k_authctx);
  auto init = mutual_initiator();
  pipe.acceptor().close();
  engine::drive_client(s.rec, init, pipe.initiator());
  REQUIRE(s.doc.error);
  CHECK(s.doc.error->transport);
  CHECK(s.doc.error->cls == "closed_early");
  CHECK(s.doc.error->stage == "transport");
  CHECK(s.doc.legs.size() == 1);
  CHECK_FALSE(s.doc.established);
}

TEST_CASE("engine: a verdict that never comes is a transport timeout", "[engine][verdict]") {
  Recorded s;
  MemoryPipe pipe(k_authctx, std::chrono::milliseconds(100));
  auto init = mutual_initiator();
  pipe.acceptor().send(Frame::context_token(bytes_of("AP-REP")));  // then silence: no ACCEPTED
  engine::drive_client(s.rec, init, pipe.initiator());
  REQUIRE(s.doc.error);
  CHECK(s.doc.error->cls == "timeout");
  CHECK(s.doc.error->transport);
  CHECK_FALSE(s.doc.established);
  CHECK(s.doc.legs.size() == 2);
  CHECK_FALSE(s.doc.acceptor_report);
}

TEST_CASE("engine: the authctx plan over a channel checks both directions and returns the acceptor's results",
          "[engine][plan]") {
  MemoryPipe pipe(k_authctx);
  Recorded client(2);
  Recorded server;
  auto init = mutual_initiator();
  auto acc = mutual_acceptor();
  run_both(pipe, client, init, server, acc);
  REQUIRE_FALSE(client.doc.error);
  REQUIRE_FALSE(server.doc.error);
  CHECK(client.doc.established);
  CHECK(server.doc.established);
  REQUIRE(client.doc.acceptor_report);
  CHECK((*client.doc.acceptor_report)["source_name"] == "alice@FAKE.TEST");
  REQUIRE(client.doc.messages.size() == 12);
  for (const auto& m : client.doc.messages) CHECK(m.ok);
  CHECK(client.doc.messages[0].direction == Direction::initiator_to_acceptor);
  CHECK(client.doc.messages[3].direction == Direction::acceptor_to_initiator);
  CHECK(client.doc.messages[2].kind == "mic");
  REQUIRE(server.doc.messages.size() == 6);
  for (const auto& m : server.doc.messages) CHECK(m.direction == Direction::initiator_to_acceptor);
  CHECK(server.doc.legs.size() == 2);
}

TEST_CASE("engine: the wrap and MIC plan proves the wrap by the acceptor's MIC", "[engine][plan]") {
  MemoryPipe pipe(k_wrap_mic);
  Recorded client(3);
  Recorded server;
  server.session.report = false;  // --no-report: the acceptance carries no view
  auto init = mutual_initiator();
  auto acc = mutual_acceptor();
  run_both(pipe, client, init, server, acc);
  REQUIRE_FALSE(client.doc.error);
  REQUIRE_FALSE(server.doc.error);
  CHECK(client.doc.established);
  CHECK_FALSE(client.doc.acceptor_report);
  REQUIRE(client.doc.messages.size() == 6);
  CHECK(client.doc.messages[0].kind == "wrap");
  CHECK(client.doc.messages[0].conf);
  CHECK(client.doc.messages[1].kind == "mic");
  CHECK(client.doc.messages[1].direction == Direction::acceptor_to_initiator);
  for (const auto& m : client.doc.messages) CHECK(m.ok);
  REQUIRE(server.doc.messages.size() == 6);
  CHECK(server.doc.messages[0].conf);
}

TEST_CASE("engine: per-message checks with different keys fail as an integrity failure", "[engine][plan]") {
  SECTION("in one process") {
    Recorded s(1);
    auto init = mutual_initiator(1);
    auto acc = mutual_acceptor(2);
    engine::drive_local(s.rec, init, acc);
    REQUIRE(s.doc.error);
    CHECK(s.doc.error->cls == "integrity_failure");
    CHECK(s.doc.error->side == Side::acceptor);
    REQUIRE(s.doc.messages.size() == 6);
    CHECK_FALSE(s.doc.messages[0].ok);
    CHECK(s.doc.messages[0].error == "unwrap: fake: wrong key");
  }
  SECTION("the wrap and MIC plan stops at the first failed message") {
    MemoryPipe pipe(k_wrap_mic, std::chrono::milliseconds(500));
    Recorded client(2);
    Recorded server;
    auto init = mutual_initiator(1);
    auto acc = mutual_acceptor(2);
    run_both(pipe, client, init, server, acc);
    REQUIRE(server.doc.error);
    CHECK(server.doc.error->cls == "integrity_failure");
    REQUIRE(server.doc.messages.size() == 1);
    REQUIRE(client.doc.error);  // no MIC came back: the client sees the connection end
    CHECK(client.doc.error->transport);
  }
}

TEST_CASE("engine: with no plan an acceptance carrying the final token completes the initiator", "[engine][http]") {
  Recorded s(5);  // messages are asked for, but the framing has no plan
  MemoryPipe pipe(k_no_plan);
  pipe.initiator().set_description(Json{{"kind", "memory"}});
  auto init = mutual_initiator();
  Frame acceptance = Frame::acceptance(bytes_of("AP-REP"), nullptr);
  acceptance.meta = Json{{"status", 200}};
  pipe.acceptor().send(acceptance);
  pipe.acceptor().close();
  engine::drive_client(s.rec, init, pipe.initiator());
  REQUIRE_FALSE(s.doc.error);
  CHECK(s.doc.established);
  REQUIRE(s.doc.legs.size() == 2);
  CHECK(s.doc.legs[1].transport == Json{{"status", 200}});
  CHECK(s.doc.messages.empty());
  CHECK(init.inputs.at(1) == bytes_of("AP-REP"));
  const auto sent = drain(pipe.acceptor());
  REQUIRE(sent.size() == 1);  // the AP-REQ only: no bye without a plan
  CHECK(sent[0].kind == FrameKind::token);
}

namespace {
// A channel with a post-establishment phase: it wraps a message with the context and
// unwraps it again, as an LDAP channel negotiates its SASL security layer.
class PhaseChannel final : public authctx::transport::Channel {
 public:
  explicit PhaseChannel(authctx::transport::Channel& inner) : inner_(inner) {}
  const ChannelTraits& traits() const override { return inner_.traits(); }
  Json send(const Frame& f) override {
    inner_.send(f);
    return Json{{"sent", std::string(frame_kind_name(f.kind))}};
  }
  Frame receive() override { return inner_.receive(); }
  std::optional<authctx::transport::PhaseResult> after_established(authctx::transport::Protection& p) override {
    const auto w = p.wrap(true, bytes_of("security layer"));
    const auto u = p.unwrap(w.token);
    authctx::transport::PhaseResult r;
    r.result = Json{{"layer", std::string(u.message.begin(), u.message.end())}, {"conf", u.conf}};
    r.notices.push_back({"phase_note", "the phase ran", "none"});
    return r;
  }
  Json describe() const override { return Json{{"kind", "phase"}}; }

 private:
  authctx::transport::Channel& inner_;
};
}  // namespace

TEST_CASE("engine: a channel's post-establishment phase and sent-frame metadata reach the document",
          "[engine][phase]") {
  Recorded s(0);
  MemoryPipe pipe(k_no_plan);
  PhaseChannel channel(pipe.initiator());
  auto init = mutual_initiator();
  pipe.acceptor().send(Frame::acceptance(bytes_of("AP-REP"), Json{{"source_name", "alice@FAKE.TEST"}}));
  engine::drive_client(s.rec, init, channel);
  REQUIRE_FALSE(s.doc.error);
  REQUIRE(s.doc.application);
  CHECK((*s.doc.application)["layer"] == "security layer");
  CHECK((*s.doc.application)["conf"] == true);
  REQUIRE(s.doc.warnings.size() == 1);
  CHECK(s.doc.warnings[0].cls == "phase_note");
  CHECK(s.doc.legs[0].transport == Json{{"sent", "token"}});
  REQUIRE(s.doc.acceptor_report);
  const auto j = report::document_json(s.doc, s.rec.json_options());
  CHECK(j["application"]["layer"] == "security layer");
  CHECK(j["legs"][0]["transport"]["sent"] == "token");
}

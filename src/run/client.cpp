#include "run/client.hpp"

#include "engine/session.hpp"
#include "run/document.hpp"
#include "transport/tcp_channel.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using SteadyClock = report::SteadyClock;

// A connection and the channel over it, closed together. Lazy: it connects when the channel
// is first sent on or read from, not before; the greeting open() writes is only buffered
// until then (records.hpp), so a load run makes its first token before it connects.
class Connection final : public transport::Channel {
 public:
  Connection(const ClientOptions& client, const transport::TcpOptions& options, report::Document& doc)
      : client_(client), doc_(doc), channel_(socket_, transport::Role::initiator, options) {}
  const transport::ChannelTraits& traits() const override { return channel_.traits(); }
  void open() override { channel_.open(); }
  json::Json send(const transport::Frame& frame) override {
    connect();
    return channel_.send(frame);
  }
  transport::Frame receive() override {
    connect();
    return channel_.receive();
  }
  std::optional<transport::Frame> receive_or_end() override {
    connect();
    return channel_.receive_or_end();
  }
  void finish() override {
    if (socket_) channel_.finish();
  }
  void connect() {
    if (socket_) return;
    const auto started = SteadyClock::now();
    socket_ = net::connect_to(client_.endpoint, client_.timeout);
    doc_.timing.connect_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    doc_.peer = socket_.peer();
  }

 private:
  const ClientOptions& client_;
  report::Document& doc_;
  net::Socket socket_;  // before channel_, which refers to it
  transport::TcpChannel channel_;
};
}  // namespace

ChannelFactory tcp_channel_factory(const ClientOptions& client, int messages, bool lazy) {
  return [&client, messages, lazy](report::Document& doc,
                                   const ChannelWishes& wishes) -> std::unique_ptr<transport::Channel> {
    const transport::TcpOptions options{client.framing, client.max_token_size, client.timeout, nullptr,
                                        messages,       wishes.acceptor_report};
    auto channel = std::make_unique<Connection>(client, options, doc);
    if (!lazy) channel->connect();
    return channel;
  };
}

ClientOutcome run_client(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink) {
  if (client.load) {
    const auto out =
        run_load_client(*client.load, tcp_channel_factory(client, session.messages, true), init, session, sink);
    return ClientOutcome{out.all_established, out.first_error};
  }
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  doc.target = init.target;
  engine::Recorder rec(doc, sink, session);
  try {
    const auto channel = tcp_channel_factory(client, session.messages, false)(doc, ChannelWishes{});
    engine::run_client(rec, init, *channel);
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
  sink.document(finish_document(rec));
  return ClientOutcome{doc.established && !doc.error, doc.error};
}

}  // namespace authctx::run

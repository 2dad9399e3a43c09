#include "run/client.hpp"

#include "engine/session.hpp"
#include "run/document.hpp"
#include "transport/tcp_channel.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

// A connection and the channel over it, closed together.
class Connection final : public transport::Channel {
 public:
  Connection(net::Socket socket, const transport::TcpOptions& options)
      : socket_(std::move(socket)), channel_(socket_, transport::Role::initiator, options) {}
  const transport::ChannelTraits& traits() const override { return channel_.traits(); }
  void open() override { channel_.open(); }
  json::Json send(const transport::Frame& frame) override { return channel_.send(frame); }
  transport::Frame receive() override { return channel_.receive(); }
  std::optional<transport::Frame> receive_or_end() override { return channel_.receive_or_end(); }
  void finish() override { channel_.finish(); }
  std::optional<int> announced_rounds() const override { return channel_.announced_rounds(); }
  bool report_wanted() const override { return channel_.report_wanted(); }

 private:
  net::Socket socket_;
  transport::TcpChannel channel_;
};
}  // namespace

ChannelFactory tcp_channel_factory(const ClientOptions& client, int messages) {
  return [client, messages](report::Document& doc, const ChannelWishes& wishes) -> std::unique_ptr<transport::Channel> {
    auto socket = net::connect_to(client.endpoint, client.timeout);
    doc.timing.connected = report::SteadyClock::now();
    doc.peer = socket.peer();
    const transport::TcpOptions options{client.framing,   client.max_token_size,  client.timeout,
                                        nullptr,          messages,               wishes.acceptor_report};
    return std::make_unique<Connection>(std::move(socket), options);
  };
}

ClientOutcome run_client(const ClientOptions& client, const engine::InitiatorOptions& init,
                         const engine::SessionOptions& session, report::EventSink& sink) {
  if (client.load) {
    const auto out = run_load_client(*client.load, tcp_channel_factory(client, session.messages), init, session, sink);
    return ClientOutcome{out.all_established, out.first_error};
  }
  auto doc = new_document("client");
  doc.requested_mech = init.mech;
  doc.target = init.target;
  engine::Recorder rec(doc, sink, session);
  try {
    const auto channel = tcp_channel_factory(client, session.messages)(doc, ChannelWishes{});
    engine::run_client(rec, init, *channel);
  } catch (const util::Error& e) {
    if (e.kind() != util::ErrorKind::transport) throw;
    rec.error(report::error_report(e));
  }
  sink.document(finish_document(rec));
  return ClientOutcome{doc.established && !doc.error, doc.error};
}

}  // namespace authctx::run

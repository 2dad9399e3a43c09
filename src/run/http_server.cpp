#include "run/http_server.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "engine/credentials.hpp"
#include "engine/session.hpp"
#include "gss/status.hpp"
#include "http/server.hpp"
#include "http/server_channel.hpp"
#include "run/document.hpp"
#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::run {
namespace {

using json::Json;

// Threads for acceptor sessions, started as needed up to a maximum and reused: a session
// waits for its client's next leg on its thread, so there are as many as connections.
class Workers {
 public:
  explicit Workers(int max) : max_(max) {}
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void submit(std::function<void()> task) {
    const std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (idle_ == 0 && static_cast<int>(threads_.size()) < max_) threads_.emplace_back([this] { loop(); });
    ready_.notify_one();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      ++idle_;
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (tasks_.empty()) return;  // stopping, nothing left
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  int max_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  int idle_ = 0;
  bool stopping_ = false;
};

// What the acceptor expects of the client's channel bindings, before any connection.
Json expected_bindings(const engine::AcceptorOptions& acc, const std::optional<http::CertificateFacts>& cert,
                       bool from_certificate) {
  Json j;
  j["expected"] = acc.channel_bindings.has_value();
  j["type"] = from_certificate ? Json("tls-server-end-point") : acc.channel_bindings ? Json("explicit") : Json(nullptr);
  if (from_certificate && cert) {
    j["hash"] = cert->binding_hash;
    if (!cert->binding_note.empty()) j["note"] = cert->binding_note;
  }
  if (acc.channel_bindings) j["application_data_hex"] = util::hex_encode(acc.channel_bindings->application_data);
  j["required"] = acc.require_channel_bindings;
  return j;
}

// What came of them, from the finished document: MIT sets GSS_C_CHANNEL_BOUND_FLAG when the
// initiator's bindings matched ours, fails GSS_S_BAD_BINDINGS when they differ, and accepts
// a client that sent none without the flag (FACTS: MIT ticket 8899).
Json bindings_outcome(Json j, const report::Document& doc) {
  const bool mismatch = doc.error && doc.error->cls == "channel_binding_mismatch";
  const bool bound = doc.acceptor && (doc.acceptor->info.flags & 0x800U) != 0;  // GSS_C_CHANNEL_BOUND_FLAG
  const bool expected = j.value("expected", false);
  if (bound || mismatch) {
    j["sent"] = true;
    j["matched"] = bound;
  } else if (doc.acceptor && expected) {
    j["sent"] = false;
    j["matched"] = nullptr;
  } else {
    j["sent"] = nullptr;  // nothing to compare them with, or no context to tell
    j["matched"] = nullptr;
  }
  return j;
}

struct Service {
  const HttpServerOptions& options;
  const engine::AcceptorOptions& acceptor;
  const engine::SessionOptions& session;
  LockedSink sink;
  Json bindings;
  ServerOutcome outcome;
  std::mutex outcome_mutex;
  http::Server* server = nullptr;
  Workers workers;
  // Acquired once for every connection, as the TCP server does (null: each acquires its own
  // and reports why it cannot).
  std::shared_ptr<const engine::AcceptorCredential> credential;

  Service(const HttpServerOptions& o, const engine::AcceptorOptions& a, const engine::SessionOptions& s,
          report::EventSink& inner)
      : options(o), acceptor(a), session(s), sink(inner), workers(o.max_connections) {}

  bool every() const { return options.documents == Documents::all; }

  void counted(const report::Document& doc) {
    {
      const std::lock_guard lock(outcome_mutex);
      ++outcome.connections;
      if (doc.established && !doc.error) ++outcome.established;
      outcome.last_error = doc.error;
    }
    if (options.once && server != nullptr) server->stop();
  }

  // out: the connection's tagged sink (the recorder's is silent under --documents failures).
  void write(engine::Recorder& rec, transport::Channel* channel, std::uint64_t connection, report::EventSink& out) {
    if (!every() && rec.doc().established && !rec.doc().error) {
      counted(rec.doc());  // --documents failures: a success is only counted
      return;
    }
    Json j = finish_document(rec, channel);
    j["connection"] = connection;
    if (channel != nullptr && j.contains("transport") && j["transport"].is_object())
      j["transport"]["channel_bindings"] = bindings_outcome(bindings, rec.doc());
    out.document(j);
    counted(rec.doc());
  }

  // One authentication, on a worker.
  void authenticate(const std::shared_ptr<http::ServerChannel>& channel, const http::ConnectionInfo& info) {
    TaggedSink tagged(sink, "connection", static_cast<int>(info.id), false);
    report::NullSink quiet;
    // --documents failures: no events, and a lean record (decoded and described only if the
    // authentication fails, which the recorder then does in full for the failing step).
    report::EventSink& events = every() ? static_cast<report::EventSink&>(tagged) : quiet;
    auto doc = new_document("server", info.peer);
    if (events.wants_events()) events.event("connection", Json{{"peer", info.peer}});
    engine::Recorder rec(doc, events, session, every() ? engine::Detail::full : engine::Detail::lean);
    try {
      engine::run_server(rec, acceptor, *channel, credential);
    } catch (const util::Error& e) {  // a set-up error ends this authentication only
      auto r = report::error_report(e);
      r.stage = "server";
      rec.error(std::move(r));
    } catch (const std::exception& e) {
      rec.error(report::internal_report("server", e));
    }
    channel->end_session(doc.error
                             ? report::error_json(*doc.error)
                             : Json{{"class", "internal_error"}, {"message", "the session ended without an answer"}});
    write(rec, channel.get(), info.id, tagged);
  }

  // A connection that ended in an error before any authentication.
  void connection_error(const http::ConnectionInfo& info, const http::CloseInfo& close) {
    TaggedSink tagged(sink, "connection", static_cast<int>(info.id), false);
    auto doc = new_document("server", info.peer);
    engine::Recorder rec(doc, tagged, session);
    auto r = report::error_report(util::transport_error(close.cls, close.message, hint_for(close.cls)));
    rec.error(std::move(r));
    Json j = finish_document(rec);
    j["connection"] = info.id;
    j["transport"] = Json{{"kind", "http"},
                          {"role", "server"},
                          {"peer", info.peer},
                          {"local", info.local},
                          {"status_sent", close.status_sent == 0 ? Json(nullptr) : Json(close.status_sent)},
                          {"requests", close.requests}};
    tagged.document(j);
    counted(doc);
  }

  static std::string hint_for(const std::string& cls) {
    if (cls == "tls_on_plain_port")
      return "the client used https:// on this plain-HTTP port: use http://, or serve TLS";
    if (cls == "not_tls") return "the client used http:// on this TLS port: use https://";
    if (cls == "tls_handshake_failed")
      return "the client refused our certificate or offers no common TLS version; its own output says which";
    if (cls == "header_too_large") return "raise --max-token-size if the client is genuine (large PACs)";
    return "the client does not speak HTTP/1.1 as expected; its own output says why";
  }
};

class Handler final : public http::ConnectionHandler {
 public:
  Handler(Service& service, http::ConnectionInfo info) : service_(service), info_(std::move(info)) {}

  http::Response on_request(const http::Request& request, const http::RequestInfo& info) override {
    const auto authorization = request.headers.first("Authorization");
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!channel_ || channel_->finished()) {
        if (!authorization || !gss_scheme(*authorization)) return challenge(authorization.has_value());
        start();
      }
      channel_->deliver(request, info);
      if (auto response = channel_->take_response(service_.options.timeout + std::chrono::seconds(5))) return *response;
      if (!channel_->returned()) break;
      channel_.reset();  // the last session ended before it took this request: a new one does
    }
    auto r = json_error(503, "the acceptor did not answer in time");
    r.close_after = true;
    return r;
  }

  void on_close(const http::CloseInfo& close) override {
    if (channel_) {
      channel_->connection_closed(close);
    } else if (!close.clean() && close.cls != "server_stopping") {
      service_.connection_error(info_, close);
    }
  }

 private:
  static bool gss_scheme(const std::string& authorization) {
    const auto kind = http::classify_scheme(authorization.substr(0, authorization.find(' ')));
    return kind == http::AuthScheme::negotiate || kind == http::AuthScheme::ntlm || kind == http::AuthScheme::kerberos;
  }

  static http::Response json_error(int status, const std::string& message) {
    http::Response r;
    r.status = status;
    r.headers.add("Content-Type", "application/json");
    r.body = json::dump(Json{{"schema", "authctx/1"}, {"established", false}, {"message", message}}, 2) + "\n";
    return r;
  }

  // RFC 4559 §4: the first answer names the schemes; nothing is recorded yet.
  http::Response challenge(bool other_scheme) const {
    auto r = json_error(401, other_scheme ? "this server takes Negotiate credentials only"
                                          : "authenticate with Negotiate (curl --negotiate -u :)");
    http::add_challenges(r.headers, service_.options.offered);
    return r;
  }

  void start() {
    http::ServerChannelOptions o;
    o.offered = service_.options.offered;
    o.timeout = service_.options.timeout;
    o.max_token_size = service_.options.max_token_size;
    o.connection = info_;
    o.channel_bindings = service_.bindings;
    channel_ = std::make_shared<http::ServerChannel>(std::move(o));
    service_.workers.submit(
        [service = &service_, channel = channel_, info = info_] { service->authenticate(channel, info); });
  }

  Service& service_;
  http::ConnectionInfo info_;
  std::shared_ptr<http::ServerChannel> channel_;
};

}  // namespace

ServerOutcome run_http_server(const HttpServerOptions& server, engine::AcceptorOptions acceptor,
                              const engine::SessionOptions& session, report::EventSink& sink,
                              const ListeningCallback& on_listening) {
  http::ServerOptions o;
  for (const auto& ep : server.listen) o.listen.push_back({ep.host, ep.port});
  o.tls_cert = server.tls_cert;
  o.tls_key = server.tls_key;
  o.max_connections = server.max_connections;
  o.timeout = server.timeout;
  o.grace = server.grace;
  // The header block must hold a token of --max-token-size in base64, and the rest.
  o.max_header_bytes = server.max_token_size / 3 * 4 + 16384;
  o.handle_signals = true;
  o.threads = 2;  // a slow acceptor step on one connection does not stall the others
  std::unique_ptr<Service> service;
  http::Server http_server(
      o, [&service](const http::ConnectionInfo& info) { return std::make_unique<Handler>(*service, info); });
  const bool from_certificate = http_server.certificate().has_value() && !acceptor.channel_bindings;
  if (from_certificate)
    acceptor.channel_bindings = gss::ChannelBindings{http_server.certificate()->channel_binding_data()};
  service = std::make_unique<Service>(server, acceptor, session, sink);
  try {
    service->credential = std::make_shared<engine::AcceptorCredential>(acceptor, true);
  } catch (const gss::GssError&) {
  } catch (const util::Error&) {}
  service->server = &http_server;
  service->bindings = expected_bindings(acceptor, http_server.certificate(), from_certificate);
  std::vector<net::Endpoint> bound;
  for (const auto& b : http_server.bound()) bound.push_back(net::Endpoint{b.host, b.port});
  if (on_listening) on_listening(bound);
  http_server.run();
  auto outcome = [&] {
    const std::lock_guard lock(service->outcome_mutex);
    return service->outcome;
  }();
  service.reset();  // joins the workers: every session has ended with its connection
  return outcome;
}

}  // namespace authctx::run

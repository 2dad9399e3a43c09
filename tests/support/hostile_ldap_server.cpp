#include "support/hostile_ldap_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>

#include "gss/context.hpp"
#include "gss/handles.hpp"
#include "gss/oid.hpp"
#include "ldap/ber_frame.hpp"
#include "ldap/messages.hpp"
#include "ldap/result_code.hpp"
#include "ldap/sasl_layer.hpp"

namespace authctx::test {
namespace {

using Clock = std::chrono::steady_clock;
using ldap::Bytes;

struct Stopped {};  // thrown inside the thread when the test ends or the client goes away

// Blocking-with-bounds I/O on one accepted socket; gives up when stop is set.
class Peer {
 public:
  Peer(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  void read_exact(Bytes& into, std::size_t n) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (into.size() < n) {
      if (stop_.load() || Clock::now() > deadline) throw Stopped{};
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      std::uint8_t buf[4096];
      const auto got = ::recv(fd_, buf, std::min(sizeof buf, n - into.size()), 0);
      if (got <= 0) throw Stopped{};
      into.insert(into.end(), buf, buf + got);
    }
  }
  Bytes read_message() {
    Bytes b;
    read_exact(b, 2);
    while (true) {
      const auto probe = ldap::probe_message(b, 1 << 20);
      if (probe.status == ldap::MessageProbe::Status::error) throw Stopped{};
      if (probe.status == ldap::MessageProbe::Status::complete) {
        read_exact(b, probe.total());
        return b;
      }
      read_exact(b, probe.need);
    }
  }
  Bytes read_sasl_buffer() {
    Bytes len;
    read_exact(len, 4);
    const std::uint32_t n =
        (std::uint32_t{len[0]} << 24) | (std::uint32_t{len[1]} << 16) | (std::uint32_t{len[2]} << 8) | len[3];
    if (n > (1u << 20)) throw Stopped{};
    Bytes token;
    read_exact(token, n);
    return token;
  }
  void write(const Bytes& b) { ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL); }
  void write(const std::string& s) { ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  // Keeps the connection open, saying nothing, until the client closes or the test ends.
  void hold() {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      std::uint8_t buf[4096];
      if (::recv(fd_, buf, sizeof buf, 0) <= 0) return;
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
};

Bytes bind_response(std::int32_t id, int code, const std::string& diagnostic, std::optional<Bytes> creds) {
  ldap::BindResponse r;
  r.result.code = code;
  r.result.diagnostic_message = diagnostic;
  r.server_sasl_creds = std::move(creds);
  return ldap::encode_bind_response(id, r);
}

bool needs_gss(HostileScript s) {
  return s == HostileScript::malformed_layer || s == HostileScript::zero_max_buffer ||
         s == HostileScript::oversized_wrapped_buffer || s == HostileScript::reject_none ||
         s == HostileScript::endless_bind_in_progress;
}

}  // namespace

HostileLdapServer::HostileLdapServer(HostileScript script, std::string keytab)
    : script_(script), keytab_(std::move(keytab)) {
  if (needs_gss(script_) && keytab_.empty()) throw std::invalid_argument("this hostile script needs a keytab");
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(listen_fd_, 8) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("hostile LDAP server: cannot listen");
  }
  socklen_t len = sizeof sa;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] { serve(); });
}

HostileLdapServer::~HostileLdapServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

std::vector<std::string> HostileLdapServer::log() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_;
}

void HostileLdapServer::note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  log_.push_back(line);
}

void HostileLdapServer::serve() {
  while (!stop_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    try {
      serve_one(fd);
    } catch (const Stopped&) {
    } catch (const std::exception& e) {
      note(std::string("error: ") + e.what());
    }
    ::close(fd);
  }
}

void HostileLdapServer::serve_one(int fd) {
  Peer peer(fd, stop_);
  std::optional<gss::AcceptorContext> acceptor;
  gss::Cred cred;
  if (needs_gss(script_)) {
    // Any mechanism the keytab serves: krb5 for GSSAPI, SPNEGO over krb5 for GSS-SPNEGO.
    cred = gss::Cred::acquire_from(nullptr, gss::CredUsage::accept, {}, {{"keytab", keytab_}});
    acceptor.emplace();
  }
  bool complete = false;
  bool offered = false;
  while (true) {
    const auto raw = peer.read_message();
    const auto decoded = ldap::decode_message(raw);
    if (!decoded.message) throw Stopped{};
    const auto& m = *decoded.message;
    const auto id = m.message_id;
    const auto* bind = std::get_if<ldap::BindRequest>(&m.op);
    note(std::string(ldap::op_kind_name(m.kind())) + (bind ? " " + bind->mechanism : "") + " " + std::to_string(id));
    if (bind) ++bind_requests_;
    switch (script_) {
      case HostileScript::not_ldap:
        peer.write(std::string("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        return;
      case HostileScript::silent: peer.hold(); return;
      case HostileScript::slow_partial:
        peer.write(Bytes{0x30, 0x0c, 0x02});
        peer.hold();
        return;
      case HostileScript::oversized_message:
        peer.write(Bytes{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff});
        peer.hold();
        return;
      case HostileScript::indefinite_length:
        peer.write(Bytes{0x30, 0x80, 0x02, 0x01, static_cast<std::uint8_t>(id), 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04,
                         0x00, 0x04, 0x00, 0x00, 0x00});
        peer.hold();
        return;
      case HostileScript::notice_of_disconnection: {
        ldap::ExtendedResponse x;
        x.result.code = ldap::result::unavailable;
        x.result.diagnostic_message = "the server is shutting down";
        x.name = std::string(ldap::k_oid_notice_of_disconnection);
        peer.write(ldap::encode_extended_response(0, x));
        return;
      }
      case HostileScript::wrong_message_id:
        peer.write(bind_response(id + 5, ldap::result::invalid_credentials, "", std::nullopt));
        peer.hold();
        return;
      default: break;
    }
    // The GSS scripts: a real krb5 acceptor for the context legs (RFC 4752 §3.1).
    if (!bind) {
      if (script_ == HostileScript::oversized_wrapped_buffer) continue;
      return;
    }
    if (!complete) {
      auto step = acceptor->step(bind->credentials.value_or(Bytes{}), &cred, nullptr);
      if (step.error) {
        note(std::string("error: accept: ") + step.error->what());
        peer.write(bind_response(id, ldap::result::invalid_credentials, "accept failed", std::nullopt));
        return;
      }
      complete = step.complete;
      peer.write(bind_response(id, ldap::result::sasl_bind_in_progress, "",
                               step.token.empty() ? std::nullopt : std::optional<Bytes>(step.token)));
      continue;
    }
    if (script_ == HostileScript::endless_bind_in_progress) {
      peer.write(bind_response(id, ldap::result::sasl_bind_in_progress, "", std::nullopt));
      continue;
    }
    if (!offered) {
      Bytes offer;
      switch (script_) {
        case HostileScript::malformed_layer: offer = {0x07, 0x00, 0x10}; break;
        case HostileScript::zero_max_buffer: offer = ldap::encode_layer_offer(0x06, 0); break;
        case HostileScript::oversized_wrapped_buffer: offer = ldap::encode_layer_offer(0x07, 4096); break;
        default: offer = ldap::encode_layer_offer(0x07, 0xffff); break;
      }
      offered = true;
      peer.write(bind_response(id, ldap::result::sasl_bind_in_progress, "",
                               gss::wrap(acceptor->handle(), false, offer).token));
      continue;
    }
    // The client's choice.
    const auto plain = gss::unwrap(acceptor->handle(), bind->credentials.value_or(Bytes{})).message;
    const auto choice = ldap::decode_layer_choice(plain);
    note("choice " + std::to_string(choice.mask) + " " + std::to_string(choice.max_buffer));
    if (script_ == HostileScript::reject_none && choice.layer() == ldap::SaslLayer::none) {
      peer.write(bind_response(id, ldap::result::stronger_auth_required, "SASL:[GSSAPI]: Sign or Seal are required.",
                               std::nullopt));
      return;
    }
    peer.write(bind_response(id, ldap::result::success, "", std::nullopt));
    if (script_ == HostileScript::oversized_wrapped_buffer) {
      peer.read_sasl_buffer();  // the client's protected search
      const std::uint32_t n = choice.max_buffer + 1;
      peer.write(Bytes{static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                       static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n), 0x05, 0x04});
      peer.hold();
      return;
    }
    peer.hold();
    return;
  }
}

}  // namespace authctx::test

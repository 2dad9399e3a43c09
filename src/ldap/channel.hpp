// `authctx client --url ldap://|ldaps://`: an LDAPv3 SASL bind as a transport channel
// (transport/channel.hpp), initiator side. The engine makes every GSS-API call; this
// channel owns the socket and every LDAP byte.
//
//   open()      connect (--resolve picks the address; the URL's host stays the TLS name),
//               TLS at once for ldaps://, or the StartTLS extended operation then TLS
//   send()      a context token becomes a BindRequest with SaslCredentials (GSSAPI or
//               GSS-SPNEGO); its meta: message id, operation, mechanism, length
//   receive()   the BindResponse: saslBindInProgress with serverSaslCreds is a token;
//               success is an acceptance (GSS-SPNEGO servers put their final token in it);
//               any other result is the peer's error (class and hint from diagnosis.hpp)
//               with the credentials as its token. meta: message id, result code and name,
//               diagnostic message, matched DN
//   after_established(protection)
//               finishes the bind: for GSSAPI the RFC 4752 §3.1 security layer (the
//               server's wrapped offer unwrapped and decoded, reviewed, the choice wrapped
//               and sent), then installs SASL-buffer protection (GSSAPI: the negotiated
//               layer and maximum buffers; GSS-SPNEGO: sign or seal as requested) and proves
//               the bind with a root DSE search and, where the server lists it, WhoAmI.
//               Its result is the document's "application" object
//
// The acceptor's verdict does not travel as a frame (traits().verdict is false): the bind's
// outcome comes in after_established, which also drains a BindResponse the engine did not
// read. Every wait is bounded by options.timeout; failures are util::Error (transport) in
// send/receive, and a PhaseError in after_established.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ldap/sasl_layer.hpp"
#include "ldap/url.hpp"
#include "transport/channel.hpp"

namespace authctx::ldap {

struct ChannelOptions {
  LdapUrl url;
  std::vector<Resolve> resolve;
  bool starttls = false;
  std::string ca_file;
  bool insecure = false;
  std::string mechanism = "GSSAPI";  // or "GSS-SPNEGO"
  SaslLayer layer = SaslLayer::confidentiality;
  std::uint32_t max_buffer = 65536;  // --sasl-maxbuf: what we can receive
  std::string authzid;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_message = std::size_t{1} << 20;
  int max_bind_rounds = 16;
};

class Session;  // connection, stream and operations (channel.cpp)

class ClientChannel final : public transport::Channel {
 public:
  explicit ClientChannel(ChannelOptions options);
  ~ClientChannel() override;
  ClientChannel(const ClientChannel&) = delete;
  ClientChannel& operator=(const ClientChannel&) = delete;

  const transport::ChannelTraits& traits() const override;
  void open() override;
  transport::Json send(const transport::Frame& frame) override;
  transport::Frame receive() override;
  std::optional<transport::PhaseResult> after_established(transport::Protection& protection) override;
  transport::Json describe() const override;
  std::vector<transport::Notice> take_notices() override;

  // The address actually connected to ("127.0.0.1:389"), once open.
  std::string peer() const;

 private:
  ChannelOptions options_;
  std::unique_ptr<Session> session_;
  std::vector<transport::Notice> notices_;
};

}  // namespace authctx::ldap

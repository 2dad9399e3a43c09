// One LDAP operation at a time over a MessageStream, as a SASL bind check needs them: a
// bind step (one BindRequest with SASL credentials, one BindResponse), a search (entries
// and references until SearchResultDone, at most max_responses of them), an extended
// operation (WhoAmI, StartTLS) and unbind. Each returns the Exchange: the message ID, the
// request's bytes and every response received for it, decoded, so the caller can show
// every byte. Message IDs count up from 1 (RFC 4511 §4.1.1.1).
//
// Failures throw ldap::Error (transport): notice_of_disconnection (the server's unsolicited
// Notice of Disconnection, its result code and diagnostic in the message), malformed_message
// (a decode diagnostic, offset set), unexpected_message_id, unexpected_response,
// too_many_responses, starttls_refused; and the stream's and the connection's classes.
// A result code other than success is not an error here: the caller judges it.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "ldap/stream.hpp"

namespace authctx::ldap {

struct Exchange {
  std::int32_t message_id = 0;
  OpKind request_kind = OpKind::other;
  Sent request;
  std::vector<Received> responses;
  // The final response's message (BindResponse, SearchResultDone, ExtendedResponse).
  const Message& final_message() const { return *responses.back().decoded.message; }
  const LdapResult& result() const { return *final_message().result(); }
  std::vector<SearchResultEntry> entries() const;
};

class Operations {
 public:
  explicit Operations(MessageStream& stream, std::size_t max_responses = 1000)
      : stream_(stream), max_responses_(max_responses) {}
  Exchange bind(std::string_view mechanism, const std::optional<Bytes>& credentials);
  Exchange search(const SearchRequest& request);
  Exchange extended(std::string_view name, const std::optional<Bytes>& value = std::nullopt);
  // Sends UnbindRequest (no response, RFC 4511 §4.3); never throws.
  void unbind() noexcept;
  // StartTLS (RFC 4511 §4.14): the extended operation, then the TLS handshake.
  Exchange start_tls(const TlsOptions& options);
  std::int32_t last_message_id() const { return next_id_ - 1; }

  // A bind in two halves, for a channel whose send and receive are separate calls:
  // send_bind returns the exchange with its request; receive_bind reads its BindResponse.
  Exchange send_bind(std::string_view mechanism, const std::optional<Bytes>& credentials);
  void receive_bind(Exchange& exchange);

 private:
  Exchange begin(OpKind kind, const Bytes& request, std::int32_t id);
  void finish(Exchange& exchange, OpKind final_kind);
  MessageStream& stream_;
  std::size_t max_responses_;
  std::int32_t next_id_ = 1;
};

}  // namespace authctx::ldap

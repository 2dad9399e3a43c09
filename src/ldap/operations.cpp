#include "ldap/operations.hpp"

#include "ldap/result_code.hpp"

namespace authctx::ldap {

std::vector<SearchResultEntry> Exchange::entries() const {
  std::vector<SearchResultEntry> out;
  for (const auto& r : responses)
    if (const auto* e = std::get_if<SearchResultEntry>(&r.decoded.message->op)) out.push_back(*e);
  return out;
}

Exchange Operations::begin(OpKind kind, const Bytes& request, std::int32_t id) {
  Exchange ex;
  ex.message_id = id;
  ex.request_kind = kind;
  ex.request = stream_.send(request);
  return ex;
}

void Operations::finish(Exchange& ex, OpKind final_kind) {
  const auto id = ex.message_id;
  const auto kind = ex.request_kind;
  while (true) {
    if (ex.responses.size() >= max_responses_)
      throw transport_error(
          "too_many_responses",
          "the server sent more than " + std::to_string(max_responses_) + " responses to message " + std::to_string(id),
          "a root DSE search returns one entry; the server is misbehaving");
    auto r = stream_.receive();
    if (!r.decoded.message || !r.decoded.ok()) {
      const auto& d = r.decoded.diagnostics.front();
      throw transport_error("malformed_message",
                            at_byte("the server sent a malformed LDAP message: " + d.message, d.offset),
                            "the server does not encode LDAP as RFC 4511 §5.1 requires");
    }
    const Message& m = *r.decoded.message;
    if (m.is_notice_of_disconnection()) {
      const auto& res = *m.result();
      throw transport_error("notice_of_disconnection",
                            "the server ended the session with a Notice of Disconnection: " +
                                std::string(result_code_name(res.code)) + " (" + std::to_string(res.code) + ")" +
                                (res.diagnostic_message.empty() ? "" : ": " + res.diagnostic_message),
                            "the server closed the connection (RFC 4511 §4.4.1); its diagnostic says why");
    }
    if (m.message_id != id)
      throw transport_error("unexpected_message_id",
                            "the server answered message " + std::to_string(m.message_id) + " while message " +
                                std::to_string(id) + " was outstanding",
                            "the server does not follow RFC 4511 §4.1.1.1");
    const auto k = m.kind();
    const bool intermediate = final_kind == OpKind::search_result_done &&
                              (k == OpKind::search_result_entry || k == OpKind::search_result_reference);
    if (k != final_kind && !intermediate && k != OpKind::intermediate_response)
      throw transport_error(
          "unexpected_response",
          "the server answered a " + std::string(op_kind_name(kind)) + " with a " + std::string(op_kind_name(k)),
          "the server does not follow RFC 4511 §4");
    ex.responses.push_back(std::move(r));
    if (k == final_kind) return;
  }
}

Exchange Operations::send_bind(std::string_view mechanism, const std::optional<Bytes>& credentials) {
  const auto id = next_id_++;
  return begin(OpKind::bind_request, encode_sasl_bind(id, mechanism, credentials), id);
}

void Operations::receive_bind(Exchange& exchange) { finish(exchange, OpKind::bind_response); }

Exchange Operations::bind(std::string_view mechanism, const std::optional<Bytes>& credentials) {
  auto ex = send_bind(mechanism, credentials);
  receive_bind(ex);
  return ex;
}

Exchange Operations::search(const SearchRequest& request) {
  const auto id = next_id_++;
  auto ex = begin(OpKind::search_request, encode_search(id, request), id);
  finish(ex, OpKind::search_result_done);
  return ex;
}

Exchange Operations::extended(std::string_view name, const std::optional<Bytes>& value) {
  const auto id = next_id_++;
  auto ex = begin(OpKind::extended_request, encode_extended(id, name, value), id);
  finish(ex, OpKind::extended_response);
  return ex;
}

void Operations::unbind() noexcept {
  try {
    stream_.send(encode_unbind(next_id_++));
  } catch (...) {  // the session is over either way
  }
}

Exchange Operations::start_tls(const TlsOptions& options) {
  auto ex = extended(k_oid_start_tls);
  const auto& res = ex.result();
  if (res.code != result::success)
    throw transport_error("starttls_refused",
                          "the server refused StartTLS: " + std::string(result_code_name(res.code)) + " (" +
                              std::to_string(res.code) + ")" +
                              (res.diagnostic_message.empty() ? "" : ": " + res.diagnostic_message),
                          "configure TLS on the server, or use ldaps:// if it listens for TLS on port 636");
  if (stream_.buffered() != 0)
    throw transport_error("malformed_message", "the server sent data after accepting StartTLS, before TLS",
                          "the server does not follow RFC 4511 §4.14.2");
  stream_.connection().start_tls(options, Clock::now() + stream_.limits().timeout);
  return ex;
}

}  // namespace authctx::ldap

// Internal to src/ldap: the state one ClientChannel keeps across the engine's calls
// (channel.hpp), the JSON it records, and the post-establishment phase (channel_phase.cpp).
#pragma once
#include <memory>
#include <optional>

#include "ldap/channel.hpp"
#include "ldap/connection.hpp"
#include "ldap/operations.hpp"
#include "transport/protection.hpp"

namespace authctx::ldap {

using transport::Json;

// ldap::Protection over the engine's bytes-only transport::Protection. The wrap overhead is
// not measured (a probe wrap would spend a sequence number the server checks): chunks keep
// 128 bytes of room, more than a krb5 wrap token adds (RFC 4121 §4.2.4: 16-byte header,
// 16-byte confounder and header copy, 12-byte checksum; RC4 and DES3 tokens less).
class ProtectionAdapter final : public Protection {
 public:
  ProtectionAdapter(transport::Protection& inner, bool conf) : inner_(inner), conf_(conf) {}
  Bytes wrap(ByteView plain) override;
  Bytes unwrap(ByteView token) override;
  std::size_t max_plaintext(std::size_t max_wrapped) override;
  bool conf() const { return conf_; }
  int unwrapped_sealed = 0;  // tokens that came sealed
  int unwrapped_signed = 0;  // tokens that came signed only

 private:
  transport::Protection& inner_;
  bool conf_;
};

class Session {
 public:
  Session(Connection connection, const ChannelOptions& options);
  Connection conn;
  MessageStream stream;
  Operations ops;
  std::optional<Exchange> pending;      // a BindRequest sent whose response is unread
  std::optional<Exchange> last_bind;    // the last BindRequest whose response was read
  bool last_response_consumed = false;  // the engine took last_bind's credentials
  std::optional<Json> starttls;         // the StartTLS exchange, when --starttls
  std::string tls_started_by;           // "ldaps" or "starttls"
  std::unique_ptr<ProtectionAdapter> protection;
};

// JSON pieces (channel_json.cpp).
Json result_json(const LdapResult& r);
Json request_meta(const Exchange& ex, std::string_view mechanism);
Json response_meta(const Exchange& ex);
Json exchange_json(const Exchange& ex);
Json entry_json(const SearchResultEntry& e);
Json tls_json(const TlsInfo& tls, std::string_view started_by);
Json offer_json(const LayerOffer& offer, const Bytes& wrapped, const Bytes& unwrapped);
Json choice_json(const LayerReview& review, const std::string& authzid, const Bytes& unwrapped, const Bytes& wrapped);
std::string hex(ByteView b);

// The post-establishment phase: the rest of the bind, the security layer, the proof.
transport::PhaseResult run_bind_phase(Session& s, const ChannelOptions& options, transport::Protection& protection);

}  // namespace authctx::ldap

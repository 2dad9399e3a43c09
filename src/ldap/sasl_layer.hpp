// The GSSAPI SASL security layer (RFC 4752 §3.1) and SASL buffers (RFC 4422 §3.7), as pure
// functions over byte spans. The GSS-API wrap/unwrap around them is the caller's.
//
// After the GSS-API context is established the server sends, wrapped, four octets: a bit
// mask of the layers it offers (1 none, 2 integrity, 4 confidentiality) and the largest
// buffer it can receive, a 24-bit big-endian number. The client answers, wrapped, with one
// chosen bit, its own maximum buffer (0 when it chose none) and an optional authorization
// identity (UTF-8). decode_layer_offer and decode_layer_choice never throw; they report
// problems as diagnostics with offsets into the unwrapped message.
//
// With integrity or confidentiality chosen, every LDAP PDU travels as a SASL buffer: a
// 4-octet big-endian length, then a wrap token of that length. probe_sasl_buffer checks the
// announced length against the maximum the receiver negotiated before anything is read.
//
// review_layer_choice names what breaks real clients: a zero maximum buffer offered with a
// protection layer (Cyrus "encoded packet size too big"), a requested layer the server does
// not offer, and a server that does not offer "none" (it requires signing or sealing, as
// Active Directory does) when the client asks for none.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ldap/errors.hpp"

namespace authctx::ldap {

enum class SaslLayer : std::uint8_t { none = 1, integrity = 2, confidentiality = 4 };
std::string_view sasl_layer_name(SaslLayer layer);  // "none", "integrity", "confidentiality"
std::optional<SaslLayer> sasl_layer_from_name(std::string_view name);

inline constexpr std::uint32_t k_max_sasl_buffer = 0xffffff;  // 24 bits (RFC 4752 §3.1)

struct LayerOffer {
  std::uint8_t mask = 0;  // as sent, unknown bits included
  std::uint32_t max_buffer = 0;
  std::vector<Diagnostic> diagnostics;
  bool offers(SaslLayer l) const { return (mask & static_cast<std::uint8_t>(l)) != 0; }
  std::vector<std::string> layers() const;  // the names of the offered layers, in bit order
  bool ok() const { return diagnostics.empty(); }
};

struct LayerChoice {
  std::uint8_t mask = 0;
  std::uint32_t max_buffer = 0;
  std::string authzid;
  std::vector<Diagnostic> diagnostics;
  std::optional<SaslLayer> layer() const;  // when exactly one known bit is set
  bool ok() const { return diagnostics.empty(); }
};

LayerOffer decode_layer_offer(ByteView unwrapped);
LayerChoice decode_layer_choice(ByteView unwrapped);
Bytes encode_layer_offer(std::uint8_t mask, std::uint32_t max_buffer);  // for test peers
// Throws ldap::Error (usage) when max_buffer exceeds 24 bits.
Bytes encode_layer_choice(SaslLayer layer, std::uint32_t max_buffer, std::string_view authzid);

struct LayerWarning {
  std::string cls;  // sasl_zero_max_buffer, sasl_layer_not_offered, sasl_protection_required, ...
  std::string message;
  std::string hint;
};

struct LayerReview {
  std::vector<LayerWarning> warnings;
  // The layer to send: the requested one, even when the server did not offer it (so the
  // server's refusal is what the person sees), with the max buffer that goes with it.
  SaslLayer layer = SaslLayer::none;
  std::uint32_t max_buffer = 0;
};
LayerReview review_layer_choice(const LayerOffer& offer, SaslLayer requested, std::uint32_t requested_max_buffer);

Bytes frame_sasl_buffer(ByteView wrapped);  // 4-octet length + bytes

struct SaslBufferProbe {
  enum class Status { need_more, complete, error };
  Status status = Status::need_more;
  std::uint32_t length = 0;  // complete: the wrapped token's length
  Diagnostic error;
};
SaslBufferProbe probe_sasl_buffer(ByteView prefix, std::uint32_t max_buffer);

}  // namespace authctx::ldap

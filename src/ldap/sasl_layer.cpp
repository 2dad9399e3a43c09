#include "ldap/sasl_layer.hpp"

#include <algorithm>

namespace authctx::ldap {
namespace {

std::uint32_t be24(ByteView b, std::size_t at) {
  return (std::uint32_t{b[at]} << 16) | (std::uint32_t{b[at + 1]} << 8) | b[at + 2];
}

void put_be24(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

constexpr std::uint8_t k_known_bits = 0x07;

}  // namespace

std::string_view sasl_layer_name(SaslLayer layer) {
  switch (layer) {
    case SaslLayer::none: return "none";
    case SaslLayer::integrity: return "integrity";
    case SaslLayer::confidentiality: return "confidentiality";
  }
  return "none";
}

std::optional<SaslLayer> sasl_layer_from_name(std::string_view name) {
  if (name == "none") return SaslLayer::none;
  if (name == "integrity") return SaslLayer::integrity;
  if (name == "confidentiality") return SaslLayer::confidentiality;
  return std::nullopt;
}

std::vector<std::string> LayerOffer::layers() const {
  std::vector<std::string> out;
  for (const auto l : {SaslLayer::none, SaslLayer::integrity, SaslLayer::confidentiality})
    if (offers(l)) out.emplace_back(sasl_layer_name(l));
  return out;
}

std::optional<SaslLayer> LayerChoice::layer() const {
  switch (mask) {
    case 1: return SaslLayer::none;
    case 2: return SaslLayer::integrity;
    case 4: return SaslLayer::confidentiality;
    default: return std::nullopt;
  }
}

LayerOffer decode_layer_offer(ByteView unwrapped) {
  // RFC 4752 §3.1: "the resulting buffer MUST be 4 octets"; the client fails otherwise.
  LayerOffer o;
  if (unwrapped.size() < 4) {
    o.diagnostics.push_back({unwrapped.size(), "the security-layer message is " + std::to_string(unwrapped.size()) +
                                                   " bytes, RFC 4752 §3.1 requires exactly 4"});
    if (!unwrapped.empty()) o.mask = unwrapped[0];
    return o;
  }
  o.mask = unwrapped[0];
  o.max_buffer = be24(unwrapped, 1);
  if (unwrapped.size() != 4)
    o.diagnostics.push_back(
        {4, std::to_string(unwrapped.size() - 4) + " bytes after the 4-byte security-layer message (RFC 4752 §3.1)"});
  if ((o.mask & k_known_bits) == 0)
    o.diagnostics.push_back({0, "the server offers no security layer at all (bit mask 0x00)"});
  if ((o.mask & ~k_known_bits) != 0)
    o.diagnostics.push_back({0, "unknown security-layer bits in the mask (only 1, 2 and 4 are defined)"});
  return o;
}

LayerChoice decode_layer_choice(ByteView unwrapped) {
  LayerChoice c;
  if (unwrapped.size() < 4) {
    c.diagnostics.push_back({unwrapped.size(), "the client's security-layer message is " +
                                                   std::to_string(unwrapped.size()) +
                                                   " bytes, RFC 4752 §3.1 requires at least 4"});
    return c;
  }
  c.mask = unwrapped[0];
  c.max_buffer = be24(unwrapped, 1);
  c.authzid.assign(unwrapped.begin() + 4, unwrapped.end());
  if (!c.layer()) c.diagnostics.push_back({0, "the client must choose exactly one security layer"});
  return c;
}

Bytes encode_layer_offer(std::uint8_t mask, std::uint32_t max_buffer) {
  Bytes out{mask};
  put_be24(out, max_buffer & k_max_sasl_buffer);
  return out;
}

Bytes encode_layer_choice(SaslLayer layer, std::uint32_t max_buffer, std::string_view authzid) {
  if (max_buffer > k_max_sasl_buffer)
    throw usage_error("--sasl-maxbuf " + std::to_string(max_buffer) + " does not fit the 3-byte field",
                      "use at most 16777215 (RFC 4752 §3.1)");
  Bytes out(4 + authzid.size());
  out[0] = static_cast<std::uint8_t>(layer);
  out[1] = static_cast<std::uint8_t>(max_buffer >> 16);
  out[2] = static_cast<std::uint8_t>(max_buffer >> 8);
  out[3] = static_cast<std::uint8_t>(max_buffer);
  std::copy(authzid.begin(), authzid.end(), out.begin() + 4);
  return out;
}

LayerReview review_layer_choice(const LayerOffer& offer, SaslLayer requested, std::uint32_t requested_max_buffer) {
  LayerReview r;
  r.layer = requested;
  // RFC 4752 §3.1: the client's maximum "MUST be 0 if the client does not support any
  // security layer"; Cyrus and AD both read it only with a protection layer.
  r.max_buffer = requested == SaslLayer::none ? 0 : requested_max_buffer;
  const bool protection_offered = offer.offers(SaslLayer::integrity) || offer.offers(SaslLayer::confidentiality);
  if (protection_offered && offer.max_buffer == 0)
    r.warnings.push_back({"sasl_zero_max_buffer",
                          "the server offers " +
                              std::string(offer.offers(SaslLayer::confidentiality) ? "confidentiality" : "integrity") +
                              " with a maximum buffer of 0 bytes: no protected message can reach it",
                          "clients then fail with \"encoded packet size too big\"; fix the server's SASL "
                          "maxbufsize (Cyrus sasl-maxbufsize, OpenLDAP olcSaslSecProps maxbufsize)"});
  if (!offer.offers(requested)) {
    if (requested == SaslLayer::none && protection_offered)
      r.warnings.push_back({"sasl_protection_required",
                            "the server does not offer the \"none\" layer: it requires signing or sealing",
                            "use --sasl-layer integrity or --sasl-layer confidentiality (Active Directory "
                            "answers \"Strong(er) authentication required\" otherwise)"});
    else
      r.warnings.push_back(
          {"sasl_layer_not_offered",
           "the server does not offer the \"" + std::string(sasl_layer_name(requested)) + "\" layer (it offers " +
               (offer.layers().empty() ? std::string("nothing") : [&] {
                 std::string s;
                 for (const auto& n : offer.layers()) s += (s.empty() ? "" : ", ") + n;
                 return s;
               }()) +
               ")",
           "choose one the server offers with --sasl-layer; the server will refuse this choice"});
  }
  if (requested != SaslLayer::none && requested_max_buffer == 0)
    r.warnings.push_back({"sasl_zero_max_buffer_requested",
                          "--sasl-maxbuf 0 with a protection layer: the server cannot send any protected reply",
                          "give --sasl-maxbuf a size such as 65536"});
  return r;
}

Bytes frame_sasl_buffer(ByteView wrapped) {
  const auto n = static_cast<std::uint32_t>(wrapped.size());
  Bytes out(4 + wrapped.size());
  out[0] = static_cast<std::uint8_t>(n >> 24);
  out[1] = static_cast<std::uint8_t>(n >> 16);
  out[2] = static_cast<std::uint8_t>(n >> 8);
  out[3] = static_cast<std::uint8_t>(n);
  std::copy(wrapped.begin(), wrapped.end(), out.begin() + 4);
  return out;
}

SaslBufferProbe probe_sasl_buffer(ByteView prefix, std::uint32_t max_buffer) {
  SaslBufferProbe p;
  if (prefix.size() < 4) return p;
  const std::uint32_t n =
      (std::uint32_t{prefix[0]} << 24) | (std::uint32_t{prefix[1]} << 16) | (std::uint32_t{prefix[2]} << 8) | prefix[3];
  if (n > max_buffer) {
    p.status = SaslBufferProbe::Status::error;
    p.error = {0, "the server sent a SASL buffer of " + std::to_string(n) + " bytes, over the negotiated maximum of " +
                      std::to_string(max_buffer) + " bytes"};
    return p;
  }
  if (n == 0) {
    p.status = SaslBufferProbe::Status::error;
    p.error = {0, "the server sent an empty SASL buffer (a wrap token cannot be empty)"};
    return p;
  }
  p.status = SaslBufferProbe::Status::complete;
  p.length = n;
  return p;
}

}  // namespace authctx::ldap

// MS-PAC: the PACTYPE buffer list (§2.3–2.4) and the fixed-layout buffers (client info
// §2.7, UPN/DNS info §2.10, signatures §2.8, credentials §2.6, attributes §2.14, requestor
// §2.15). The NDR-encoded buffers are in pac_ndr.cpp. All integers are little-endian.
#include "decode/pac.hpp"

#include "decode/decoders.hpp"
#include "decode/pac_internal.hpp"
#include "decode/pac_tables.hpp"
#include "decode/tables.hpp"
#include "decode/text.hpp"

namespace authctx::decode {

namespace {
constexpr std::uint32_t kMaxBuffers = 256;  // real PACs hold under 20
constexpr std::size_t kPacTypeSize = 8;     // cBuffers, Version
constexpr std::size_t kInfoBufferSize = 16;  // ulType, cbBufferSize, Offset (64-bit)

std::string buffer_node_type(std::uint32_t type) {
  switch (type) {
    case 6:
    case 7:
    case 16:
    case 19: return "mspac.signature";
    default: {
      const auto name = pac_buffer_type_name(type);
      return name.empty() ? "mspac.unknown_buffer" : "mspac." + std::string(name);
    }
  }
}

// §2.7 PAC_CLIENT_INFO: ClientId (FILETIME: the TGT's authentication time), NameLength
// (bytes), Name (UTF-16LE, no terminator).
void decode_client_info(NdrReader& r, Value& out) {
  const auto client_id = r.u64("ClientId");
  const auto name_length = r.u16("NameLength");
  if (client_id) out.set("auth_time", pac_filetime_value(*client_id));
  if (!name_length) return;
  if (*name_length % 2 != 0) r.fail(r.offset() - 2, "NameLength " + std::to_string(*name_length) + " is odd");
  if (const auto name = r.bytes(*name_length, "Name")) out.set("name", utf16le_to_utf8(*name));
}

// A UTF-16LE string at (offset, length) from the start of the UPN_DNS_INFO buffer.
std::optional<std::string> upn_string(NdrReader& r, std::uint16_t length, std::uint16_t offset, std::string_view what) {
  if (length == 0) return std::string();
  NdrReader s = r.sub(offset, length, what);
  if (length % 2 != 0) {
    s.fail(s.offset(), std::string(what) + ": odd length " + std::to_string(length));
    return std::nullopt;
  }
  const auto b = s.bytes(length, what);
  if (!b) return std::nullopt;
  return utf16le_to_utf8(*b);
}

// §2.10 UPN_DNS_INFO: UpnLength, UpnOffset, DnsDomainNameLength, DnsDomainNameOffset,
// Flags; with the S flag also SamNameLength, SamNameOffset, SidLength, SidOffset. Offsets
// count from the start of the buffer.
void decode_upn_dns_info(NdrReader& r, Value& out) {
  const auto upn_len = r.u16("UpnLength");
  const auto upn_off = r.u16("UpnOffset");
  const auto dns_len = r.u16("DnsDomainNameLength");
  const auto dns_off = r.u16("DnsDomainNameOffset");
  const auto flags = r.u32("Flags");
  if (!flags) return;
  if (const auto s = upn_string(r, *upn_len, *upn_off, "Upn")) out.set("upn", *s);
  if (const auto s = upn_string(r, *dns_len, *dns_off, "DnsDomainName")) out.set("dns_domain_name", *s);
  out.set("flags", upn_dns_flags_value(*flags));
  if ((*flags & 0x2) == 0) return;
  const auto sam_len = r.u16("SamNameLength");
  const auto sam_off = r.u16("SamNameOffset");
  const auto sid_len = r.u16("SidLength");
  const auto sid_off = r.u16("SidOffset");
  if (!sid_off) return;
  if (const auto s = upn_string(r, *sam_len, *sam_off, "SamName")) out.set("sam_name", *s);
  NdrReader sid_reader = r.sub(*sid_off, *sid_len, "Sid");
  if (const auto sid = read_binary_sid(sid_reader, "Sid")) {
    out.set("sid", *sid);
    const auto name = well_known_sid_name(*sid);
    if (!name.empty()) out.set("sid_name", name);
  }
}

// §2.8 PAC_SIGNATURE_DATA: SignatureType (a checksum type, signed), Signature, and an
// optional 2-byte RODCIdentifier. The signature's length follows from its type.
void decode_signature(NdrReader& r, Value& out) {
  const auto raw_type = r.u32("SignatureType");
  if (!raw_type) return;
  const auto type = static_cast<std::int32_t>(*raw_type);
  out.set("signature_type", checksum_type_value(type));
  std::size_t length = r.remaining();
  switch (type) {
    case -138: length = 16; break;  // KERB_CHECKSUM_HMAC_MD5 (RFC 4757)
    case 15:
    case 16: length = 12; break;    // HMAC_SHA1_96_AES128/256 (RFC 3962)
    case 19: length = 16; break;    // hmac-sha256-128-aes128 (RFC 8009)
    case 20: length = 24; break;    // hmac-sha384-192-aes256 (RFC 8009)
    default: break;
  }
  const auto sig = r.bytes(length, "Signature");
  if (!sig) return;
  out.set("signature_length", sig->size());
  out.set("signature", hex_string(*sig));
  if (r.remaining() == 2) {
    if (const auto rodc = r.u16("RODCIdentifier")) out.set("rodc_identifier", *rodc);
  } else if (r.remaining() > 0) {
    r.fail_here("PAC_SIGNATURE_DATA: " + std::to_string(r.remaining()) + " unexpected trailing bytes");
  }
}

// §2.6 PAC_CREDENTIAL_INFO: Version, EncryptionType, SerializedData (the client's
// credentials encrypted in the AS reply key: a secret, shown only with show_secrets).
void decode_credentials_info(NdrReader& r, Value& out, const Options& options) {
  const auto version = r.u32("Version");
  const auto enctype = r.u32("EncryptionType");
  if (!enctype) return;
  out.set("version", *version);
  out.set("encryption_type", enctype_value(static_cast<std::int32_t>(*enctype)));
  const auto data = r.bytes(r.remaining(), "SerializedData");
  if (!data) return;
  Value secret = Value::object();
  secret.set("length", data->size());
  if (options.show_secrets) {
    secret.set("hex", hex_string(*data));
  } else {
    secret.set("redacted", true);
  }
  out.set("serialized_data", std::move(secret));
}

// §2.14 PAC_ATTRIBUTES_INFO: FlagsLength (in bits), then ceil(FlagsLength / 32) ULONGs.
void decode_attributes_info(NdrReader& r, Value& out) {
  const auto bits = r.u32("FlagsLength");
  if (!bits) return;
  out.set("flags_length", *bits);
  const std::size_t words = (std::size_t{*bits} + 31) / 32;
  if (words > r.remaining() / 4) {
    r.fail(r.offset() - 4, "FlagsLength " + std::to_string(*bits) + " needs " + std::to_string(words * 4) +
                               " bytes, " + std::to_string(r.remaining()) + " left");
    return;
  }
  if (words == 0) return;
  if (const auto first = r.u32("Flags")) out.set("flags", pac_attributes_flags_value(*first));
  r.skip((words - 1) * 4, "Flags");
}

// §2.15 PAC_REQUESTOR: the SID of the account that asked for the ticket.
void decode_requestor(NdrReader& r, Value& out) {
  if (const auto sid = read_binary_sid(r, "UserSid")) {
    out.set("sid", *sid);
    const auto name = well_known_sid_name(*sid);
    if (!name.empty()) out.set("sid_name", name);
  }
}

void decode_buffer_into(std::uint32_t type, NdrReader& r, Value& node, const Options& options) {
  switch (type) {
    case 1: decode_pac_logon_info(r, node); break;
    case 2: decode_credentials_info(r, node, options); break;
    case 6:
    case 7:
    case 16:
    case 19: decode_signature(r, node); break;
    case 10: decode_client_info(r, node); break;
    case 11: decode_pac_delegation_info(r, node); break;
    case 12: decode_upn_dns_info(r, node); break;
    case 17: decode_attributes_info(r, node); break;
    case 18: decode_requestor(r, node); break;
    default: break;  // claims, device info and unknown types: type and length only
  }
}

// A buffer's node; inside a PAC the list entry already names the buffer type.
Value buffer_node(std::uint32_t type, std::span<const std::uint8_t> buffer, const Options& options, std::size_t base,
                  bool with_type) {
  Value node = make_node(buffer_node_type(type), buffer.size());
  if (with_type) node.set("buffer_type", pac_buffer_type_value(type));
  Diagnostics diag;
  NdrReader r(buffer, base, diag);
  decode_buffer_into(type, r, node, options);
  diag.attach(node);
  return node;
}

std::uint32_t le32(std::span<const std::uint8_t> d, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 4; i > 0; --i) v = (v << 8) | d[at + i - 1];
  return v;
}
}  // namespace

Value decode_pac_buffer(std::uint32_t type, std::span<const std::uint8_t> buffer, const Options& options,
                        std::size_t base) {
  return buffer_node(type, buffer, options, base, true);
}

bool looks_like_pac(std::span<const std::uint8_t> d) {
  if (d.size() < kPacTypeSize + kInfoBufferSize) return false;
  const std::uint32_t count = le32(d, 0);
  if (count == 0 || count > kMaxBuffers || le32(d, 4) != 0) return false;
  const std::size_t header = kPacTypeSize + std::size_t{count} * kInfoBufferSize;
  if (header > d.size()) return false;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t at = kPacTypeSize + std::size_t{i} * kInfoBufferSize;
    const std::uint32_t type = le32(d, at);
    const std::uint32_t size = le32(d, at + 4);
    const std::uint32_t offset = le32(d, at + 8);
    if (type == 0 || type > 0xffff || le32(d, at + 12) != 0 || offset % 8 != 0) return false;
    if (offset < header || offset > d.size() || size > d.size() - offset) return false;
  }
  return true;
}

Value decode_pac(std::span<const std::uint8_t> pac, const Options& options, std::size_t base) {
  // §2.3 PACTYPE: cBuffers, Version (0), then cBuffers PAC_INFO_BUFFERs (§2.4):
  // ulType, cbBufferSize, Offset (64-bit, from the start of the PACTYPE, 8-aligned).
  Value node = make_node("mspac.pac", pac.size());
  Diagnostics diag;
  NdrReader r(pac, base, diag);
  const auto count = r.u32("cBuffers");
  const std::size_t version_at = r.offset();
  const auto version = r.u32("Version");
  if (!count || !version) {
    diag.attach(node);
    return node;
  }
  node.set("version", *version);
  node.set("buffer_count", *count);
  if (*version != 0) r.fail(version_at, "PACTYPE: Version " + std::to_string(*version) + " (must be 0)");
  if (*count > kMaxBuffers || *count > r.remaining() / kInfoBufferSize) {
    r.fail(base, "PACTYPE: " + std::to_string(*count) + " buffers cannot fit in " + std::to_string(pac.size()) +
                     " bytes");
  }
  Value buffers = Value::array();
  for (std::uint32_t i = 0; r.ok() && i < *count; ++i) {
    const std::size_t entry_at = r.offset();
    const auto type = r.u32("ulType");
    const auto size = r.u32("cbBufferSize");
    const auto offset = r.u64("Offset");
    if (!offset) break;
    Value entry = Value::object();
    entry.set("buffer_type", pac_buffer_type_value(*type));
    entry.set("offset", *offset);
    entry.set("length", *size);
    const std::size_t header_end = kPacTypeSize + std::size_t{*count} * kInfoBufferSize;
    Diagnostics entry_diag;
    if (*offset < header_end || *offset > pac.size() || *size > pac.size() - *offset) {
      entry_diag.add(entry_at, "PAC_INFO_BUFFER " + std::to_string(i) + ": offset " + std::to_string(*offset) +
                                   " and size " + std::to_string(*size) + " lie outside the buffer area (" +
                                   std::to_string(header_end) + ".." + std::to_string(pac.size()) + ")");
    } else {
      if (*offset % 8 != 0) {
        entry_diag.add(entry_at + 8, "PAC_INFO_BUFFER " + std::to_string(i) + ": offset " + std::to_string(*offset) +
                                         " is not on an 8-byte boundary (MS-PAC §2.3)");
      }
      const auto bytes = pac.subspan(static_cast<std::size_t>(*offset), *size);
      entry.set("decoded", buffer_node(*type, bytes, options, base + static_cast<std::size_t>(*offset), false));
    }
    entry_diag.attach(entry);
    buffers.push(std::move(entry));
  }
  node.set("buffers", std::move(buffers));
  diag.attach(node);
  return node;
}

std::optional<std::uint32_t> pac_buffer_type_for_attribute(std::string_view attribute) {
  constexpr std::string_view kPrefix = "urn:mspac:";
  if (attribute.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto rest = attribute.substr(kPrefix.size());
  if (rest.empty()) return std::nullopt;
  // MIT (src/lib/krb5/krb/pac.c, mspac_attribute_types) names some types with hyphens
  // ("logon-info", "upn-dns-info") and writes the others as their number.
  std::string underscored(rest);
  for (auto& c : underscored) c = c == '-' ? '_' : c;
  for (std::uint32_t t = 1; t < 64; ++t) {
    if (pac_buffer_type_name(t) == underscored) return t;
  }
  std::uint32_t n = 0;
  for (const char c : rest) {
    if (c < '0' || c > '9' || n > 0xfffffff) return std::nullopt;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return n;
}

}  // namespace authctx::decode

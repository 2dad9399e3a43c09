// NTLM messages (MS-NLMP §2.2.1): NEGOTIATE (type 1), CHALLENGE (type 2), AUTHENTICATE
// (type 3). All integers are little-endian. Variable-length fields are described by 8-byte
// "fields" headers (Len u16, MaxLen u16, BufferOffset u32) that point into the payload;
// each is checked against the message before it is read. Secrets (LM/NT responses and
// NTProofStr, the MIC, the encrypted session key, the client challenge) appear as
// {"length", "redacted": true} unless Options::show_secrets.
#include <cstring>

#include "decode/decoders.hpp"
#include "decode/ntlm_tables.hpp"
#include "decode/text.hpp"

namespace authctx::decode {

namespace {

constexpr std::uint32_t kUnicode = 0x00000001;
constexpr std::uint32_t kExtendedSessionSecurity = 0x00080000;
constexpr std::uint32_t kNegotiateVersion = 0x02000000;
constexpr std::size_t kMaxAvPairs = 64;

std::uint64_t le(Bytes b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i > 0; --i) v = (v << 8) | b[at + i - 1];
  return v;
}
std::uint16_t le16(Bytes b, std::size_t at) { return static_cast<std::uint16_t>(le(b, at, 2)); }
std::uint32_t le32(Bytes b, std::size_t at) { return static_cast<std::uint32_t>(le(b, at, 4)); }

struct Msg {
  Bytes data;
  std::size_t base;
  Diagnostics& diag;
  const Ctx& ctx;
};

// A payload field (MS-NLMP §2.2.1: Len, MaxLen, BufferOffset). `ok` is false when the
// header itself is missing or points outside the message (a diagnostic was recorded).
struct Field {
  bool ok = false;
  std::size_t offset = 0;
  Bytes bytes;
};

Field read_field(const Msg& m, std::size_t at, std::string_view name) {
  Field f;
  if (m.data.size() < at + 8) {
    m.diag.add(m.base + m.data.size(), std::string(name) + ": fields header truncated");
    return f;
  }
  const std::uint16_t len = le16(m.data, at);
  const std::uint32_t off = le32(m.data, at + 4);
  if (len == 0) {
    f.ok = true;
    return f;
  }
  if (off > m.data.size() || len > m.data.size() - off) {
    m.diag.add(m.base + at, std::string(name) + ": offset " + std::to_string(off) + " and length " +
                                std::to_string(len) + " point outside the " + std::to_string(m.data.size()) +
                                "-byte message");
    return f;
  }
  f.ok = true;
  f.offset = off;
  f.bytes = m.data.subspan(off, len);
  return f;
}

std::string read_text(const Msg& m, const Field& f, bool unicode, std::string_view name) {
  if (!unicode) return latin1_to_utf8(f.bytes);
  if (f.bytes.size() % 2 != 0) {
    m.diag.add(m.base + f.offset, std::string(name) + ": odd length for a UTF-16 string");
  }
  return utf16le_to_utf8(f.bytes);
}

Value flags_value(std::uint32_t flags) {
  Value v = Value::object();
  v.set("value", flags);
  v.set("names", ntlm_flag_names(flags));
  return v;
}

Value version_value(Bytes d, std::size_t at) {
  // §2.2.2.10 VERSION: ProductMajorVersion, ProductMinorVersion, ProductBuild (u16),
  // Reserved (3), NTLMRevisionCurrent.
  Value v = Value::object();
  v.set("major", d[at]);
  v.set("minor", d[at + 1]);
  v.set("build", le16(d, at + 2));
  v.set("ntlm_revision", d[at + 7]);
  v.set("text", std::to_string(d[at]) + "." + std::to_string(d[at + 1]) + " build " + std::to_string(le16(d, at + 2)));
  return v;
}

// §2.2.2.1 AV_PAIR list: AvId u16, AvLen u16, Value; ends with MsvAvEOL.
Value decode_av_pairs(const Msg& m, Bytes list, std::size_t list_offset, std::uint32_t* av_flags) {
  Value out = Value::array();
  std::size_t p = 0;
  bool eol = false;
  for (std::size_t count = 0; count < kMaxAvPairs; ++count) {
    if (list.size() - p < 4) break;
    const std::uint16_t id = le16(list, p);
    const std::uint16_t len = le16(list, p + 2);
    const std::size_t at = list_offset + p;
    if (len > list.size() - p - 4) {
      m.diag.add(m.base + at, "AV pair " + std::to_string(id) + ": length " + std::to_string(len) +
                                  " runs past the end of the list");
      return out;
    }
    const Bytes value = list.subspan(p + 4, len);
    p += 4 + len;
    if (id == 0) {
      eol = true;
      break;
    }
    Value av = Value::object();
    av.set("id", id);
    const auto name = ntlm_av_name(id);
    if (!name.empty()) av.set("name", name);
    av.set("length", len);
    switch (id) {
      case 1: case 2: case 3: case 4: case 5: case 9:  // UTF-16LE names (§2.2.2.1)
        av.set("value", utf16le_to_utf8(value));
        break;
      case 6:  // MsvAvFlags
        if (len == 4) {
          const std::uint32_t f = le32(value, 0);
          if (av_flags != nullptr) *av_flags = f;
          av.set("value", f);
          av.set("flags", ntlm_av_flag_names(f));
        } else {
          m.diag.add(m.base + at, "MsvAvFlags: length is not 4");
        }
        break;
      case 7:  // MsvAvTimestamp: FILETIME
        if (len == 8) {
          const std::uint64_t ft = le(value, 0, 8);
          av.set("value", filetime_to_rfc3339(ft));
          av.set("filetime", ft);
        } else {
          m.diag.add(m.base + at, "MsvAvTimestamp: length is not 8");
        }
        break;
      case 8:  // MsvAvSingleHost: Single_Host_Data (§2.2.2.2)
        if (len >= 48) {
          av.set("size", le32(value, 0));
          av.set("custom_data", hex_string(value.subspan(8, 8)));
          av.set("machine_id", hex_string(value.subspan(16, 32)));
        }
        break;
      case 10: {  // MsvAvChannelBindings: MD5 of gss_channel_bindings_struct, zeros when none
        bool zero = true;
        for (const auto b : value) zero = zero && b == 0;
        av.set("present", true);
        av.set("all_zero", zero);
        av.set("hex", hex_string(value));
        break;
      }
      default:
        av.set("hex", hex_string(value));
        break;
    }
    out.push(std::move(av));
  }
  if (!eol) m.diag.add(m.base + list_offset + p, "AV pair list has no MsvAvEOL terminator");
  return out;
}

void decode_negotiate(const Msg& m, Value& node) {
  // §2.2.1.1: Signature, MessageType, NegotiateFlags@12, DomainNameFields@16,
  // WorkstationFields@24, Version@32 (when NTLMSSP_NEGOTIATE_VERSION), Payload.
  const auto& d = m.data;
  if (d.size() < 16) {
    m.diag.add(m.base + d.size(), "NEGOTIATE message truncated before NegotiateFlags");
    return;
  }
  const std::uint32_t flags = le32(d, 12);
  node.set("negotiate_flags", flags_value(flags));
  if (d.size() < 32) {
    m.diag.add(m.base + d.size(), "NEGOTIATE message shorter than its 32-byte header");
    return;
  }
  // §2.2.1.1: these two strings are always in the OEM character set.
  const Field domain = read_field(m, 16, "DomainNameFields");
  if (domain.ok && !domain.bytes.empty()) node.set("domain", read_text(m, domain, false, "DomainName"));
  const Field ws = read_field(m, 24, "WorkstationFields");
  if (ws.ok && !ws.bytes.empty()) node.set("workstation", read_text(m, ws, false, "Workstation"));
  if ((flags & kNegotiateVersion) != 0) {
    if (d.size() >= 40) {
      node.set("version", version_value(d, 32));
    } else {
      m.diag.add(m.base + d.size(), "NTLMSSP_NEGOTIATE_VERSION set but Version truncated");
    }
  }
}

void decode_challenge(const Msg& m, Value& node) {
  // §2.2.1.2: TargetNameFields@12, NegotiateFlags@20, ServerChallenge@24, Reserved@32,
  // TargetInfoFields@40, Version@48, Payload.
  const auto& d = m.data;
  if (d.size() < 32) {
    if (d.size() >= 24) node.set("negotiate_flags", flags_value(le32(d, 20)));
    m.diag.add(m.base + d.size(), "CHALLENGE message shorter than its 32-byte header");
    return;
  }
  const std::uint32_t flags = le32(d, 20);
  const bool unicode = (flags & kUnicode) != 0;
  node.set("negotiate_flags", flags_value(flags));
  node.set("server_challenge", hex_string(d.subspan(24, 8)));
  const Field target = read_field(m, 12, "TargetNameFields");
  if (target.ok) node.set("target_name", read_text(m, target, unicode, "TargetName"));
  if (d.size() >= 48) {
    const Field info = read_field(m, 40, "TargetInfoFields");
    if (info.ok && !info.bytes.empty()) node.set("target_info", decode_av_pairs(m, info.bytes, info.offset, nullptr));
  }
  if ((flags & kNegotiateVersion) != 0 && d.size() >= 56) node.set("version", version_value(d, 48));
}

Value decode_nt_response(const Msg& m, const Field& f, Value& weaknesses, std::uint32_t& av_flags,
                         bool& is_v2) {
  // The NTLMv2 response is NTProofStr (16 bytes, the HMAC an attacker would crack) then the
  // client blob, whose challenge is noted below and whose timestamp and AV pairs stay
  // readable in a redacted token; any other response is secret as a whole.
  const std::size_t n = f.bytes.size();
  Value v = secret_bytes(f.bytes, m.ctx, n >= 16 + 28 ? f.bytes.first(16) : f.bytes);
  if (n == 0) {
    v.set("kind", "none");  // anonymous (§3.2.5.1.2)
  } else if (n == 24) {
    v.set("kind", "ntlmv1");
    Value w = Value::object();
    w.set("id", "ntlmv1_response");
    w.set("message", "NTLMv1 response: recoverable offline from a captured exchange; require NTLMv2");
    weaknesses.push(std::move(w));
  } else if (n >= 16 + 28) {
    // §2.2.2.8 NTLMv2_RESPONSE: NTProofStr(16) then NTLMv2_CLIENT_CHALLENGE (§2.2.2.7):
    // RespType(1) HiRespType(1) Reserved1(2) Reserved2(4) TimeStamp(8)
    // ChallengeFromClient(8) Reserved3(4) AvPairs.
    is_v2 = true;
    v.set("kind", "ntlmv2");
    const Bytes blob = f.bytes.subspan(16);
    Value b = Value::object();
    b.set("resp_type", blob[0]);
    b.set("hi_resp_type", blob[1]);
    const std::uint64_t ft = le(blob, 8, 8);
    b.set("timestamp", filetime_to_rfc3339(ft));
    b.set("filetime", ft);
    b.set("client_challenge", secret_bytes(blob.subspan(16, 8), m.ctx));
    if (blob[0] != 1 || blob[1] != 1) m.diag.add(m.base + f.offset + 16, "NTLMv2 client challenge RespType is not 1");
    b.set("av_pairs", decode_av_pairs(m, blob.subspan(28), f.offset + 16 + 28, &av_flags));
    v.set("client_blob", std::move(b));
  } else {
    v.set("kind", "unrecognised");
    m.diag.add(m.base + f.offset, "NtChallengeResponse of " + std::to_string(n) + " bytes is neither NTLMv1 nor NTLMv2");
  }
  return v;
}

void decode_authenticate(const Msg& m, Value& node) {
  // §2.2.1.3: LmChallengeResponseFields@12, NtChallengeResponseFields@20, DomainNameFields@28,
  // UserNameFields@36, WorkstationFields@44, EncryptedRandomSessionKeyFields@52,
  // NegotiateFlags@60, Version@64, MIC@72, Payload.
  const auto& d = m.data;
  if (d.size() < 64) {
    m.diag.add(m.base + d.size(), "AUTHENTICATE message shorter than its 64-byte header");
    if (d.size() < 52) return;
  }
  const std::uint32_t flags = d.size() >= 64 ? le32(d, 60) : 0;
  const bool unicode = (flags & kUnicode) != 0;
  if (d.size() >= 64) node.set("negotiate_flags", flags_value(flags));

  const Field lm = read_field(m, 12, "LmChallengeResponseFields");
  const Field nt = read_field(m, 20, "NtChallengeResponseFields");
  const Field domain = read_field(m, 28, "DomainNameFields");
  const Field user = read_field(m, 36, "UserNameFields");
  const Field ws = read_field(m, 44, "WorkstationFields");
  const Field key = d.size() >= 60 ? read_field(m, 52, "EncryptedRandomSessionKeyFields") : Field{};

  node.set("domain", domain.ok ? read_text(m, domain, unicode, "DomainName") : std::string());
  node.set("user", user.ok ? read_text(m, user, unicode, "UserName") : std::string());
  node.set("workstation", ws.ok ? read_text(m, ws, unicode, "Workstation") : std::string());

  Value weaknesses = Value::array();
  std::uint32_t av_flags = 0;
  bool v2 = false;
  if (nt.ok) node.set("nt_challenge_response", decode_nt_response(m, nt, weaknesses, av_flags, v2));
  if (lm.ok) {
    Value l = secret_bytes(lm.bytes, m.ctx);
    bool zero = true;
    for (const auto b : lm.bytes) zero = zero && b == 0;
    if (lm.bytes.empty()) {
      l.set("kind", "none");
    } else if (zero) {
      l.set("kind", "zeros");  // §3.3.2: Z(24) when MsvAvTimestamp is present
    } else if (v2) {
      l.set("kind", "lmv2");
    } else if ((flags & kExtendedSessionSecurity) != 0 && lm.bytes.size() == 24) {
      l.set("kind", "ntlm2_session_client_challenge");  // §3.3.1: client nonce + Z(16)
    } else if (nt.ok && lm.bytes.size() == nt.bytes.size() &&
               std::memcmp(lm.bytes.data(), nt.bytes.data(), lm.bytes.size()) == 0) {
      l.set("kind", "copy_of_nt");
    } else {
      l.set("kind", "lm");
      Value w = Value::object();
      w.set("id", "lm_response");
      w.set("message", "LM response: derived from the weak LM hash; disable LM authentication");
      weaknesses.push(std::move(w));
    }
    node.set("lm_challenge_response", std::move(l));
  }
  if (key.ok) {
    Value k = secret_bytes(key.bytes, m.ctx);
    k.set("present", !key.bytes.empty());
    node.set("encrypted_random_session_key", std::move(k));
  }

  // Version and MIC sit between the fixed header and the payload; they are present when
  // the payload starts late enough (§2.2.1.3: MIC present when MsvAvFlags has 0x2).
  std::size_t payload_start = d.size();
  for (const Field* f : {&lm, &nt, &domain, &user, &ws, &key}) {
    if (f->ok && !f->bytes.empty() && f->offset < payload_start) payload_start = f->offset;
  }
  if ((flags & kNegotiateVersion) != 0 && payload_start >= 72 && d.size() >= 72) node.set("version", version_value(d, 64));
  Value mic = Value::object();
  const bool mic_flagged = (av_flags & 0x2) != 0;
  if (payload_start >= 88 && d.size() >= 88) {
    mic = secret_bytes(d.subspan(72, 16), m.ctx);
    mic.set("present", true);
  } else {
    mic.set("present", false);
    if (mic_flagged) m.diag.add(m.base + 72, "MsvAvFlags announces a MIC but the header has no room for it");
  }
  mic.set("announced_in_av_flags", mic_flagged);
  node.set("mic", std::move(mic));
  node.set("weaknesses", std::move(weaknesses));
}

}  // namespace

bool looks_like_ntlm_signature(Bytes data) {
  return data.size() >= 16 && data[0] == 1 && data[1] == 0 && data[2] == 0 && data[3] == 0;
}

Value decode_ntlm_signature(Bytes data, std::size_t base, const Ctx& ctx) {
  // §2.2.2.9 NTLMSSP_MESSAGE_SIGNATURE: Version (u32, 1), then RandomPad/Checksum/SeqNum
  // (§2.2.2.9.1) or Checksum(8)/SeqNum(4) with extended session security (§2.2.2.9.2).
  // GSS_Wrap output (gss-ntlmssp) is the 16-byte signature followed by the sealed data.
  Value node = make_node(data.size() > 16 ? "ntlm.wrap" : "ntlm.signature", data.size());
  Diagnostics diag;
  if (data.size() < 16) {
    diag.add(base + data.size(), "NTLM signature shorter than 16 bytes");
  } else {
    node.set("version", le32(data, 0));
    node.set("checksum", secret_bytes(data.subspan(4, 8), ctx));
    node.set("seq_num", le32(data, 12));
    if (data.size() > 16) node.set("data_length", data.size() - 16);
  }
  diag.attach(node);
  return node;
}

bool looks_like_ntlm(Bytes data) { return data.size() >= 8 && std::memcmp(data.data(), "NTLMSSP\0", 8) == 0; }

Value decode_ntlm(Bytes data, std::size_t base, const Ctx& ctx) {
  Diagnostics diag;
  const Msg m{data, base, diag, ctx};
  const std::uint32_t type = data.size() >= 12 ? le32(data, 8) : 0;
  const char* name = type == 1 ? "ntlm.negotiate" : type == 2 ? "ntlm.challenge" : type == 3 ? "ntlm.authenticate" : "unknown";
  Value node = make_node(name, data.size());
  if (data.size() < 12) {
    node.set("reason", "NTLM message truncated before MessageType");
    diag.add(base + data.size(), "NTLM message truncated before MessageType");
  } else {
    node.set("message_type", type);
    switch (type) {
      case 1: decode_negotiate(m, node); break;
      case 2: decode_challenge(m, node); break;
      case 3: decode_authenticate(m, node); break;
      default:
        node.set("reason", "unknown NTLM MessageType " + std::to_string(type));
        diag.add(base + 8, "unknown NTLM MessageType " + std::to_string(type));
        break;
    }
  }
  diag.attach(node);
  return node;
}

}  // namespace authctx::decode

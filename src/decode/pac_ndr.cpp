// The NDR-encoded PAC buffers: KERB_VALIDATION_INFO (MS-PAC §2.5) and S4U_DELEGATION_INFO
// (§2.9). Both are MS-RPCE §2.2.6 type serialisations (version 1): an 8-byte common header,
// an 8-byte private header, then a unique pointer to the structure, the structure's inline
// ("scalar") part, and the referents of its embedded pointers in the order the pointers
// appear (C706 §14.3.12.3, deferred referents; a referent's own pointers are followed right
// after it). Decoding reads the inline part, remembers which pointers are non-NULL, and
// then reads each referent in that order. Counts are checked against the inline counts and
// bounded by the bytes left (NdrReader::conformance).
#include <vector>

#include "decode/pac_internal.hpp"
#include "decode/pac_tables.hpp"
#include "decode/text.hpp"

namespace authctx::decode {

namespace {
constexpr std::uint32_t kMaxGroups = 1u << 16;

// MS-RPCE §2.2.6.1 common header and §2.2.6.2 private header; then the top-level pointer.
// Returns false (with a diagnostic) when this is not a little-endian version 1 stream or
// the pointer is NULL.
bool read_type_serialization_header(NdrReader& r, std::string_view what) {
  const std::size_t at = r.offset();
  const auto version = r.u8(what);
  const auto endianness = r.u8(what);
  const auto header_length = r.u16(what);
  r.skip(4, what);  // filler, 0xcccccccc
  const std::size_t length_at = r.offset();
  const auto object_length = r.u32(what);
  r.skip(4, what);  // filler
  if (!r.ok()) return false;
  if (*version != 1 || *endianness != 0x10 || *header_length != 8) {
    r.fail(at, std::string(what) + ": not an NDR type serialisation version 1, little-endian (version " +
                   std::to_string(*version) + ", endianness byte " + std::to_string(*endianness) +
                   ", header length " + std::to_string(*header_length) + ")");
    return false;
  }
  if (*object_length > r.remaining()) {
    r.fail(length_at, std::string(what) + ": object buffer length " + std::to_string(*object_length) +
                          " exceeds the " + std::to_string(r.remaining()) + " bytes left");
    return false;
  }
  const auto top = r.pointer(what);
  if (top && *top == 0) r.fail_here(std::string(what) + ": NULL top-level pointer");
  return top && *top != 0;
}

struct RidAttr {
  std::uint32_t rid = 0;
  std::uint32_t attributes = 0;
};

// GROUP_MEMBERSHIP array referent (MS-PAC §2.2.2): conformance, then {RelativeId, Attributes}.
std::vector<RidAttr> read_group_array(NdrReader& r, std::uint32_t inline_count, std::string_view what) {
  std::vector<RidAttr> out;
  const std::size_t at = r.offset();
  const auto count = r.conformance(8, kMaxGroups, what);
  if (!count) return out;
  if (*count != inline_count) {
    r.fail(at, std::string(what) + ": array holds " + std::to_string(*count) + " entries but the count field says " +
                   std::to_string(inline_count));
    return out;
  }
  out.reserve(*count);
  for (std::uint32_t i = 0; i < *count; ++i) {
    const auto rid = r.u32(what);
    const auto attributes = r.u32(what);
    if (!rid || !attributes) break;
    out.push_back({*rid, *attributes});
  }
  return out;
}

Value group_list(const std::vector<RidAttr>& groups, const std::string& domain_sid) {
  Value list = Value::array();
  for (const auto& g : groups) {
    Value v = Value::object();
    v.set("rid", g.rid);
    if (!domain_sid.empty()) {
      v.set("sid", domain_sid + "-" + std::to_string(g.rid));
    }
    const auto name = well_known_rid_name(g.rid);
    if (!name.empty()) v.set("name", name);
    v.set("attributes", group_attribute_flags(g.attributes));
    list.push(std::move(v));
  }
  return list;
}

// The six FILETIMEs are two little-endian ULONGs each, 4-aligned (MS-DTYP §2.3.3).
std::optional<std::uint64_t> filetime(NdrReader& r, std::string_view what) {
  r.align(4, what);
  return r.u64(what);
}
}  // namespace

Value pac_filetime_value(std::uint64_t ft) {
  if (ft == 0) return nullptr;
  if (ft == 0x7fffffffffffffffULL) return "never";
  const auto s = filetime_to_rfc3339(ft);
  if (!s.empty()) return s;
  return ft;
}

Value pac_sid_value(const std::string& sid) {
  Value v = Value::object();
  v.set("sid", sid);
  const auto name = well_known_sid_name(sid);
  if (!name.empty()) v.set("name", name);
  return v;
}

void decode_pac_logon_info(NdrReader& r, Value& out) {
  if (!read_type_serialization_header(r, "KERB_VALIDATION_INFO")) return;
  // Inline part, MS-PAC §2.5 field order.
  static constexpr const char* kTimes[] = {"logon_time",          "logoff_time",         "kickoff_time",
                                           "password_last_set",   "password_can_change", "password_must_change"};
  for (const char* key : kTimes) {
    if (const auto t = filetime(r, key)) out.set(key, pac_filetime_value(*t));
  }
  static constexpr const char* kNames[] = {"effective_name", "full_name",      "logon_script",
                                           "profile_path",   "home_directory", "home_directory_drive",
                                           "logon_server",   "logon_domain_name"};
  std::optional<NdrUnicodeHeader> names[8];
  for (int i = 0; i < 6; ++i) names[i] = read_unicode_header(r, kNames[i]);
  const auto logon_count = r.u16("LogonCount");
  const auto bad_password_count = r.u16("BadPasswordCount");
  const auto user_id = r.u32("UserId");
  const auto primary_group = r.u32("PrimaryGroupId");
  const auto group_count = r.u32("GroupCount");
  const auto groups_ptr = r.pointer("GroupIds");
  const auto user_flags = r.u32("UserFlags");
  // UserSessionKey (16 bytes): used by NTLM only and zero in Kerberos PACs (§2.5); skipped.
  r.skip(16, "UserSessionKey");
  names[6] = read_unicode_header(r, kNames[6]);
  names[7] = read_unicode_header(r, kNames[7]);
  const auto domain_sid_ptr = r.pointer("LogonDomainId");
  r.skip(8, "Reserved1");
  const auto uac = r.u32("UserAccountControl");
  const auto sub_auth_status = r.u32("SubAuthStatus");
  const auto last_success = filetime(r, "LastSuccessfulILogon");
  const auto last_failed = filetime(r, "LastFailedILogon");
  const auto failed_count = r.u32("FailedILogonCount");
  r.skip(4, "Reserved3");
  const auto sid_count = r.u32("SidCount");
  const auto extra_sids_ptr = r.pointer("ExtraSids");
  const auto resource_domain_ptr = r.pointer("ResourceGroupDomainSid");
  const auto resource_count = r.u32("ResourceGroupCount");
  const auto resource_ptr = r.pointer("ResourceGroupIds");
  if (!r.ok()) return;

  // Deferred referents, in pointer order.
  std::optional<std::string> texts[8];
  for (int i = 0; i < 6; ++i) {
    texts[i] = read_unicode_body(r, *names[i], kNames[i]);
  }
  std::vector<RidAttr> groups;
  if (*groups_ptr != 0) {
    groups = read_group_array(r, *group_count, "GroupIds");
  } else if (*group_count != 0) {
    r.fail_here("GroupIds: NULL pointer with GroupCount " + std::to_string(*group_count));
  }
  for (int i = 6; i < 8; ++i) {
    texts[i] = read_unicode_body(r, *names[i], kNames[i]);
  }
  std::string domain_sid;
  if (*domain_sid_ptr != 0) {
    if (const auto s = read_ndr_sid(r, "LogonDomainId")) domain_sid = *s;
  }
  struct SidAttr {
    std::uint32_t referent;
    std::uint32_t attributes;
    std::string sid;
  };
  std::vector<SidAttr> extra;
  if (*extra_sids_ptr != 0) {
    // KERB_SID_AND_ATTRIBUTES[] (§2.2.1): {PISID Sid, ULONG Attributes}, then the SIDs.
    const std::size_t at = r.offset();
    const auto count = r.conformance(8, kMaxGroups, "ExtraSids");
    if (count && *count != *sid_count) {
      r.fail(at, "ExtraSids: array holds " + std::to_string(*count) + " entries but SidCount says " +
                     std::to_string(*sid_count));
    } else if (count) {
      extra.reserve(*count);
      for (std::uint32_t i = 0; i < *count; ++i) {
        const auto ptr = r.u32("ExtraSids");
        const auto attributes = r.u32("ExtraSids");
        if (!ptr || !attributes) break;
        extra.push_back({*ptr, *attributes, {}});
      }
      for (auto& e : extra) {
        if (e.referent == 0) continue;
        const auto s = read_ndr_sid(r, "ExtraSids SID");
        if (!s) break;
        e.sid = *s;
      }
    }
  } else if (*sid_count != 0) {
    r.fail_here("ExtraSids: NULL pointer with SidCount " + std::to_string(*sid_count));
  }
  std::string resource_domain;
  if (*resource_domain_ptr != 0) {
    if (const auto s = read_ndr_sid(r, "ResourceGroupDomainSid")) resource_domain = *s;
  }
  std::vector<RidAttr> resource_groups;
  if (*resource_ptr != 0) {
    resource_groups = read_group_array(r, *resource_count, "ResourceGroupIds");
  } else if (*resource_count != 0) {
    r.fail_here("ResourceGroupIds: NULL pointer with ResourceGroupCount " + std::to_string(*resource_count));
  }

  // Written in a reading order: who, which domain, groups, then the rest.
  const auto text = [&](int i) { return texts[i] ? Value(*texts[i]) : Value(nullptr); };
  for (int i = 0; i < 6; ++i) out.set(kNames[i], text(i));
  out.set("logon_count", *logon_count);
  out.set("bad_password_count", *bad_password_count);
  out.set("user_id", *user_id);
  if (!domain_sid.empty()) out.set("user_sid", domain_sid + "-" + std::to_string(*user_id));
  out.set("primary_group_id", *primary_group);
  if (!domain_sid.empty()) out.set("primary_group_sid", domain_sid + "-" + std::to_string(*primary_group));
  out.set("group_count", *group_count);
  out.set("groups", group_list(groups, domain_sid));
  out.set("user_flags", user_flags_value(*user_flags));
  out.set("logon_server", text(6));
  out.set("logon_domain_name", text(7));
  out.set("logon_domain_id", domain_sid.empty() ? Value(nullptr) : Value(domain_sid));
  out.set("user_account_control", user_account_control_value(*uac));
  out.set("sub_auth_status", *sub_auth_status);
  out.set("last_successful_i_logon", pac_filetime_value(*last_success));
  out.set("last_failed_i_logon", pac_filetime_value(*last_failed));
  out.set("failed_i_logon_count", *failed_count);
  out.set("sid_count", *sid_count);
  Value extra_list = Value::array();
  for (const auto& e : extra) {
    Value v = e.sid.empty() ? Value::object() : pac_sid_value(e.sid);
    if (e.sid.empty()) v.set("sid", nullptr);
    v.set("attributes", group_attribute_flags(e.attributes));
    extra_list.push(std::move(v));
  }
  out.set("extra_sids", std::move(extra_list));
  out.set("resource_group_domain_sid", resource_domain.empty() ? Value(nullptr) : Value(resource_domain));
  out.set("resource_group_count", *resource_count);
  out.set("resource_groups", group_list(resource_groups, resource_domain));
}

void decode_pac_delegation_info(NdrReader& r, Value& out) {
  if (!read_type_serialization_header(r, "S4U_DELEGATION_INFO")) return;
  const auto target = read_unicode_header(r, "S4U2proxyTarget");
  const auto count = r.u32("TransitedListSize");
  const auto list_ptr = r.pointer("S4UTransitedServices");
  if (!r.ok()) return;
  if (const auto s = read_unicode_body(r, *target, "S4U2proxyTarget")) out.set("s4u2proxy_target", *s);
  out.set("transited_list_size", *count);
  Value services = Value::array();
  if (*list_ptr != 0) {
    const std::size_t at = r.offset();
    const auto n = r.conformance(8, kMaxGroups, "S4UTransitedServices");
    if (n && *n != *count) {
      r.fail(at, "S4UTransitedServices: array holds " + std::to_string(*n) + " entries but TransitedListSize says " +
                     std::to_string(*count));
    } else if (n) {
      std::vector<NdrUnicodeHeader> headers;
      headers.reserve(*n);
      for (std::uint32_t i = 0; i < *n; ++i) {
        const auto h = read_unicode_header(r, "S4UTransitedServices");
        if (!h) break;
        headers.push_back(*h);
      }
      for (const auto& h : headers) {
        const auto s = read_unicode_body(r, h, "S4UTransitedServices");
        if (!s) break;
        services.push(*s);
      }
    }
  }
  out.set("s4u_transited_services", std::move(services));
}

}  // namespace authctx::decode

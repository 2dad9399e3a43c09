#include "decode/pac_tables.hpp"

#include <array>

#include "decode/tables.hpp"

namespace authctx::decode {

namespace {
// MS-PAC §2.4 ulType. Names follow MIT's urn:mspac:<name> attributes where MIT has one
// (src/lib/krb5/krb/pac.c), the MS-PAC section title otherwise.
constexpr NamedNumber kBufferTypes[] = {
    {1, "logon_info"},        {2, "credentials_info"},  {6, "server_checksum"},
    {7, "privsvr_checksum"},  {10, "client_info"},      {11, "delegation_info"},
    {12, "upn_dns_info"},     {13, "client_claims_info"}, {14, "device_info"},
    {15, "device_claims_info"}, {16, "ticket_checksum"}, {17, "attributes_info"},
    {18, "requestor"},        {19, "full_checksum"},
};

struct SidName {
  std::string_view sid;
  std::string_view name;
};
// MS-DTYP §2.4.2.4 well-known SIDs that turn up in PACs and tokens.
constexpr SidName kWellKnownSids[] = {
    {"S-1-0-0", "Nobody"},
    {"S-1-1-0", "Everyone"},
    {"S-1-2-0", "Local"},
    {"S-1-3-0", "Creator Owner"},
    {"S-1-5-1", "Dialup"},
    {"S-1-5-2", "Network"},
    {"S-1-5-3", "Batch"},
    {"S-1-5-4", "Interactive"},
    {"S-1-5-6", "Service"},
    {"S-1-5-7", "Anonymous"},
    {"S-1-5-9", "Enterprise Domain Controllers"},
    {"S-1-5-10", "Principal Self"},
    {"S-1-5-11", "Authenticated Users"},
    {"S-1-5-15", "This Organization"},
    {"S-1-5-18", "Local System"},
    {"S-1-5-32-544", "Administrators"},
    {"S-1-5-32-545", "Users"},
    {"S-1-5-32-546", "Guests"},
    {"S-1-5-32-554", "Pre-Windows 2000 Compatible Access"},
    {"S-1-5-32-555", "Remote Desktop Users"},
    {"S-1-5-64-10", "NTLM Authentication"},
    {"S-1-5-64-14", "SChannel Authentication"},
    {"S-1-5-64-21", "Digest Authentication"},
    {"S-1-5-65-1", "This Organization Certificate"},
    {"S-1-5-1000", "Other Organization"},
    {"S-1-5-21-0-0-0-496", "Compounded Authentication"},
    {"S-1-5-21-0-0-0-497", "Claims Valid"},
    {"S-1-16-4096", "Low Mandatory Level"},
    {"S-1-16-8192", "Medium Mandatory Level"},
    {"S-1-16-12288", "High Mandatory Level"},
    {"S-1-16-16384", "System Mandatory Level"},
    {"S-1-18-1", "Authentication Authority Asserted Identity"},
    {"S-1-18-2", "Service Asserted Identity"},
    {"S-1-18-3", "Fresh Public Key Identity"},
    {"S-1-18-4", "Key Trust Identity"},
    {"S-1-18-5", "Key Property MFA"},
    {"S-1-18-6", "Key Property Attestation"},
};

// MS-DTYP §2.4.2.4: RIDs under an account domain (S-1-5-21-a-b-c-RID).
constexpr NamedNumber kDomainRids[] = {
    {500, "Administrator"},
    {501, "Guest"},
    {502, "krbtgt"},
    {512, "Domain Admins"},
    {513, "Domain Users"},
    {514, "Domain Guests"},
    {515, "Domain Computers"},
    {516, "Domain Controllers"},
    {517, "Cert Publishers"},
    {518, "Schema Admins"},
    {519, "Enterprise Admins"},
    {520, "Group Policy Creator Owners"},
    {521, "Read-only Domain Controllers"},
    {522, "Cloneable Domain Controllers"},
    {525, "Protected Users"},
    {526, "Key Admins"},
    {527, "Enterprise Key Admins"},
    {553, "RAS and IAS Servers"},
    {571, "Allowed RODC Password Replication Group"},
    {572, "Denied RODC Password Replication Group"},
};

struct Bit {
  std::uint32_t mask;
  std::string_view name;
};

// MS-PAC §2.2.1 GROUP_MEMBERSHIP / KERB_SID_AND_ATTRIBUTES attributes (SE_GROUP_*, with
// the integrity and logon-id bits of MS-DTYP §2.4.2.4 and winnt.h).
constexpr Bit kGroupAttributes[] = {
    {0x00000001, "SE_GROUP_MANDATORY"},       {0x00000002, "SE_GROUP_ENABLED_BY_DEFAULT"},
    {0x00000004, "SE_GROUP_ENABLED"},         {0x00000008, "SE_GROUP_OWNER"},
    {0x00000010, "SE_GROUP_USE_FOR_DENY_ONLY"}, {0x00000020, "SE_GROUP_INTEGRITY"},
    {0x00000040, "SE_GROUP_INTEGRITY_ENABLED"}, {0x20000000, "SE_GROUP_RESOURCE"},
    {0xC0000000, "SE_GROUP_LOGON_ID"},
};

// MS-PAC §2.5 UserFlags (D and H) and MS-NRPC §2.2.1.4.11 for the others.
constexpr Bit kUserFlags[] = {
    {0x00000001, "LOGON_GUEST"},
    {0x00000002, "LOGON_NOENCRYPTION"},
    {0x00000004, "LOGON_CACHED_ACCOUNT"},
    {0x00000008, "LOGON_USED_LM_PASSWORD"},
    {0x00000020, "LOGON_EXTRA_SIDS"},
    {0x00000040, "LOGON_SUBAUTH_SESSION_KEY"},
    {0x00000080, "LOGON_SERVER_TRUST_ACCOUNT"},
    {0x00000100, "LOGON_NTLMV2_ENABLED"},
    {0x00000200, "LOGON_RESOURCE_GROUPS"},
    {0x00000400, "LOGON_PROFILE_PATH_RETURNED"},
    {0x00000800, "LOGON_NT_V2"},
    {0x00001000, "LOGON_LM_V2"},
    {0x00002000, "LOGON_NTLM_V2"},
    {0x00004000, "LOGON_OPTIMIZED"},
    {0x00008000, "LOGON_WINLOGON"},
    {0x00010000, "LOGON_PKINIT"},
    {0x00020000, "LOGON_NO_OPTIMIZED"},
    {0x00040000, "LOGON_NO_ELEVATION"},
    {0x00080000, "LOGON_MANAGED_SERVICE"},
};

// MS-SAMR §2.2.1.12 USER_ACCOUNT codes (the PAC's UserAccountControl uses these, not the
// directory's UF_* values).
constexpr Bit kUserAccountControl[] = {
    {0x00000001, "USER_ACCOUNT_DISABLED"},
    {0x00000002, "USER_HOME_DIRECTORY_REQUIRED"},
    {0x00000004, "USER_PASSWORD_NOT_REQUIRED"},
    {0x00000008, "USER_TEMP_DUPLICATE_ACCOUNT"},
    {0x00000010, "USER_NORMAL_ACCOUNT"},
    {0x00000020, "USER_MNS_LOGON_ACCOUNT"},
    {0x00000040, "USER_INTERDOMAIN_TRUST_ACCOUNT"},
    {0x00000080, "USER_WORKSTATION_TRUST_ACCOUNT"},
    {0x00000100, "USER_SERVER_TRUST_ACCOUNT"},
    {0x00000200, "USER_DONT_EXPIRE_PASSWORD"},
    {0x00000400, "USER_ACCOUNT_AUTO_LOCKED"},
    {0x00000800, "USER_ENCRYPTED_TEXT_PASSWORD_ALLOWED"},
    {0x00001000, "USER_SMARTCARD_REQUIRED"},
    {0x00002000, "USER_TRUSTED_FOR_DELEGATION"},
    {0x00004000, "USER_NOT_DELEGATED"},
    {0x00008000, "USER_USE_DES_KEY_ONLY"},
    {0x00010000, "USER_DONT_REQUIRE_PREAUTH"},
    {0x00020000, "USER_PASSWORD_EXPIRED"},
    {0x00040000, "USER_TRUSTED_TO_AUTHENTICATE_FOR_DELEGATION"},
    {0x00080000, "USER_NO_AUTH_DATA_REQUIRED"},
    {0x00100000, "USER_PARTIAL_SECRETS_ACCOUNT"},
    {0x00200000, "USER_USE_AES_KEYS"},
};

// MS-PAC §2.10 UPN_DNS_INFO Flags.
constexpr Bit kUpnDnsFlags[] = {
    {0x1, "upn_constructed"},         // U: no userPrincipalName attribute; built from name and domain
    {0x2, "has_sam_name_and_sid"},    // S: the extended form
};

// MS-PAC §2.14 PAC_ATTRIBUTES_INFO Flags.
constexpr Bit kPacAttributes[] = {
    {0x1, "PAC_WAS_REQUESTED"},
    {0x2, "PAC_WAS_GIVEN_IMPLICITLY"},
};

std::string hex32(std::uint32_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s += kHex[(v >> shift) & 15];
  return s;
}

template <std::size_t N>
Value flags_value(std::uint32_t value, const Bit (&bits)[N]) {
  Value out = Value::object();
  out.set("value", value);
  Value names = Value::array();
  std::uint32_t rest = value;
  for (const auto& b : bits) {
    if ((value & b.mask) == b.mask) {
      names.push(b.name);
      rest &= ~b.mask;
    }
  }
  for (int bit = 0; bit < 32; ++bit) {
    if (rest & (1u << bit)) names.push(hex32(1u << bit));
  }
  out.set("names", std::move(names));
  return out;
}
}  // namespace

std::string_view pac_buffer_type_name(std::uint32_t type) { return lookup_name(kBufferTypes, type); }

Value pac_buffer_type_value(std::uint32_t type) {
  Value v = Value::object();
  v.set("id", type);
  const auto name = pac_buffer_type_name(type);
  if (!name.empty()) v.set("name", name);
  return v;
}

std::string_view well_known_rid_name(std::uint32_t rid) { return lookup_name(kDomainRids, rid); }

std::string_view well_known_sid_name(std::string_view sid) {
  for (const auto& e : kWellKnownSids) {
    if (e.sid == sid) return e.name;
  }
  // S-1-5-21-a-b-c-RID: an account-domain SID with a well-known RID.
  constexpr std::string_view kDomainPrefix = "S-1-5-21-";
  if (sid.substr(0, kDomainPrefix.size()) != kDomainPrefix) return {};
  int dashes = 0;
  for (const char c : sid.substr(kDomainPrefix.size())) dashes += c == '-';
  if (dashes != 3) return {};
  const auto last = sid.rfind('-');
  std::uint32_t rid = 0;
  for (const char c : sid.substr(last + 1)) {
    if (c < '0' || c > '9' || rid > 100000) return {};
    rid = rid * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return well_known_rid_name(rid);
}

Value group_attribute_flags(std::uint32_t attributes) { return flags_value(attributes, kGroupAttributes); }
Value user_flags_value(std::uint32_t flags) { return flags_value(flags, kUserFlags); }
Value user_account_control_value(std::uint32_t uac) { return flags_value(uac, kUserAccountControl); }
Value upn_dns_flags_value(std::uint32_t flags) { return flags_value(flags, kUpnDnsFlags); }
Value pac_attributes_flags_value(std::uint32_t flags) { return flags_value(flags, kPacAttributes); }

}  // namespace authctx::decode

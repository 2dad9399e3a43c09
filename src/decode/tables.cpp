#include "decode/tables.hpp"

#include <array>
#include <string>

namespace authctx::decode {

namespace {
// RFC 3961 §8 and RFC 3962/4757/6803/8009; names as MIT's krb5.conf spells them.
constexpr NamedNumber kEnctypes[] = {
    {0, "null"},
    {1, "des-cbc-crc"},
    {2, "des-cbc-md4"},
    {3, "des-cbc-md5"},
    {5, "des3-cbc-md5"},
    {7, "des3-cbc-sha1-old"},
    {16, "des3-cbc-sha1"},
    {17, "aes128-cts-hmac-sha1-96"},
    {18, "aes256-cts-hmac-sha1-96"},
    {19, "aes128-cts-hmac-sha256-128"},
    {20, "aes256-cts-hmac-sha384-192"},
    {23, "arcfour-hmac"},
    {24, "arcfour-hmac-exp"},
    {25, "camellia128-cts-cmac"},
    {26, "camellia256-cts-cmac"},
    {-128, "rc4-hmac-old"},
};

// RFC 4120 §6.2 plus RFC 6111 (NT-SRV-HST-DOMAIN) and MS-KILE's negative types.
constexpr NamedNumber kNameTypes[] = {
    {0, "NT-UNKNOWN"},        {1, "NT-PRINCIPAL"},      {2, "NT-SRV-INST"},
    {3, "NT-SRV-HST"},        {4, "NT-SRV-XHST"},       {5, "NT-UID"},
    {6, "NT-X500-PRINCIPAL"}, {7, "NT-SMTP-NAME"},      {10, "NT-ENTERPRISE"},
    {11, "NT-WELLKNOWN"},     {12, "NT-SRV-HST-DOMAIN"}, {-128, "NT-MS-PRINCIPAL"},
    {-129, "NT-MS-PRINCIPAL-AND-ID"}, {-130, "NT-ENT-PRINCIPAL-AND-ID"},
};

// RFC 4120 §7.5.9, RFC 4556, RFC 6113; codes as MIT's krb5.h numbers them.
constexpr NamedNumber kErrors[] = {
    {0, "KDC_ERR_NONE"}, {1, "KDC_ERR_NAME_EXP"}, {2, "KDC_ERR_SERVICE_EXP"}, {3, "KDC_ERR_BAD_PVNO"},
    {4, "KDC_ERR_C_OLD_MAST_KVNO"}, {5, "KDC_ERR_S_OLD_MAST_KVNO"}, {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"},
    {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"}, {8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE"}, {9, "KDC_ERR_NULL_KEY"},
    {10, "KDC_ERR_CANNOT_POSTDATE"}, {11, "KDC_ERR_NEVER_VALID"}, {12, "KDC_ERR_POLICY"},
    {13, "KDC_ERR_BADOPTION"}, {14, "KDC_ERR_ETYPE_NOSUPP"}, {15, "KDC_ERR_SUMTYPE_NOSUPP"},
    {16, "KDC_ERR_PADATA_TYPE_NOSUPP"}, {17, "KDC_ERR_TRTYPE_NOSUPP"}, {18, "KDC_ERR_CLIENT_REVOKED"},
    {19, "KDC_ERR_SERVICE_REVOKED"}, {20, "KDC_ERR_TGT_REVOKED"}, {21, "KDC_ERR_CLIENT_NOTYET"},
    {22, "KDC_ERR_SERVICE_NOTYET"}, {23, "KDC_ERR_KEY_EXPIRED"}, {24, "KDC_ERR_PREAUTH_FAILED"},
    {25, "KDC_ERR_PREAUTH_REQUIRED"}, {26, "KDC_ERR_SERVER_NOMATCH"}, {27, "KDC_ERR_MUST_USE_USER2USER"},
    {28, "KDC_ERR_PATH_NOT_ACCEPTED"}, {29, "KDC_ERR_SVC_UNAVAILABLE"}, {31, "KRB_AP_ERR_BAD_INTEGRITY"},
    {32, "KRB_AP_ERR_TKT_EXPIRED"}, {33, "KRB_AP_ERR_TKT_NYV"}, {34, "KRB_AP_ERR_REPEAT"},
    {35, "KRB_AP_ERR_NOT_US"}, {36, "KRB_AP_ERR_BADMATCH"}, {37, "KRB_AP_ERR_SKEW"},
    {38, "KRB_AP_ERR_BADADDR"}, {39, "KRB_AP_ERR_BADVERSION"}, {40, "KRB_AP_ERR_MSG_TYPE"},
    {41, "KRB_AP_ERR_MODIFIED"}, {42, "KRB_AP_ERR_BADORDER"}, {43, "KRB_AP_ERR_ILL_CR_TKT"},
    {44, "KRB_AP_ERR_BADKEYVER"},
    {45, "KRB_AP_ERR_NOKEY"}, {46, "KRB_AP_ERR_MUT_FAIL"}, {47, "KRB_AP_ERR_BADDIRECTION"},
    {48, "KRB_AP_ERR_METHOD"}, {49, "KRB_AP_ERR_BADSEQ"}, {50, "KRB_AP_ERR_INAPP_CKSUM"},
    {51, "KRB_AP_PATH_NOT_ACCEPTED"}, {52, "KRB_ERR_RESPONSE_TOO_BIG"}, {60, "KRB_ERR_GENERIC"},
    {61, "KRB_ERR_FIELD_TOOLONG"}, {62, "KDC_ERR_CLIENT_NOT_TRUSTED"}, {63, "KDC_ERR_KDC_NOT_TRUSTED"},
    {64, "KDC_ERR_INVALID_SIG"}, {65, "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED"},
    {66, "KDC_ERR_CERTIFICATE_MISMATCH"}, {67, "KRB_AP_ERR_NO_TGT"}, {68, "KDC_ERR_WRONG_REALM"},
    {69, "KRB_AP_ERR_USER_TO_USER_REQUIRED"}, {70, "KDC_ERR_CANT_VERIFY_CERTIFICATE"},
    {71, "KDC_ERR_INVALID_CERTIFICATE"}, {72, "KDC_ERR_REVOKED_CERTIFICATE"},
    {73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN"}, {74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE"},
    {75, "KDC_ERR_CLIENT_NAME_MISMATCH"}, {76, "KDC_ERR_KDC_NAME_MISMATCH"},
    {77, "KDC_ERR_INCONSISTENT_KEY_PURPOSE"}, {78, "KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED"},
    {79, "KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED"}, {80, "KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED"},
    {81, "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED"}, {85, "KRB_AP_ERR_IAKERB_KDC_NOT_FOUND"},
    {86, "KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE"}, {90, "KDC_ERR_PREAUTH_EXPIRED"},
    {91, "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED"}, {93, "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTION"},
    {100, "KDC_ERR_NO_ACCEPTABLE_KDF"},
};

// IANA "Kerberos Pre-authentication and Typed Data" registry (RFC 4120 §7.5.2, RFC 6113 …).
constexpr NamedNumber kPadataTypes[] = {
    {1, "PA-TGS-REQ"}, {2, "PA-ENC-TIMESTAMP"}, {3, "PA-PW-SALT"}, {5, "PA-ENC-UNIX-TIME"},
    {6, "PA-SANDIA-SECUREID"}, {7, "PA-SESAME"}, {8, "PA-OSF-DCE"}, {9, "PA-CYBERSAFE-SECUREID"},
    {10, "PA-AFS3-SALT"}, {11, "PA-ETYPE-INFO"}, {12, "PA-SAM-CHALLENGE"}, {13, "PA-SAM-RESPONSE"},
    {14, "PA-PK-AS-REQ_OLD"}, {15, "PA-PK-AS-REP_OLD"}, {16, "PA-PK-AS-REQ"}, {17, "PA-PK-AS-REP"},
    {19, "PA-ETYPE-INFO2"}, {20, "PA-SVR-REFERRAL-INFO"}, {21, "PA-SAM-REDIRECT"},
    {22, "PA-GET-FROM-TYPED-DATA"}, {25, "PA-SERVER-REFERRAL"}, {30, "PA-SAM-CHALLENGE-2"},
    {31, "PA-SAM-RESPONSE-2"}, {128, "PA-PAC-REQUEST"}, {129, "PA-FOR_USER"},
    {130, "PA-FOR-X509-USER"}, {132, "PA-AS-CHECKSUM"}, {133, "PA-FX-COOKIE"},
    {134, "PA-AUTHENTICATION-SET"}, {135, "PA-AUTH-SET-SELECTED"}, {136, "PA-FX-FAST"},
    {137, "PA-FX-ERROR"}, {138, "PA-ENCRYPTED-CHALLENGE"}, {141, "PA-OTP-CHALLENGE"},
    {142, "PA-OTP-REQUEST"}, {144, "PA-OTP-PIN-CHANGE"}, {147, "PA-PKINIT-KX"},
    {149, "PA-REQ-ENC-PA-REP"}, {150, "PA-AS-FRESHNESS"}, {151, "PA-SPAKE"},
    {152, "PA-REDHAT-IDP-OAUTH2"}, {165, "PA-SUPPORTED-ETYPES"}, {166, "PA-EXTENDED-ERROR"},
    {167, "PA-PAC-OPTIONS"},
};

// RFC 3961 §8 checksum types, RFC 4757 (hmac-md5), RFC 8009 and RFC 4121 §4.1.1 (the GSS
// authenticator checksum); names as MIT's krb5.conf spells them.
constexpr NamedNumber kChecksumTypes[] = {
    {1, "crc32"},
    {2, "rsa-md4"},
    {3, "rsa-md4-des"},
    {4, "des-mac"},
    {5, "des-mac-k"},
    {6, "rsa-md4-des-k"},
    {7, "rsa-md5"},
    {8, "rsa-md5-des"},
    {9, "rsa-md5-des3"},
    {10, "sha1"},
    {12, "hmac-sha1-des3-kd"},
    {13, "hmac-sha1-des3"},
    {14, "sha1"},
    {15, "hmac-sha1-96-aes128"},
    {16, "hmac-sha1-96-aes256"},
    {17, "cmac-camellia128"},
    {18, "cmac-camellia256"},
    {19, "hmac-sha256-128-aes128"},
    {20, "hmac-sha384-192-aes256"},
    {0x8003, "gss-krb5"},
    {-138, "hmac-md5-rc4"},
};

// RFC 4120 §7.5.4 and the IANA "Kerberos Authorization Data Types" registry; MS-KILE §2.2.
constexpr NamedNumber kAdTypes[] = {
    {1, "AD-IF-RELEVANT"},
    {2, "AD-INTENDED-FOR-SERVER"},
    {3, "AD-INTENDED-FOR-APPLICATION-CLASS"},
    {4, "AD-KDC-ISSUED"},
    {5, "AD-AND-OR"},
    {6, "AD-MANDATORY-TICKET-EXTENSIONS"},
    {7, "AD-IN-TICKET-EXTENSIONS"},
    {8, "AD-MANDATORY-FOR-KDC"},
    {9, "AD-INITIAL-VERIFIED-CAS"},
    {64, "OSF-DCE"},
    {65, "SESAME"},
    {66, "AD-OSF-DCE-PKI-CERTID"},
    {70, "AD-AUTHENTICATION-STRENGTH"},
    {71, "AD-FX-FAST-ARMOR"},
    {72, "AD-FX-FAST-USED"},
    {96, "AD-CAMMAC"},
    {97, "AD-AUTHENTICATION-INDICATOR"},
    {128, "AD-WIN2K-PAC"},
    {129, "AD-GSS-API-ETYPE-NEGO"},
    {141, "KERB-AUTH-DATA-TOKEN-RESTRICTIONS"},
    {142, "KERB-LOCAL"},
    {143, "AD-AUTH-DATA-AP-OPTIONS"},
    {144, "KERB-AUTH-DATA-CLIENT-TARGET"},
};

// RFC 4120 §7.5.7.
constexpr NamedNumber kMsgTypes[] = {
    {10, "KRB_AS_REQ"}, {11, "KRB_AS_REP"},   {12, "KRB_TGS_REQ"},  {13, "KRB_TGS_REP"},
    {14, "KRB_AP_REQ"}, {15, "KRB_AP_REP"},   {16, "KRB_RESERVED16"}, {17, "KRB_RESERVED17"},
    {20, "KRB_SAFE"},   {21, "KRB_PRIV"},     {22, "KRB_CRED"},     {30, "KRB_ERROR"},
};

// RFC 4120 §5.4.1 KDCOptions; 14 and 15 from MS-SFU / RFC 6806.
constexpr std::string_view kKdcOptions[32] = {
    "reserved", "forwardable", "forwarded", "proxiable", "proxy", "allow-postdate", "postdated",
    "unused7", "renewable", "unused9", "unused10", "opt-hardware-auth", "unused12", "unused13",
    "cname-in-addl-tkt", "canonicalize", "request-anonymous", "", "", "", "", "", "", "", "", "",
    "disable-transited-check", "renewable-ok", "enc-tkt-in-skey", "", "renew", "validate",
};

// RFC 4120 §5.5.1 APOptions.
constexpr std::string_view kApOptions[32] = {"reserved", "use-session-key", "mutual-required"};

// RFC 4120 §5.3 TicketFlags; 15 enc-pa-rep (RFC 6806 §11), 16 anonymous (RFC 6112 §5.4).
constexpr std::string_view kTicketFlags[32] = {
    "reserved", "forwardable", "forwarded", "proxiable", "proxy", "may-postdate", "postdated",
    "invalid", "renewable", "initial", "pre-authent", "hw-authent", "transited-policy-checked",
    "ok-as-delegate", "", "enc-pa-rep", "anonymous",
};

// RFC 4178 §4.2.1 ContextFlags, named like the GSS_C_*_FLAG names the contract uses.
constexpr std::string_view kContextFlags[32] = {"deleg", "mutual", "replay", "sequence", "anon", "conf", "integ"};

Value named(std::span<const NamedNumber> table, std::int64_t id, const char* id_key) {
  Value v = Value::object();
  v.set(id_key, id);
  const auto name = lookup_name(table, id);
  if (!name.empty()) v.set("name", name);
  return v;
}
}  // namespace

std::string_view lookup_name(std::span<const NamedNumber> table, std::int64_t id) {
  for (const auto& e : table) {
    if (e.id == id) return e.name;
  }
  return {};
}

std::span<const NamedNumber> enctype_table() { return kEnctypes; }
std::span<const NamedNumber> name_type_table() { return kNameTypes; }
std::span<const NamedNumber> krb_error_table() { return kErrors; }
std::span<const NamedNumber> padata_type_table() { return kPadataTypes; }
std::span<const NamedNumber> krb_msg_type_table() { return kMsgTypes; }

Value enctype_value(std::int64_t id) { return named(kEnctypes, id, "id"); }
Value name_type_value(std::int64_t id) { return named(kNameTypes, id, "id"); }
Value krb_error_value(std::int64_t code) { return named(kErrors, code, "code"); }
Value padata_type_value(std::int64_t id) { return named(kPadataTypes, id, "id"); }
Value krb_msg_type_value(std::int64_t id) { return named(kMsgTypes, id, "id"); }
Value checksum_type_value(std::int64_t id) { return named(kChecksumTypes, id, "id"); }
Value ad_type_value(std::int64_t id) { return named(kAdTypes, id, "id"); }

Value bit_string_names(std::uint32_t bits, std::span<const std::string_view> names) {
  Value out = Value::array();
  for (std::size_t i = 0; i < 32; ++i) {
    if ((bits & (0x80000000u >> i)) == 0) continue;
    if (i < names.size() && !names[i].empty()) {
      out.push(names[i]);
    } else {
      out.push("bit_" + std::to_string(i));
    }
  }
  return out;
}

std::span<const std::string_view> kdc_option_names() { return kKdcOptions; }
std::span<const std::string_view> ap_option_names() { return kApOptions; }
std::span<const std::string_view> ticket_flag_names() { return kTicketFlags; }
std::span<const std::string_view> spnego_context_flag_names() { return kContextFlags; }

}  // namespace authctx::decode

// The LDAPv3 messages a SASL bind needs (RFC 4511 §4), as plain values, and their wire
// form through OpenLDAP's liblber.
//
// encode_* build one complete LDAPMessage (RFC 4511 §4.1.1) with liblber's ber_printf:
// requests for the client (SASL BindRequest, a SearchRequest for the root DSE, an
// ExtendedRequest for WhoAmI or StartTLS, UnbindRequest) and responses for test peers.
// They throw std::length_error only if liblber cannot allocate.
//
// decode_message never throws: it returns the message as far as it could be read, and
// diagnostics with byte offsets from the start of the message. It first walks the whole
// BER structure (ber_frame.hpp: definite lengths only, nesting depth bounded), then reads
// the fields with liblber. Operations it does not know keep their tag and are skipped.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ldap/errors.hpp"

namespace authctx::ldap {

// RFC 4511 §4.2: bind version 3; the SASL mechanism names of RFC 4752 and of Microsoft.
inline constexpr int k_ldap_version = 3;
inline constexpr std::string_view k_mech_gssapi = "GSSAPI";
inline constexpr std::string_view k_mech_gss_spnego = "GSS-SPNEGO";

// Extended operation OIDs: StartTLS (RFC 4511 §4.14.1), WhoAmI (RFC 4532 §2), and the
// Notice of Disconnection (RFC 4511 §4.4.1, sent unsolicited with message ID 0).
inline constexpr std::string_view k_oid_start_tls = "1.3.6.1.4.1.1466.20037";
inline constexpr std::string_view k_oid_whoami = "1.3.6.1.4.1.4203.1.11.3";
inline constexpr std::string_view k_oid_notice_of_disconnection = "1.3.6.1.4.1.1466.20036";

// The protocolOp CHOICE tags (RFC 4511 §4.2 .. §4.12), [APPLICATION n].
enum class OpKind {
  bind_request,             // [APPLICATION 0]
  bind_response,            // [APPLICATION 1]
  unbind_request,           // [APPLICATION 2]
  search_request,           // [APPLICATION 3]
  search_result_entry,      // [APPLICATION 4]
  search_result_done,       // [APPLICATION 5]
  search_result_reference,  // [APPLICATION 19]
  extended_request,         // [APPLICATION 23]
  extended_response,        // [APPLICATION 24]
  intermediate_response,    // [APPLICATION 25]
  other,                    // any other operation (kept by tag, not decoded)
};
std::string_view op_kind_name(OpKind kind);  // "bindResponse", ... (RFC 4511's names)

// RFC 4511 §4.1.9.
struct LdapResult {
  int code = 0;
  std::string matched_dn;
  std::string diagnostic_message;
  std::vector<std::string> referrals;
};

struct BindRequest {
  int version = k_ldap_version;
  std::string name;       // empty for SASL binds
  std::string mechanism;  // SaslCredentials.mechanism; empty for a simple bind
  bool simple = false;    // the simple choice [0] (the password is not kept)
  std::optional<Bytes> credentials;
};

struct BindResponse {
  LdapResult result;
  std::optional<Bytes> server_sasl_creds;  // [7]
};

enum class SearchScope { base_object = 0, single_level = 1, whole_subtree = 2 };

struct SearchRequest {
  std::string base;
  SearchScope scope = SearchScope::base_object;
  int size_limit = 0;
  int time_limit = 0;
  bool types_only = false;
  std::string present_attribute = "objectClass";  // the filter: (ATTR=*), RFC 4511 §4.5.1.7.5
  std::vector<std::string> attributes;
};

struct Attribute {
  std::string type;
  std::vector<std::string> values;  // raw value bytes
};

struct SearchResultEntry {
  std::string object_name;
  std::vector<Attribute> attributes;
  // The values of one attribute (case-insensitive type match), or empty.
  std::vector<std::string> values(std::string_view type) const;
};

struct SearchResultDone {
  LdapResult result;
};

struct SearchResultReference {
  std::vector<std::string> uris;
};

struct ExtendedRequest {
  std::string name;
  std::optional<Bytes> value;
};

struct ExtendedResponse {
  LdapResult result;
  std::optional<std::string> name;  // [10]
  std::optional<Bytes> value;       // [11]
};

struct UnbindRequest {};

struct OtherOp {
  std::uint32_t tag = 0;  // the identifier octet(s), e.g. 0x66 for a ModifyRequest
};

using Op = std::variant<BindRequest, BindResponse, UnbindRequest, SearchRequest, SearchResultEntry, SearchResultDone,
                        SearchResultReference, ExtendedRequest, ExtendedResponse, OtherOp>;

struct Message {
  std::int32_t message_id = 0;
  Op op;
  std::size_t controls = 0;  // how many controls came with it (not interpreted)
  OpKind kind() const;
  // RFC 4511 §4.4.1: message ID 0 and an ExtendedResponse named 1.3.6.1.4.1.1466.20036.
  bool is_notice_of_disconnection() const;
  // The LdapResult of a response that has one, or null.
  const LdapResult* result() const;
};

struct DecodeLimits {
  std::size_t max_depth = 16;       // nesting depth of BER constructed values
  std::size_t max_values = 100000;  // attribute values, referrals, attribute types in total
};

struct DecodedMessage {
  std::optional<Message> message;  // set when the envelope (ID and operation) could be read
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return message.has_value() && diagnostics.empty(); }
};

DecodedMessage decode_message(ByteView bytes, const DecodeLimits& limits = {});

// Requests (client side).
Bytes encode_sasl_bind(std::int32_t id, std::string_view mechanism, const std::optional<Bytes>& credentials,
                       std::string_view name = {});
Bytes encode_search(std::int32_t id, const SearchRequest& request);
Bytes encode_extended(std::int32_t id, std::string_view name, const std::optional<Bytes>& value = std::nullopt);
Bytes encode_unbind(std::int32_t id);

// Responses (test peers, and round-trip tests).
Bytes encode_bind_response(std::int32_t id, const BindResponse& response);
Bytes encode_search_entry(std::int32_t id, const SearchResultEntry& entry);
Bytes encode_search_done(std::int32_t id, const LdapResult& result);
Bytes encode_extended_response(std::int32_t id, const ExtendedResponse& response);

// The root DSE attributes a bind check asks for (RFC 4512 §5.1 and Active Directory's).
std::vector<std::string> root_dse_attributes();
SearchRequest root_dse_search();

}  // namespace authctx::ldap

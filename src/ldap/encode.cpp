// encode_* (messages.hpp): LDAPMessages built with liblber's ber_printf in DER mode
// (LBER_USE_DER: definite, minimal lengths, as RFC 4511 §5.1 asks of senders).
// ber_printf is variadic: every argument is passed with the exact type its format letter
// reads (ber_int_t for i/e/b, ber_tag_t for t, const char* and ber_len_t for o).
#include <lber.h>

#include <stdexcept>

#include "ldap/ber_cursor.hpp"
#include "ldap/messages.hpp"

namespace authctx::ldap {
namespace {

namespace tag = detail::tag;

ber_tag_t ber_tag(std::uint32_t t) { return static_cast<ber_tag_t>(t); }

// One BerElement being built; flatten() copies the encoding out.
class Builder {
 public:
  Builder() : ber_(ber_alloc_t(LBER_USE_DER)) {
    if (ber_ == nullptr) throw std::length_error("liblber: cannot allocate a BerElement");
  }
  ~Builder() { ber_free(ber_, 1); }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  template <typename... Args>
  void put(const char* format, Args... args) {
    if (ber_printf(ber_, format, args...) == -1) throw std::length_error("liblber: ber_printf failed");
  }
  // An OCTET STRING with the given tag (any bytes, embedded NULs included).
  void octets(std::uint32_t t, const void* data, std::size_t size) {
    // liblber asserts a non-null pointer even for zero bytes (an empty view has none).
    const char* p = size == 0 ? "" : static_cast<const char*>(data);
    put("to", ber_tag(t), p, static_cast<ber_len_t>(size));
  }
  void octets(std::uint32_t t, std::string_view s) { octets(t, s.data(), s.size()); }
  void octets(std::uint32_t t, const Bytes& b) { octets(t, b.data(), b.size()); }
  // The start of an LDAPMessage: SEQUENCE { messageID, protocolOp with tag t ...
  void envelope(std::int32_t id, std::uint32_t t) { put("{it{", static_cast<ber_int_t>(id), ber_tag(t)); }
  void result(const LdapResult& r) {
    put("e", static_cast<ber_int_t>(r.code));
    octets(tag::octet_string, r.matched_dn);
    octets(tag::octet_string, r.diagnostic_message);
    if (!r.referrals.empty()) {
      put("t{", ber_tag(tag::context(3, true)));
      for (const auto& uri : r.referrals) octets(tag::octet_string, uri);
      put("}");
    }
  }

  Bytes flatten() {
    berval bv{0, nullptr};
    if (ber_flatten2(ber_, &bv, 0) != 0) throw std::length_error("liblber: ber_flatten2 failed");
    const auto* p = reinterpret_cast<const std::uint8_t*>(bv.bv_val);
    return Bytes(p, p + bv.bv_len);
  }

 private:
  BerElement* ber_;
};

}  // namespace

Bytes encode_sasl_bind(std::int32_t id, std::string_view mechanism, const std::optional<Bytes>& credentials,
                       std::string_view name) {
  // RFC 4511 §4.2: BindRequest ::= [APPLICATION 0] SEQUENCE { version, name,
  // authentication AuthenticationChoice }; sasl [3] SaslCredentials { mechanism, credentials OPTIONAL }.
  Builder b;
  b.envelope(id, tag::application(0, true));
  b.put("i", static_cast<ber_int_t>(k_ldap_version));
  b.octets(tag::octet_string, name);
  b.put("t{", ber_tag(tag::context(3, true)));
  b.octets(tag::octet_string, mechanism);
  if (credentials) b.octets(tag::octet_string, *credentials);
  b.put("}}}");
  return b.flatten();
}

Bytes encode_search(std::int32_t id, const SearchRequest& request) {
  // RFC 4511 §4.5.1: baseObject, scope, derefAliases (neverDerefAliases), sizeLimit,
  // timeLimit, typesOnly, filter (present [7]), attributes.
  Builder b;
  b.envelope(id, tag::application(3, true));
  b.octets(tag::octet_string, request.base);
  b.put("eeiib", static_cast<ber_int_t>(request.scope), static_cast<ber_int_t>(0),
        static_cast<ber_int_t>(request.size_limit), static_cast<ber_int_t>(request.time_limit),
        static_cast<ber_int_t>(request.types_only ? 1 : 0));
  b.octets(tag::context(7, false), request.present_attribute.empty() ? std::string_view("objectClass")
                                                                     : std::string_view(request.present_attribute));
  b.put("{");
  for (const auto& a : request.attributes) b.octets(tag::octet_string, a);
  b.put("}}}");
  return b.flatten();
}

Bytes encode_extended(std::int32_t id, std::string_view name, const std::optional<Bytes>& value) {
  // RFC 4511 §4.12: requestName [0] LDAPOID, requestValue [1] OCTET STRING OPTIONAL.
  Builder b;
  b.envelope(id, tag::application(23, true));
  b.octets(tag::context(0, false), name);
  if (value) b.octets(tag::context(1, false), *value);
  b.put("}}");
  return b.flatten();
}

Bytes encode_unbind(std::int32_t id) {
  // RFC 4511 §4.3: UnbindRequest ::= [APPLICATION 2] NULL.
  Builder b;
  b.put("{itn}", static_cast<ber_int_t>(id), ber_tag(tag::application(2, false)));
  return b.flatten();
}

Bytes encode_bind_response(std::int32_t id, const BindResponse& response) {
  Builder b;
  b.envelope(id, tag::application(1, true));
  b.result(response.result);
  if (response.server_sasl_creds) b.octets(tag::context(7, false), *response.server_sasl_creds);
  b.put("}}");
  return b.flatten();
}

Bytes encode_search_entry(std::int32_t id, const SearchResultEntry& entry) {
  Builder b;
  b.envelope(id, tag::application(4, true));
  b.octets(tag::octet_string, entry.object_name);
  b.put("{");
  for (const auto& a : entry.attributes) {
    b.put("{");
    b.octets(tag::octet_string, a.type);
    b.put("[");
    for (const auto& v : a.values) b.octets(tag::octet_string, v);
    b.put("]}");
  }
  b.put("}}}");
  return b.flatten();
}

Bytes encode_search_done(std::int32_t id, const LdapResult& result) {
  Builder b;
  b.envelope(id, tag::application(5, true));
  b.result(result);
  b.put("}}");
  return b.flatten();
}

Bytes encode_extended_response(std::int32_t id, const ExtendedResponse& response) {
  // RFC 4511 §4.12: responseName [10], responseValue [11].
  Builder b;
  b.envelope(id, tag::application(24, true));
  b.result(response.result);
  if (response.name) b.octets(tag::context(10, false), *response.name);
  if (response.value) b.octets(tag::context(11, false), *response.value);
  b.put("}}");
  return b.flatten();
}

}  // namespace authctx::ldap

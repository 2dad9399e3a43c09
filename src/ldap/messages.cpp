#include "ldap/messages.hpp"

#include <algorithm>
#include <cctype>

namespace authctx::ldap {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

template <class... Fs>
struct Overload : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

}  // namespace

std::string_view op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::bind_request: return "bindRequest";
    case OpKind::bind_response: return "bindResponse";
    case OpKind::unbind_request: return "unbindRequest";
    case OpKind::search_request: return "searchRequest";
    case OpKind::search_result_entry: return "searchResEntry";
    case OpKind::search_result_done: return "searchResDone";
    case OpKind::search_result_reference: return "searchResRef";
    case OpKind::extended_request: return "extendedReq";
    case OpKind::extended_response: return "extendedResp";
    case OpKind::intermediate_response: return "intermediateResponse";
    case OpKind::other: return "other";
  }
  return "other";
}

std::vector<std::string> SearchResultEntry::values(std::string_view type) const {
  for (const auto& a : attributes)
    if (iequals(a.type, type)) return a.values;
  return {};
}

OpKind Message::kind() const {
  return std::visit(Overload{
                        [](const BindRequest&) { return OpKind::bind_request; },
                        [](const BindResponse&) { return OpKind::bind_response; },
                        [](const UnbindRequest&) { return OpKind::unbind_request; },
                        [](const SearchRequest&) { return OpKind::search_request; },
                        [](const SearchResultEntry&) { return OpKind::search_result_entry; },
                        [](const SearchResultDone&) { return OpKind::search_result_done; },
                        [](const SearchResultReference&) { return OpKind::search_result_reference; },
                        [](const ExtendedRequest&) { return OpKind::extended_request; },
                        [](const ExtendedResponse&) { return OpKind::extended_response; },
                        [](const OtherOp& o) { return o.tag == 0x79 ? OpKind::intermediate_response : OpKind::other; },
                    },
                    op);
}

bool Message::is_notice_of_disconnection() const {
  const auto* ext = std::get_if<ExtendedResponse>(&op);
  return message_id == 0 && ext != nullptr && ext->name && *ext->name == k_oid_notice_of_disconnection;
}

const LdapResult* Message::result() const {
  if (const auto* r = std::get_if<BindResponse>(&op)) return &r->result;
  if (const auto* r = std::get_if<SearchResultDone>(&op)) return &r->result;
  if (const auto* r = std::get_if<ExtendedResponse>(&op)) return &r->result;
  return nullptr;
}

std::vector<std::string> root_dse_attributes() {
  // RFC 4512 §5.1 (namingContexts, supportedControl, supportedExtension,
  // supportedSASLMechanisms, supportedLDAPVersion, vendorName) and the attributes Active
  // Directory adds ([MS-ADTS] §3.1.1.3.2: defaultNamingContext, dnsHostName,
  // supportedSASLMechanisms, ldapServiceName, serverName, domainFunctionality).
  return {"supportedSASLMechanisms",
          "supportedLDAPVersion",
          "namingContexts",
          "defaultNamingContext",
          "dnsHostName",
          "ldapServiceName",
          "serverName",
          "supportedControl",
          "supportedExtension",
          "supportedFeatures",
          "vendorName",
          "vendorVersion",
          "domainFunctionality",
          "forestFunctionality",
          "currentTime"};
}

SearchRequest root_dse_search() {
  SearchRequest r;  // RFC 4512 §5.1: base "", scope baseObject, filter (objectClass=*)
  r.attributes = root_dse_attributes();
  return r;
}

}  // namespace authctx::ldap

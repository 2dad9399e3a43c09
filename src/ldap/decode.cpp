// decode_message (messages.hpp): LDAPMessage (RFC 4511 §4.1.1) and the protocol operations
// a SASL bind meets, read with liblber through BerCursor after check_structure has vetted
// the whole BER tree.
#include <cstdio>

#include "ldap/ber_cursor.hpp"
#include "ldap/ber_frame.hpp"
#include "ldap/messages.hpp"

namespace authctx::ldap {
namespace {

using detail::BerCursor;
namespace tag = detail::tag;

// Shared budget for repeated values (attribute values, referrals, types) in one message.
struct Budget {
  std::size_t left;
  bool take(BerCursor& c, std::string_view what) {
    if (left == 0) {
      c.fail(std::string(what) + ": more values than the limit allows");
      return false;
    }
    --left;
    return true;
  }
};

// LDAPResult fields (RFC 4511 §4.1.9) at the start of a response's contents; referral [3].
void read_result(BerCursor& c, LdapResult& r, Budget& budget) {
  if (auto code = c.integer(tag::enumerated, "resultCode")) r.code = *code;
  if (auto dn = c.octets(tag::octet_string, "matchedDN")) r.matched_dn = std::move(*dn);
  if (auto msg = c.octets(tag::octet_string, "diagnosticMessage")) r.diagnostic_message = std::move(*msg);
  if (c.next_is(tag::context(3, true))) {
    if (auto refs = c.enter(tag::context(3, true), "referral")) {
      while (refs->ok() && !refs->at_end() && budget.take(*refs, "referral")) {
        if (auto uri = refs->octets(tag::octet_string, "referral URI")) r.referrals.push_back(std::move(*uri));
      }
    }
  }
}

BindResponse read_bind_response(BerCursor& c, Budget& budget) {
  BindResponse r;
  read_result(c, r.result, budget);
  if (c.next_is(tag::context(7, false))) r.server_sasl_creds = c.bytes(tag::context(7, false), "serverSaslCreds");
  c.expect_end("BindResponse");
  return r;
}

BindRequest read_bind_request(BerCursor& c) {
  BindRequest r;
  if (auto v = c.integer(tag::integer, "version")) r.version = *v;
  if (auto n = c.octets(tag::octet_string, "name")) r.name = std::move(*n);
  if (c.next_is(tag::context(0, false))) {  // simple [0]: the password stays unread
    r.simple = true;
    c.skip("simple");
  } else if (auto sasl = c.enter(tag::context(3, true), "sasl")) {  // SaslCredentials [3]
    if (auto m = sasl->octets(tag::octet_string, "mechanism")) r.mechanism = std::move(*m);
    if (!sasl->at_end()) r.credentials = sasl->bytes(tag::octet_string, "credentials");
    sasl->expect_end("SaslCredentials");
  }
  c.expect_end("BindRequest");
  return r;
}

SearchRequest read_search_request(BerCursor& c, Budget& budget) {
  SearchRequest r;
  if (auto b = c.octets(tag::octet_string, "baseObject")) r.base = std::move(*b);
  if (auto s = c.integer(tag::enumerated, "scope")) {
    if (*s < 0 || *s > 2)
      c.fail("scope: " + std::to_string(*s) + " is not 0, 1 or 2");
    else
      r.scope = static_cast<SearchScope>(*s);
  }
  c.integer(tag::enumerated, "derefAliases");
  if (auto n = c.integer(tag::integer, "sizeLimit")) r.size_limit = *n;
  if (auto n = c.integer(tag::integer, "timeLimit")) r.time_limit = *n;
  if (auto t = c.boolean(tag::boolean, "typesOnly")) r.types_only = *t;
  // Filter: only a present filter [7] (ATTR=*) is read as such; others are skipped.
  if (c.next_is(tag::context(7, false))) {
    if (auto p = c.octets(tag::context(7, false), "present filter")) r.present_attribute = std::move(*p);
  } else {
    r.present_attribute.clear();
    c.skip("filter");
  }
  if (auto attrs = c.enter(tag::sequence, "attributes")) {
    while (attrs->ok() && !attrs->at_end() && budget.take(*attrs, "attributes")) {
      if (auto a = attrs->octets(tag::octet_string, "attribute")) r.attributes.push_back(std::move(*a));
    }
  }
  c.expect_end("SearchRequest");
  return r;
}

SearchResultEntry read_entry(BerCursor& c, Budget& budget) {
  SearchResultEntry e;
  if (auto n = c.octets(tag::octet_string, "objectName")) e.object_name = std::move(*n);
  if (auto list = c.enter(tag::sequence, "attributes")) {
    while (list->ok() && !list->at_end() && budget.take(*list, "attributes")) {
      auto pa = list->enter(tag::sequence, "PartialAttribute");
      if (!pa) break;
      Attribute a;
      if (auto t = pa->octets(tag::octet_string, "attribute type")) a.type = std::move(*t);
      if (auto vals = pa->enter(tag::set, "vals")) {
        while (vals->ok() && !vals->at_end() && budget.take(*vals, "attribute values")) {
          if (auto v = vals->octets(tag::octet_string, "attribute value")) a.values.push_back(std::move(*v));
        }
      }
      pa->expect_end("PartialAttribute");
      e.attributes.push_back(std::move(a));
    }
  }
  c.expect_end("SearchResultEntry");
  return e;
}

SearchResultReference read_reference(BerCursor& c, Budget& budget) {
  SearchResultReference r;
  while (c.ok() && !c.at_end() && budget.take(c, "SearchResultReference")) {
    if (auto uri = c.octets(tag::octet_string, "URI")) r.uris.push_back(std::move(*uri));
  }
  return r;
}

ExtendedRequest read_extended_request(BerCursor& c) {
  ExtendedRequest r;
  if (auto n = c.octets(tag::context(0, false), "requestName")) r.name = std::move(*n);
  if (c.next_is(tag::context(1, false))) r.value = c.bytes(tag::context(1, false), "requestValue");
  c.expect_end("ExtendedRequest");
  return r;
}

ExtendedResponse read_extended_response(BerCursor& c, Budget& budget) {
  ExtendedResponse r;
  read_result(c, r.result, budget);
  if (c.next_is(tag::context(10, false))) r.name = c.octets(tag::context(10, false), "responseName");
  if (c.next_is(tag::context(11, false))) r.value = c.bytes(tag::context(11, false), "responseValue");
  c.expect_end("ExtendedResponse");
  return r;
}

Op read_op(BerCursor& envelope, std::uint32_t t, Budget& budget) {
  // A primitive operation: UnbindRequest is [APPLICATION 2] NULL.
  if (t == tag::application(2, false)) {
    envelope.skip("UnbindRequest");
    return UnbindRequest{};
  }
  if ((t & 0x20u) == 0 || (t & 0xc0u) != 0x40u || t > 0xff) {
    envelope.skip("protocolOp");
    return OtherOp{t};
  }
  const std::uint32_t n = t & 0x1fu;
  auto c = envelope.enter(t, "protocolOp");
  if (!c) return OtherOp{t};
  switch (n) {
    case 0: return read_bind_request(*c);
    case 1: return read_bind_response(*c, budget);
    case 3: return read_search_request(*c, budget);
    case 4: return read_entry(*c, budget);
    case 5: {
      SearchResultDone d;
      read_result(*c, d.result, budget);
      c->expect_end("SearchResultDone");
      return d;
    }
    case 19: return read_reference(*c, budget);
    case 23: return read_extended_request(*c);
    case 24: return read_extended_response(*c, budget);
    default: return OtherOp{t};
  }
}

}  // namespace

DecodedMessage decode_message(ByteView bytes, const DecodeLimits& limits) {
  DecodedMessage out;
  if (auto problem = check_structure(bytes, limits.max_depth)) {
    out.diagnostics.push_back(std::move(*problem));
    return out;
  }
  // One padding octet: ber_skip_element reads the octet after the element it skips.
  Bytes padded(bytes.begin(), bytes.end());
  padded.push_back(0);
  BerCursor top(ByteView(padded.data(), bytes.size()), 0, out.diagnostics);
  auto envelope = top.enter(tag::sequence, "LDAPMessage");
  if (!envelope) return out;
  const auto id_at = envelope->offset();
  const auto id = envelope->integer(tag::integer, "messageID");
  if (!id) return out;
  if (*id < 0) envelope->fail_at(id_at, "messageID " + std::to_string(*id) + " is negative (RFC 4511 §4.1.1)");
  const auto t = envelope->peek_tag();
  if (!t) {
    envelope->fail("protocolOp: missing");
    return out;
  }
  Budget budget{limits.max_values};
  Message m;
  m.message_id = *id;
  m.op = read_op(*envelope, *t, budget);
  // Controls [0] (RFC 4511 §4.1.11): counted, not interpreted.
  if (envelope->next_is(tag::context(0, true))) {
    if (auto controls = envelope->enter(tag::context(0, true), "controls")) {
      while (controls->ok() && !controls->at_end() && budget.take(*controls, "controls")) {
        if (!controls->skip("Control")) break;
        ++m.controls;
      }
    }
  }
  envelope->expect_end("LDAPMessage");
  out.message = std::move(m);
  return out;
}

}  // namespace authctx::ldap

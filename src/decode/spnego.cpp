// SPNEGO NegotiationToken (RFC 4178 §4.2) and Microsoft's NegTokenInit2 (MS-SPNG §2.2.1).
//
//   NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }
//   NegTokenInit  ::= SEQUENCE { mechTypes [0], reqFlags [1] OPTIONAL, mechToken [2] OPTIONAL,
//                                mechListMIC [3] OPTIONAL }
//   NegTokenInit2 ::= SEQUENCE { mechTypes [0], reqFlags [1] OPTIONAL, mechToken [2] OPTIONAL,
//                                negHints [3] NegHints OPTIONAL, mechListMIC [4] OPTIONAL }
//   NegTokenResp  ::= SEQUENCE { negState [0] ENUMERATED OPTIONAL, supportedMech [1] OPTIONAL,
//                                responseToken [2] OPTIONAL, mechListMIC [3] OPTIONAL }
// NegTokenInit2 is told apart by [3] holding a SEQUENCE (negHints) instead of an OCTET
// STRING, or by the presence of [4].
#include "decode/decoders.hpp"
#include "decode/tables.hpp"

namespace authctx::decode {

namespace {

// RFC 4178 §4.2.2 negState.
constexpr std::string_view kNegStates[] = {"accept-completed", "accept-incomplete", "reject", "request-mic"};

Value mic_value(const Tlv& t) {
  Value v = Value::object();
  v.set("length", t.contents.size());
  return v;
}

Value decode_mech_types(DerReader& r, Mech& first) {
  Value list = Value::array();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "mechTypes")) return list;
  DerReader items = r.sub(seq);
  bool is_first = true;
  while (!items.at_end()) {
    const auto oid = der_read_oid(items, "mechTypes OID");
    if (!oid) break;
    if (is_first) first = mech_from_oid(*oid);
    is_first = false;
    list.push(oid_value(*oid));
  }
  return list;
}

Value decode_neg_hints(DerReader& r) {
  // MS-SPNG §2.2.1: NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL,
  //                                         hintAddress [1] OCTET STRING OPTIONAL }
  Value hints = Value::object();
  Tlv seq;
  if (!r.expect(TagClass::universal, der_tag::sequence, seq, "negHints")) return hints;
  DerReader s = r.sub(seq);
  DerReader f = s;
  if (s.field(0, f, "hintName", false)) {
    if (auto name = der_read_string(f, "hintName")) hints.set("hint_name", *name);
  }
  if (s.field(1, f, "hintAddress", false)) {
    if (auto addr = der_read_octets(f, "hintAddress")) hints.set("hint_address_length", addr->contents.size());
  }
  s.expect_end("negHints");
  return hints;
}

Value decode_init(DerReader& seq, std::size_t length, const Ctx& ctx) {
  Value node = make_node("spnego.neg_token_init", length);
  Mech first = Mech::unknown;
  DerReader f = seq;
  if (seq.field(0, f, "mechTypes", true)) node.set("mech_types", decode_mech_types(f, first));
  if (seq.field(1, f, "reqFlags", false)) {
    if (auto flags = der_read_flags32(f, "reqFlags")) {
      node.set("req_flags", bit_string_names(*flags, spnego_context_flag_names()));
    }
  }
  if (seq.field(2, f, "mechToken", false)) {
    if (auto tok = der_read_octets(f, "mechToken")) {
      node.set("mech_token", decode_any(tok->contents, tok->contents_offset, ctx.deeper(), first));
    }
  }
  // [3] is mechListMIC in RFC 4178 but negHints in NegTokenInit2.
  const auto t3 = seq.peek();
  if (t3 && t3->is(TagClass::context, 3)) {
    seq.field(3, f, "negHints/mechListMIC", false);
    const auto inner = f.peek();
    if (inner && inner->is(TagClass::universal, der_tag::sequence)) {
      node.set("type", "spnego.neg_token_init2");
      node.set("neg_hints", decode_neg_hints(f));
    } else if (auto mic = der_read_octets(f, "mechListMIC")) {
      node.set("mech_list_mic", mic_value(*mic));
    }
  }
  if (seq.field(4, f, "mechListMIC", false)) {
    node.set("type", "spnego.neg_token_init2");
    if (auto mic = der_read_octets(f, "mechListMIC")) node.set("mech_list_mic", mic_value(*mic));
  }
  seq.expect_end("NegTokenInit");
  return node;
}

Value decode_resp(DerReader& seq, std::size_t length, const Ctx& ctx) {
  Value node = make_node("spnego.neg_token_resp", length);
  Mech mech = Mech::unknown;
  DerReader f = seq;
  if (seq.field(0, f, "negState", false)) {
    Tlv e;
    if (f.expect(TagClass::universal, der_tag::enumerated, e, "negState")) {
      if (e.contents.size() == 1) {
        Value st = Value::object();
        st.set("id", e.contents[0]);
        if (e.contents[0] < std::size(kNegStates)) st.set("name", kNegStates[e.contents[0]]);
        node.set("neg_state", std::move(st));
      } else {
        f.fail(e.offset, "negState: ENUMERATED must be one octet");
      }
    }
  }
  if (seq.field(1, f, "supportedMech", false)) {
    if (auto oid = der_read_oid(f, "supportedMech")) {
      mech = mech_from_oid(*oid);
      node.set("supported_mech", oid_value(*oid));
    }
  }
  if (seq.field(2, f, "responseToken", false)) {
    if (auto tok = der_read_octets(f, "responseToken")) {
      node.set("response_token", decode_any(tok->contents, tok->contents_offset, ctx.deeper(), mech));
    }
  }
  if (seq.field(3, f, "mechListMIC", false)) {
    if (auto mic = der_read_octets(f, "mechListMIC")) node.set("mech_list_mic", mic_value(*mic));
  }
  seq.expect_end("NegTokenResp");
  return node;
}

}  // namespace

Value decode_spnego(Bytes data, std::size_t base, const Ctx& ctx) {
  Diagnostics diag;
  DerReader top(data, base, diag);
  Value node;
  Tlv choice;
  if (!top.read(choice, "NegotiationToken") || choice.cls != TagClass::context || choice.tag > 1) {
    node = make_node("spnego.neg_token_init", data.size());
    if (top.ok()) top.fail(base, "NegotiationToken: expected [0] negTokenInit or [1] negTokenResp");
    node.set("type", "unknown");
    node.set("reason", "not a SPNEGO NegotiationToken");
  } else {
    top.expect_end("NegotiationToken");
    DerReader wrapper = top.sub(choice);
    Tlv seq;
    const bool is_init = choice.tag == 0;
    node = make_node(is_init ? "spnego.neg_token_init" : "spnego.neg_token_resp", data.size());
    if (wrapper.expect(TagClass::universal, der_tag::sequence, seq, is_init ? "NegTokenInit" : "NegTokenResp")) {
      wrapper.expect_end("NegotiationToken");
      DerReader body = wrapper.sub(seq);
      node = is_init ? decode_init(body, data.size(), ctx) : decode_resp(body, data.size(), ctx);
    }
  }
  diag.attach(node);
  return node;
}

}  // namespace authctx::decode

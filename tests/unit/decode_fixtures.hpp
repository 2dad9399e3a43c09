// Helpers for the decoder tests: load the captured token vectors in tests/data/tokens.
#pragma once
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "util/base64.hpp"

namespace authctx::test {

inline std::vector<std::uint8_t> token_fixture(const std::string& name) {
  const std::string path = std::string(AUTHCTX_SOURCE_DIR) + "/tests/data/tokens/" + name + ".hex";
  std::ifstream in(path);
  INFO("fixture " << path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  auto bytes = util::hex_decode(ss.str());
  REQUIRE(bytes.has_value());
  return *bytes;
}

inline decode::Value decode_fixture(const std::string& name, bool show_secrets = false) {
  decode::Options o;
  o.show_secrets = show_secrets;
  return decode::decode_token(token_fixture(name), o);
}

inline std::vector<std::uint8_t> hex(const std::string& text) {
  auto b = util::hex_decode(text);
  REQUIRE(b.has_value());
  return *b;
}

// True when every diagnostic offset in the tree is at most `limit` (the input length).
inline bool offsets_within(const decode::Value& v, std::size_t limit) {
  if (v.is_object()) {
    for (const auto& m : v.members()) {
      if (m.key == "diagnostics") {
        for (const auto& d : m.value.items()) {
          if (d["offset"].as_uint() > limit) return false;
        }
      } else if (!offsets_within(m.value, limit)) {
        return false;
      }
    }
  } else if (v.is_array()) {
    for (const auto& item : v.items()) {
      if (!offsets_within(item, limit)) return false;
    }
  }
  return true;
}

// Every captured vector, with whether it is self-delimiting (DER or NTLM message, where a
// truncated copy must be noticed) rather than a per-message token whose tail is opaque.
struct FixtureInfo {
  const char* name;
  bool self_delimiting;
};
inline const std::vector<FixtureInfo>& all_fixtures() {
  static const std::vector<FixtureInfo> list = {
      {"krb5_ap_req", true}, {"krb5_ap_rep", true}, {"krb5_krb_error_badkeyver", true},
      {"krb5_mic_initiator", false}, {"krb5_mic_acceptor", false}, {"krb5_wrap_sealed", false},
      {"krb5_wrap_acceptor_integ", false}, {"spnego_init_krb5", true}, {"spnego_resp_krb5", true},
      {"spnego_init_ntlm", true}, {"spnego_resp_ntlm_challenge", true}, {"spnego_resp_ntlm_authenticate", true},
      {"spnego_resp_ntlm_mic", true}, {"ntlm_negotiate", true}, {"ntlm_challenge", true},
      {"ntlm_authenticate", true}, {"ntlm_signature", false}, {"ntlm_wrap", false},
      {"iakerb_as_req", true}, {"iakerb_krb_error_preauth_required", true}, {"iakerb_as_req_preauth", true},
      {"iakerb_as_rep", true}, {"iakerb_tgs_req", true}, {"iakerb_tgs_rep", true}, {"iakerb_ap_req", true},
      {"iakerb_ap_rep", true}, {"kdc_as_req", true}, {"kdc_krb_error_preauth_required", true},
      {"kdc_as_req_enc_timestamp", true}, {"kdc_as_rep", true}, {"kdc_tgs_req", true}, {"kdc_tgs_rep", true},
      {"kdc_krb_error_s_principal_unknown", true}, {"kdc_krb_error_preauth_failed", true},
      {"pac_mit_minimal", true}, {"pac_samba_alice", true}, {"pac_samba_tgt", true},
  };
  return list;
}

}  // namespace authctx::test

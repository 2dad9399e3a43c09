// libFuzzer target for the PAC decoder and the decoders of Kerberos encrypted-part
// plaintext (src/decode/pac.hpp, krb5_enc_parts.hpp): whatever the bytes, no crash, hang,
// unbounded allocation or read outside the input, and the tree always serialises through
// the product's own JSON code (report::to_json, then json::dump). The first byte
// picks what the rest is:
//   0  a whole PAC                      decode_pac
//   1  one PAC buffer (type: 2nd byte)  decode_pac_buffer
//   2  a token, with a decryptor that   decode_token; every encrypted part's "plaintext" is
//      "decrypts" to the cipher itself  its cipher bytes, so the fuzzer reaches every
//                                       plaintext decoder through the real plumbing
//   3  one plaintext (key usage: 2nd)   the EncTicketPart / Authenticator / ... decoder
// Seeds: tests/fuzz/corpus-keys (PACs, exchange legs, and real plaintexts written by
// tests/data/tokens/capture/dump_plaintexts.cpp).
#include <cstddef>
#include <cstdint>
#include <span>

#include "decode/decode.hpp"
#include "decode/decryptor.hpp"
#include "decode/krb5_enc_parts.hpp"
#include "decode/pac.hpp"
#include "json/json.hpp"
#include "report/decoded_json.hpp"

namespace {
struct IdentityDecryptor final : authctx::decode::Decryptor {
  std::size_t learned = 0;
  authctx::decode::Decrypted decrypt(const authctx::decode::SealedPart& part) override {
    authctx::decode::Decrypted d;
    d.ok = (part.cipher.size() % 2) == 0;  // some parts fail, to reach the failure paths too
    if (d.ok) {
      d.plain.assign(part.cipher.begin(), part.cipher.end());
      d.key = "identity";
    } else {
      d.failure_class = "no_key";
      d.message = "odd length";
    }
    return d;
  }
  void learn_key(std::int32_t, std::span<const std::uint8_t> key, const std::string&) override { learned += key.size(); }
};

void serialise(const authctx::decode::Value& v) {
  (void)authctx::json::dump(authctx::report::to_json(v), 2);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  authctx::decode::Options options;
  options.show_secrets = (data[size - 1] & 1) != 0;
  switch (data[0] % 4) {
    case 0: serialise(authctx::decode::decode_pac(rest, options)); break;
    case 1: serialise(authctx::decode::decode_pac_buffer(data[1] % 24, rest.subspan(1), options)); break;
    case 2: {
      IdentityDecryptor d;
      options.decryptor = &d;
      serialise(authctx::decode::decode_token(rest, options));
      break;
    }
    default: {
      IdentityDecryptor d;
      options.decryptor = &d;
      const authctx::decode::Ctx ctx{&options, 0};
      const auto plain = rest.subspan(1);
      switch (data[1]) {
        case 2: serialise(authctx::decode::decode_enc_ticket_part(plain, ctx)); break;
        case 7:
        case 11: serialise(authctx::decode::decode_authenticator(plain, ctx)); break;
        case 12: serialise(authctx::decode::decode_enc_ap_rep_part(plain, ctx)); break;
        case 14: serialise(authctx::decode::decode_enc_krb_cred_part(plain, ctx)); break;
        default: serialise(authctx::decode::decode_enc_kdc_rep_part(plain, ctx)); break;
      }
      break;
    }
  }
  return 0;
}

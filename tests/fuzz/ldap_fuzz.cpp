// libFuzzer target for the LDAP library's parsers of peer bytes: the stream probe and the
// BER structure walk (ber_frame.hpp), decode_message through liblber (messages.hpp), the
// RFC 4752 security-layer messages and the SASL buffer probe (sasl_layer.hpp). None may
// crash, hang, read outside its input or allocate without bound, whatever the bytes.
// Build with -DAUTHCTX_FUZZ=ON and clang (tests/fuzz/CMakeLists.txt); seeds: tests/fuzz/corpus/ldap.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ldap/ber_frame.hpp"
#include "ldap/messages.hpp"
#include "ldap/result_code.hpp"
#include "ldap/sasl_layer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ldap = authctx::ldap;
  const std::span<const std::uint8_t> bytes(data, size);
  const auto probe = ldap::probe_message(bytes, 1 << 16);
  if (probe.status == ldap::MessageProbe::Status::complete && probe.total() <= size) {
    const auto decoded = ldap::decode_message(bytes.first(probe.total()));
    if (decoded.message) {
      (void)decoded.message->kind();
      (void)decoded.message->is_notice_of_disconnection();
      if (const auto* r = decoded.message->result()) (void)ldap::result_code_name(r->code);
    }
  }
  (void)ldap::decode_message(bytes);
  (void)ldap::check_structure(bytes, 8);
  const auto offer = ldap::decode_layer_offer(bytes);
  (void)offer.layers();
  (void)ldap::review_layer_choice(offer, ldap::SaslLayer::integrity, 65536);
  (void)ldap::decode_layer_choice(bytes);
  (void)ldap::probe_sasl_buffer(bytes, 65536);
  return 0;
}

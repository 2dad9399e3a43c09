#include "support/bindings.hpp"

#include <krb5/krb5.h>
#include <catch2/catch.hpp>

#include <fstream>

#include "krb5/handles.hpp"
#include "support/harness.hpp"
#include "util/base64.hpp"

namespace authctx::test {

std::string gss_bindings_md5_hex(const std::string& application_data) {
  std::string in(16, '\0');
  const auto n = static_cast<std::uint32_t>(application_data.size());
  for (int i = 0; i < 4; ++i) in.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  in += application_data;
  // A context from an empty profile of our own: MD5 needs no configuration, and the
  // machine's krb5.conf stays out of the tests.
  TempDir dir;
  const std::string conf = dir.path + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults]\n";
  const krb5::Context ctx(conf);
  krb5_data data{};
  data.length = static_cast<unsigned int>(in.size());
  data.data = in.data();
  krb5_checksum sum{};
  REQUIRE(krb5_c_make_checksum(ctx.get(), CKSUMTYPE_RSA_MD5, nullptr, 0, &data, &sum) == 0);
  const std::string hex = util::hex_encode(std::span<const std::uint8_t>(sum.contents, sum.length));
  krb5_free_checksum_contents(ctx.get(), &sum);
  return hex;
}

}  // namespace authctx::test

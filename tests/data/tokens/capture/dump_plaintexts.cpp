// Writes the plaintext of every Kerberos part a keytab opens in an authctx document, one
// file per part, as seeds for tests/fuzz/keys_fuzz.cpp: OUTDIR/<usage>-<n> holding the mode
// byte 3, the key usage, then the plaintext (the fuzz target's "plaintext decoder" input).
// usage: dump_plaintexts KEYTAB DOCUMENT.json OUTDIR
// Build against a configured tree, e.g.:
//   g++ -std=c++20 -Isrc dump_plaintexts.cpp build/src/inspect/libauthctx_inspect.a \
//     build/src/decode/libauthctx_decode.a build/src/krb5/libauthctx_krb5.a \
//     build/src/util/libauthctx_util.a -lkrb5 -lk5crypto -lcom_err
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "decode/decode.hpp"
#include "decode/decryptor.hpp"
#include "inspect/key_decryptor.hpp"
#include "inspect/keys.hpp"
#include "util/base64.hpp"

namespace {
struct Dumper final : authctx::decode::Decryptor {
  authctx::inspect::KeyDecryptor* inner;
  std::string dir;
  int n = 0;
  authctx::decode::Decrypted decrypt(const authctx::decode::SealedPart& part) override {
    auto r = inner->decrypt(part);
    if (r.ok) {
      std::ofstream out(dir + "/usage" + std::to_string(static_cast<int>(part.usage)) + "-" + std::to_string(++n),
                        std::ios::binary);
      out.put(3).put(static_cast<char>(part.usage));
      out.write(reinterpret_cast<const char*>(r.plain.data()), static_cast<std::streamsize>(r.plain.size()));
    }
    return r;
  }
  void learn_key(std::int32_t e, std::span<const std::uint8_t> k, const std::string& w) override { inner->learn_key(e, k, w); }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  authctx::krb5::Context ctx;
  authctx::inspect::KeySet keys(ctx);
  keys.add_keytab(argv[1]);
  authctx::inspect::KeyDecryptor kd(ctx, keys);
  Dumper d;
  d.inner = &kd;
  d.dir = argv[3];
  std::ifstream in(argv[2]);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  authctx::decode::Options o;
  o.decryptor = &d;
  // The legs' base64, found by their key (no JSON library needed for our own documents).
  for (std::size_t at = text.find("\"base64\""); at != std::string::npos; at = text.find("\"base64\"", at + 1)) {
    const auto open = text.find('"', text.find(':', at) + 1);
    const auto close = text.find('"', open + 1);
    const auto bytes = authctx::util::base64_decode(text.substr(open + 1, close - open - 1));
    if (bytes) authctx::decode::decode_token(*bytes, o);
  }
  std::printf("%d parts\n", d.n);
  return 0;
}

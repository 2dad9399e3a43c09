#include "support/pki.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <filesystem>

#include "util/files.hpp"
#include "util/process.hpp"

namespace authctx::test {
namespace {

util::RunResult openssl(std::vector<std::string> args, bool fake_2020 = false) {
  const auto prog = util::find_program("openssl");
  REQUIRE(prog.has_value());
  util::RunOptions o;
  if (fake_2020) {
    const auto faketime = util::find_program("faketime");
    REQUIRE(faketime.has_value());
    o.argv = {*faketime, "2020-01-01 00:00:00", *prog};
  } else {
    o.argv = {*prog};
  }
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.timeout = std::chrono::seconds(30);
  auto r = util::run(o);
  INFO("openssl " << args.front() << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::vector<std::string> newkey(KeyType k) {
  switch (k) {
    case KeyType::rsa2048: return {"-newkey", "rsa:2048"};
    case KeyType::ec_p256: return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    case KeyType::ec_p384: return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"};
    case KeyType::ed25519: return {"-newkey", "ed25519"};
  }
  return {};
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}
}  // namespace

Pki::Pki() {
  ca_cert_ = dir_.path + "/ca.pem";
  ca_key_ = dir_.path + "/ca.key";
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key_, "-out", ca_cert_, "-days", "2",
           "-sha256", "-subj", "/O=authctx test/CN=authctx test CA", "-addext", "basicConstraints=critical,CA:TRUE",
           "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
}

IssuedCert Pki::issue(const std::string& name, const CertSpec& spec) {
  IssuedCert out{dir_.path + "/" + name + ".pem", dir_.path + "/" + name + ".key"};
  const auto csr = dir_.path + "/" + name + ".csr";
  const auto ext = dir_.path + "/" + name + ".ext";
  std::string ext_text = "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
  if (!spec.alt_names.empty()) ext_text += "subjectAltName=" + join(spec.alt_names) + "\n";
  util::write_private_file(ext, ext_text);
  const auto subject = "/O=authctx test/CN=" + spec.common_name;
  auto req = std::vector<std::string>{"req", "-new"};
  const auto key = newkey(spec.key);
  req.insert(req.end(), key.begin(), key.end());
  req.insert(req.end(), {"-nodes", "-keyout", out.key, "-out", csr, "-subj", subject});
  openssl(req);
  std::vector<std::string> sign{
      "x509",     "-req",   "-in",         csr,
      "-out",     out.cert, "-days",       spec.expired ? "1" : "2",
      "-extfile", ext,      "-set_serial", std::to_string(std::hash<std::string>{}(name) % 1000000 + 2)};
  if (spec.key != KeyType::ed25519 || !spec.self_signed) sign.push_back("-" + spec.digest);
  if (spec.self_signed) {
    sign.insert(sign.end(), {"-signkey", out.key});
  } else {
    sign.insert(sign.end(), {"-CA", ca_cert_, "-CAkey", ca_key_});
  }
  openssl(sign, spec.expired);
  return out;
}

std::string openssl_fingerprint(const std::string& cert, const std::string& digest) {
  const auto r = openssl({"x509", "-in", cert, "-noout", "-fingerprint", "-" + digest});
  // "sha256 Fingerprint=AB:CD:..."
  const auto eq = r.out.find('=');
  REQUIRE(eq != std::string::npos);
  std::string hex;
  for (std::size_t i = eq + 1; i < r.out.size(); ++i) {
    const auto c = static_cast<unsigned char>(r.out[i]);
    if (std::isxdigit(c)) hex += static_cast<char>(std::tolower(c));
  }
  return hex;
}

}  // namespace authctx::test

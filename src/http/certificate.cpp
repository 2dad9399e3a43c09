#include "http/certificate.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>

#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/timefmt.hpp"

namespace authctx::http {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  // RFC 2253 order and escaping, UTF-8 kept as is.
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::int64_t time_unix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::string nid_short(int nid) {
  const char* s = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
  std::string out = s == nullptr ? "" : s;
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::uint8_t> digest(const EVP_MD* md, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1)
    throw util::setup_error("tls_internal", "cannot hash the certificate");
  out.resize(len);
  return out;
}

void alt_names(X509* cert, CertificateFacts& f) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) {
      const auto* s = n->d.dNSName;
      f.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (n->type == GEN_IPADD) {
      const auto* s = n->d.iPAddress;
      const auto* p = ASN1_STRING_get0_data(s);
      const int len = ASN1_STRING_length(s);
      char buf[64] = {};
      if (len == 4) std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
      if (len == 16) {
        std::string v6;
        for (int k = 0; k < 16; k += 2) {
          char part[8];
          std::snprintf(part, sizeof part, "%s%x", k == 0 ? "" : ":", (p[k] << 8) | p[k + 1]);
          v6 += part;
        }
        f.ip_addresses.push_back(v6);
      } else if (buf[0] != 0) {
        f.ip_addresses.emplace_back(buf);
      }
    }
  }
  GENERAL_NAMES_free(names);
}

CertificateFacts facts_of(X509* cert, std::span<const std::uint8_t> der) {
  CertificateFacts f;
  f.der.assign(der.begin(), der.end());
  f.subject = name_text(X509_get_subject_name(cert));
  f.issuer = name_text(X509_get_issuer_name(cert));
  f.self_signed = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
    f.serial = util::hex_encode(
        std::span(ASN1_STRING_get0_data(serial), static_cast<std::size_t>(ASN1_STRING_length(serial))));
  }
  f.not_before_unix = time_unix(X509_get0_notBefore(cert));
  f.not_after_unix = time_unix(X509_get0_notAfter(cert));
  f.not_before = util::rfc3339_utc(f.not_before_unix);
  f.not_after = util::rfc3339_utc(f.not_after_unix);
  const int sig_nid = X509_get_signature_nid(cert);
  f.signature_algorithm = sig_nid == NID_undef ? "unknown" : OBJ_nid2ln(sig_nid);
  // X509_get_signature_info (OpenSSL 3) also knows the hash inside RSASSA-PSS parameters.
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, nullptr, nullptr) != 1) md_nid = NID_undef;
  f.signature_hash = nid_short(md_nid);
  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    f.key_type = EVP_PKEY_get0_type_name(key) != nullptr ? EVP_PKEY_get0_type_name(key) : "";
    f.key_bits = EVP_PKEY_get_bits(key);
  }
  alt_names(cert, f);
  f.sha256_fingerprint = util::hex_encode(digest(EVP_sha256(), der));

  // RFC 5929 §4.1.
  const EVP_MD* md = md_nid == NID_undef ? nullptr : EVP_get_digestbynid(md_nid);
  if (md_nid == NID_md5 || md_nid == NID_sha1 || md_nid == NID_md5_sha1) {
    md = EVP_sha256();
    f.binding_note = "the certificate is signed with " + f.signature_hash + ": RFC 5929 §4.1 uses SHA-256 instead";
  } else if (md == nullptr) {
    md = EVP_sha256();
    f.binding_note =
        "the signature algorithm (" + f.signature_algorithm +
        ") has no single hash: RFC 5929 leaves the binding undefined; SHA-256 used, as common implementations do";
  }
  f.binding_hash = nid_short(EVP_MD_get_type(md));
  f.end_point_hash = digest(md, der);
  return f;
}

}  // namespace

std::vector<std::uint8_t> CertificateFacts::channel_binding_data() const {
  // Sized once and filled: GCC 12 misreads an insert after a range construction (-Warray-bounds).
  std::vector<std::uint8_t> out(k_end_point_prefix.size() + end_point_hash.size());
  std::transform(k_end_point_prefix.begin(), k_end_point_prefix.end(), out.begin(),
                 [](char c) { return static_cast<std::uint8_t>(c); });
  std::copy(end_point_hash.begin(), end_point_hash.end(),
            out.begin() + static_cast<std::ptrdiff_t>(k_end_point_prefix.size()));
  return out;
}

CertificateFacts certificate_from_der(std::span<const std::uint8_t> der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size())
    throw util::transport_error("tls_bad_certificate", "the peer's certificate is not valid DER X.509");
  return facts_of(cert.get(), der);
}

CertificateFacts read_certificate_file(const std::string& path) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) throw util::setup_error("tls_certificate_unreadable", "cannot read the certificate file " + path);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    throw util::setup_error("tls_certificate_unreadable", path + " holds no PEM certificate",
                            "give a PEM file that starts with -----BEGIN CERTIFICATE-----");
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert.get(), &buf);
  if (len <= 0) throw util::setup_error("tls_certificate_unreadable", "cannot encode the certificate in " + path);
  std::vector<std::uint8_t> der(buf, buf + len);
  OPENSSL_free(buf);
  return facts_of(cert.get(), der);
}

}  // namespace authctx::http

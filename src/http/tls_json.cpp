#include "http/tls_json.hpp"

#include "util/base64.hpp"

namespace authctx::http {

json::Json certificate_json(const CertificateFacts& c) {
  json::Json j;
  j["subject"] = c.subject;
  j["issuer"] = c.issuer;
  j["serial"] = c.serial;
  j["not_before"] = c.not_before;
  j["not_after"] = c.not_after;
  j["signature_algorithm"] = c.signature_algorithm;
  j["signature_hash"] = c.signature_hash.empty() ? json::Json(nullptr) : json::Json(c.signature_hash);
  j["key"] = {{"type", c.key_type}, {"bits", c.key_bits}};
  j["dns_names"] = c.dns_names;
  j["ip_addresses"] = c.ip_addresses;
  j["self_signed"] = c.self_signed;
  j["sha256_fingerprint"] = c.sha256_fingerprint;
  j["end_point_hash"] = {{"algorithm", c.binding_hash},
                         {"hex", util::hex_encode(c.end_point_hash)},
                         {"note", c.binding_note.empty() ? json::Json(nullptr) : json::Json(c.binding_note)}};
  return j;
}

json::Json tls_json(const TlsSession& s) {
  json::Json j;
  j["version"] = s.version;
  j["cipher"] = s.cipher;
  j["server_name"] = s.server_name.empty() ? json::Json(nullptr) : json::Json(s.server_name);
  j["verified"] = s.verified;
  j["certificate"] = certificate_json(s.certificate);
  return j;
}

}  // namespace authctx::http

// Support for the `authctx client --url ldap://` tests: a lab (`authctx lab up`) with slapd
// on it, and readers for the LDAP parts of a client document.
#pragma once
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "support/harness.hpp"
#include "support/slapd.hpp"

namespace authctx::test {

// A lab and slapd serving it; the lab's KDC and slapd both stop when it goes away.
struct SlapdOnLab {
  Lab lab;
  std::unique_ptr<Slapd> slapd;
  explicit SlapdOnLab(SlapdOptions options = {}) {
    options.lab_env = lab.env();
    slapd = std::make_unique<Slapd>(options);
  }
  std::string url(bool tls = false) const {
    return std::string(tls ? "ldaps" : "ldap") +
           "://localhost:" + std::to_string(tls ? slapd->tls_port() : slapd->port());
  }
  std::string resolve(bool tls = false) const {
    return "localhost:" + std::to_string(tls ? slapd->tls_port() : slapd->port()) + ":127.0.0.1";
  }
  // `authctx client --url URL --resolve ... --format json ARGS...` in the lab.
  Run client(std::vector<std::string> args, bool tls = false) const {
    std::vector<std::string> all{"client", "--url", url(tls), "--resolve", resolve(tls), "--format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    return lab.run(all);
  }
};

inline void require_ldap_peers() {
  skip_without_slapd();
  skip_without_kdc();
}

// The classes of a document's warnings.
inline std::vector<std::string> warning_classes(const nlohmann::json& doc) {
  std::vector<std::string> out;
  for (const auto& w : doc.at("warnings")) out.push_back(w.at("class").get<std::string>());
  return out;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace authctx::test

// The service name of an HTTP URL, shown: the URL's host, the target asked for, and how
// Kerberos turns it into a principal here (krb5/service_name.hpp), as the transport
// object's "service"; warnings for what makes it miss (an address in the URL, a port or a
// path in --target); and the hint for a principal the KDC does not know, which names the
// host-versus-alias choice. Internal to src/run.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "http/url.hpp"
#include "json/json.hpp"
#include "transport/channel.hpp"

namespace authctx::run {

// clang-tidy 14 cannot see that nlohmann::json's implicit move is noexcept.
struct ServiceAdvice {                     // NOLINT(bugprone-exception-escape)
  json::Json service;                      // the transport object's "service"
  std::vector<transport::Notice> notices;  // warnings
  std::string unknown_principal_hint;      // for service_principal_unknown
};

// target: the GSS-API name asked for (service@host, or a principal with target_given).
ServiceAdvice advise_service(const http::Url& url, const std::string& target, bool hostbased, bool target_given);

}  // namespace authctx::run

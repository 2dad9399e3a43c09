// Internal to src/http: the Boost.Asio / Beast / SSL headers that client.cpp and server.cpp
// share, their short namespace names and the helpers both sides use. Only those .cpp files
// include it; no public header does, so the rest of the build never sees Boost.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <string>

namespace authctx::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
// Asio's and Boost.System's own names, kept so the code reads like their documentation.
using tcp = asio::ip::tcp;                     // NOLINT(readability-identifier-naming)
using error_code = boost::system::error_code;  // NOLINT(readability-identifier-naming)

// "127.0.0.1:8080", "[::1]:8080"
inline std::string endpoint_text(const tcp::endpoint& ep) {
  const auto a = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(ep.port());
}

}  // namespace authctx::http::detail

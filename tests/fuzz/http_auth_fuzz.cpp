// libFuzzer target for the HTTP peer-bytes parsers of src/http: WWW-Authenticate challenge
// lists (split into fields at '\n', as several header fields), Authorization credentials,
// strict base64, URLs and --resolve values. None may crash, hang, read outside its input or
// allocate beyond a constant factor of it; every parsed offset must lie inside its field.
// Build with -DAUTHCTX_FUZZ=ON and clang (see tests/fuzz/CMakeLists.txt); seeds:
// tests/fuzz/corpus/http_auth.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/auth_header.hpp"
#include "util/errors.hpp"
#include "http/url.hpp"

namespace {
void check_offsets(const authctx::http::AuthHeaderParse& p, const std::vector<std::string>& fields) {
  for (const auto& d : p.diagnostics)
    if (d.field >= fields.size() || d.offset > fields[d.field].size()) std::abort();
  for (const auto& c : p.items) {
    if (c.field >= fields.size() || c.offset >= fields[c.field].size()) std::abort();
    if (c.token && c.token_error) std::abort();
    if (c.token68 && !c.token && !c.token_error) std::abort();
    if (c.token_error && c.token_error->offset > fields[c.field].size()) std::abort();
  }
  if (p.items.size() > authctx::http::k_max_challenges * fields.size()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    fields.emplace_back(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  check_offsets(authctx::http::parse_challenges(fields), fields);
  check_offsets(authctx::http::parse_credentials(text), {std::string(text)});
  const auto b64 = authctx::http::decode_base64_strict(text);
  if (b64.ok() && b64.bytes.size() != text.size() / 4 * 3 - (text.size() - text.find_last_not_of('=') - 1))
    std::abort();
  try {
    (void)authctx::http::parse_url(std::string(text));
  } catch (const authctx::util::Error&) {}
  try {
    (void)authctx::http::parse_resolve(std::string(text));
  } catch (const authctx::util::Error&) {}
  return 0;
}

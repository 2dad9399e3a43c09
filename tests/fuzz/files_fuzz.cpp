// libFuzzer target for what the files transport reads from a shared folder before it
// trusts a file: a name (SESSION-NNN-DIRECTION.KIND, parsed, and round-tripped when valid)
// and a client hello's JSON (bounded parse, its stated timeout of any type). The records
// themselves go through the same AuthctxChannel as TCP: frames_fuzz.cpp. Input: a name,
// a NUL, the hello's bytes. Seeds: corpus/files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json/json.hpp"
#include "transport/files_names.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace transport = authctx::transport;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto nul = all.find('\0');
  const auto name = all.substr(0, nul);
  if (const auto parsed = transport::FileName::parse(name)) {
    // What we write from a parsed name parses back to the same name (leading zeros aside).
    const auto again = transport::FileName::parse(parsed->text());
    if (!again || again->text() != parsed->text() || again->session != parsed->session) std::abort();
    (void)transport::frame_of_kind(parsed->kind);
  }
  if (nul != std::string_view::npos) {
    const auto hello = authctx::json::parse_object(all.substr(nul + 1), authctx::json::k_frame_limits);
    if (!hello.is_discarded() && hello.contains("timeout_seconds") && hello["timeout_seconds"].is_number())
      (void)hello["timeout_seconds"].get<double>();
  }
  return 0;
}

#include "engine/options.hpp"

#include "util/base64.hpp"
#include "util/errors.hpp"
#include "util/files.hpp"

namespace authctx::engine {

std::uint32_t default_request_flags() { return GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG; }

gss::ChannelBindings parse_channel_bindings(const std::string& value) {
  gss::ChannelBindings cb;
  if (value.rfind("hex:", 0) == 0) {
    auto bytes = util::hex_decode(value.substr(4));
    if (!bytes)
      throw util::usage_error("--channel-bindings hex:... is not valid hexadecimal", "write e.g. hex:74657374");
    cb.application_data = std::move(*bytes);
  } else if (value.rfind("file:", 0) == 0) {
    try {
      const auto data = util::read_file(value.substr(5), 1u << 20);
      cb.application_data.assign(data.begin(), data.end());
    } catch (const util::FileError& e) {
      throw util::setup_error("file_unreadable", e.what(), "check the path given to --channel-bindings file:PATH");
    }
  } else {
    cb.application_data.assign(value.begin(), value.end());
  }
  return cb;
}

}  // namespace authctx::engine

#include "cli/network_options.hpp"

namespace authctx::cli {

std::chrono::milliseconds NetworkArgs::to_millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

void add_network_options(CLI::App* cmd, NetworkArgs& a, bool server) {
  static const std::map<std::string, transport::Framing> k_framings{{"authctx", transport::Framing::authctx},
                                                                    {"gss-sample", transport::Framing::gss_sample}};
  const std::string g = "Connection";
  cmd->add_option("--framing", a.framing, "Wire format: authctx (default) or gss-sample (MIT's sample protocol)")
      ->transform(CLI::CheckedTransformer(k_framings))
      ->option_text("authctx|gss-sample")
      ->group(g);
  cmd->add_option(
         "--timeout", a.timeout_seconds,
         server ? "Seconds to wait for each read on a connection" : "Seconds to wait for the server at each step")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str()
      ->group(g);
  cmd->add_option("--max-token-size", a.max_token_size, "Largest frame accepted, in bytes (checked before allocating)")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 30))
      ->capture_default_str()
      ->group(g);
}

}  // namespace authctx::cli

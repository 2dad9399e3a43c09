#include "transport/tcp_channel.hpp"

#include "transport/authctx_channel.hpp"
#include "transport/sample_channel.hpp"
#include "util/errors.hpp"

namespace authctx::transport {

TcpChannel::TcpChannel(net::Socket& socket, Role role, const TcpOptions& options, Bytes received)
    : records_(socket, options.framing, options.max_token_size, options.timeout, options.abort, std::move(received)) {
  if (options.framing == Framing::gss_sample)
    inner_ = std::make_unique<SampleChannel>(records_, role);
  else
    inner_ = std::make_unique<AuthctxChannel>(records_, role, options.messages, options.report, true);
}

TcpChannel::~TcpChannel() {
  try {
    records_.flush();
  } catch (const util::Error&) {
    // The peer left first; what it did not take changes nothing it could still act on.
  }
}

}  // namespace authctx::transport

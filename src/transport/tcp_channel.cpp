#include "transport/tcp_channel.hpp"

#include "transport/authctx_channel.hpp"
#include "transport/sample_channel.hpp"

namespace authctx::transport {

TcpChannel::TcpChannel(net::Socket& socket, Role role, const TcpOptions& options)
    : records_(socket, options.framing, options.max_token_size, options.timeout, options.abort) {
  if (options.framing == Framing::gss_sample)
    inner_ = std::make_unique<SampleChannel>(records_, role);
  else
    inner_ = std::make_unique<AuthctxChannel>(records_, role, options.messages);
}

}  // namespace authctx::transport

// libFuzzer target for MIT's gss-sample framing as a peer speaks it: flags byte, 4-byte
// length, token, through SocketRecords' header checks (transport::BufferRecords) into the
// SampleChannel and the engine's driver, on either side (first byte: odd is a client
// reading gss-server, even a server reading gss-client), per-message phase included.
// Seeds: corpus/sample.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_support.hpp"
#include "transport/sample_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace transport = authctx::transport;
  if (size == 0) return 0;
  const bool client = (data[0] & 1U) != 0;
  transport::BufferRecords records(std::span(data + 1, size - 1), transport::Framing::gss_sample, 1U << 16U);
  transport::SampleChannel channel(records, client ? transport::Role::initiator : transport::Role::acceptor);
  authctx::fuzz::drive(channel, client ? authctx::report::Side::initiator : authctx::report::Side::acceptor, 2);
  return 0;
}

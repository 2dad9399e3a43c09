// libFuzzer target for the authctx framing as a peer speaks it: the input is everything the
// other side sends on one connection (records of type, length, payload; JSON bodies for
// HELLO, ERROR, ACCEPTED, RESULTS; WRAP and MIC layouts). The first byte picks our side
// (odd: a client reading a server, even: a server reading a client); the rest is read by
// SocketRecords' own header checks (transport::BufferRecords) into the AuthctxChannel that
// TCP and the files transport use, and consumed by the engine's driver. Seeds:
// corpus/frames (real exchanges, both directions).
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_support.hpp"
#include "transport/authctx_channel.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace transport = authctx::transport;
  if (size == 0) return 0;
  const bool client = (data[0] & 1U) != 0;
  transport::BufferRecords records(std::span(data + 1, size - 1), transport::Framing::authctx, 1U << 16U);
  transport::AuthctxChannel channel(records, client ? transport::Role::initiator : transport::Role::acceptor, 1);
  authctx::fuzz::drive(channel, client ? authctx::report::Side::initiator : authctx::report::Side::acceptor, 1);
  return 0;
}

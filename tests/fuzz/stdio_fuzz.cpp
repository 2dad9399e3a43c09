// libFuzzer target for the stdio transport's reader: base64 paragraphs (optionally
// `Negotiate <base64>` or a whole `Authorization: Negotiate ...` header line) on standard
// input. The input goes through a pipe to the ParagraphReader exactly as a peer's output
// would, with a small --max-token-size so the size checks are reached, and each paragraph's
// text through decode_paragraph. Seeds: corpus/stdio.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/stdio_channel.hpp"
#include "util/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace transport = authctx::transport;
  // A pipe holds 64 KiB: larger inputs would need a writer thread and add nothing.
  if (size > 60000) return 0;
  (void)transport::decode_paragraph(std::string_view(reinterpret_cast<const char*>(data), size));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return 0;
  std::size_t done = 0;
  while (done < size) {
    const auto n = ::write(fds[1], data + done, size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fds[1]);
  transport::ParagraphReader reader(fds[0], 4096);
  try {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (int i = 0; i < 1000; ++i)
      if (!reader.next(deadline)) break;
  } catch (const authctx::util::Error& e) {
    if (e.kind() != authctx::util::ErrorKind::transport) throw;
  }
  ::close(fds[0]);
  return 0;
}

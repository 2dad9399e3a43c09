// decode_bench [--min-seconds S] VECTOR.hex...: for each captured vector, how many tokens
// decode_token() decodes per second. Each vector is decoded repeatedly until at least S
// seconds (default 0.3) of steady_clock time have passed, in batches so the clock is read
// rarely. Prints one line per vector: kind, bytes, decodes/s, µs/decode.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "decode/decode.hpp"
#include "util/base64.hpp"

namespace {

volatile std::size_t g_sink = 0;  // keeps the decodes from being optimised away

std::size_t consume(const authctx::decode::Value& v) {
  return v.is_object() && v.contains("type") ? v["type"].as_string().size() : 1;
}

}  // namespace

int main(int argc, char** argv) {
  double min_seconds = 0.3;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--min-seconds" && i + 1 < argc) {
      min_seconds = std::strtod(argv[++i], nullptr);
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: decode_bench [--min-seconds S] VECTOR.hex...\n");
    return 2;
  }
  using clock = std::chrono::steady_clock;
  std::printf("%-36s %7s %12s %10s\n", "kind", "bytes", "decodes/s", "µs/decode");
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto bytes = authctx::util::hex_decode(ss.str());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "decode_bench: cannot read %s\n", file.c_str());
      return 5;
    }
    if (!bytes) {
      std::fprintf(stderr, "decode_bench: %s is not hex\n", file.c_str());
      return 4;
    }
    const std::string kind = std::filesystem::path(file).stem().string();
    // Warm up, then batches of `batch` decodes until min_seconds have passed.
    for (int i = 0; i < 100; ++i) g_sink = g_sink + consume(authctx::decode::decode_token(*bytes));
    std::size_t batch = 64;
    std::size_t iterations = 0;
    const auto start = clock::now();
    auto now = start;
    while (std::chrono::duration<double>(now - start).count() < min_seconds) {
      for (std::size_t i = 0; i < batch; ++i) g_sink = g_sink + consume(authctx::decode::decode_token(*bytes));
      iterations += batch;
      now = clock::now();
      batch = std::min<std::size_t>(batch * 2, 65536);
    }
    const double seconds = std::chrono::duration<double>(now - start).count();
    const double per_second = static_cast<double>(iterations) / seconds;
    std::printf("%-36s %7zu %12.0f %10.2f\n", kind.c_str(), bytes->size(), per_second, 1e6 / per_second);
  }
  return 0;
}

#include "engine/trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>

namespace authctx::engine {
namespace {
constexpr const char* k_mark = "\x01authctx-trace-mark";
std::unique_ptr<TraceCapture> g_capture;

// "[12345] 1763770000.123456: Getting initial credentials for ..." -> the message.
std::string strip_prefix(const std::string& line) {
  if (line.empty() || line.front() != '[') return line;
  const auto colon = line.find(": ");
  return colon == std::string::npos ? line : line.substr(colon + 2);
}
bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
bool is_word(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

// The word that ends just before `end` (letters, digits, '-'), e.g. "aes256-cts" before "/".
std::string_view word_before(std::string_view line, std::size_t end) {
  std::size_t b = end;
  while (b > 0 && (is_word(line[b - 1]) || line[b - 1] == '-')) --b;
  return line.substr(b, end - b);
}

// An enctype as MIT's krb5_enctype_to_name(shortest) writes it, or its number.
bool enctype_word(std::string_view w) {
  if (w.empty()) return false;
  bool digits = true;
  for (const char c : w) digits = digits && c >= '0' && c <= '9';
  if (digits) return true;
  for (const std::string_view prefix : {"aes", "des", "rc4", "arcfour", "camellia"})
    if (w.substr(0, prefix.size()) == prefix) return true;
  return false;
}
}  // namespace

std::string redact_trace_line(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    // A run of upper-case hex digits standing as a word of its own.
    if (is_upper_hex(line[i]) && (i == 0 || !is_word(line[i - 1]))) {
      std::size_t e = i;
      while (e < line.size() && is_upper_hex(line[e])) ++e;
      if (e == line.size() || !is_word(line[e])) {
        const std::size_t n = e - i;
        const bool fingerprint = n == 4 && i > 0 && line[i - 1] == '/' && enctype_word(word_before(line, i - 1));
        if (n >= 16 || fingerprint) {
          out += "[redacted]";
          i = e;
          continue;
        }
      }
      out.append(line.substr(i, e - i));
      i = e;
      continue;
    }
    out += line[i++];
  }
  return out;
}

TraceCapture& TraceCapture::start() {
  if (!g_capture) g_capture.reset(new TraceCapture());
  return *g_capture;
}

TraceCapture* TraceCapture::active() { return g_capture.get(); }

TraceCapture::TraceCapture() {
  try {
    auto pipe = util::make_pipe();
    read_fd_ = std::move(pipe.read);
    write_fd_ = std::move(pipe.write);
  } catch (const std::runtime_error&) {
    return;  // no trace then: collect() returns nothing
  }
  if (const char* user = std::getenv("KRB5_TRACE"); user != nullptr && *user != '\0')
    forward_fd_.reset(::open(user, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  // krb5_init_context opens this path for every context it makes (krb5 trace.c).
  const std::string path = "/dev/fd/" + std::to_string(write_fd_.get());
  ::setenv("KRB5_TRACE", path.c_str(), 1);
  reader_ = std::thread([this] { reader_loop(); });
}

TraceCapture::~TraceCapture() {
  write_fd_.reset();  // the reader sees the end of the pipe and stops
  if (reader_.joinable()) reader_.join();
}

void TraceCapture::reader_loop() {
  std::string pending;
  char buf[4096];
  for (;;) {
    const auto n = ::read(read_fd_.get(), buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl = 0;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      std::lock_guard lock(mutex_);
      if (line == k_mark) {
        ++marks_seen_;
        cv_.notify_all();
        continue;
      }
      if (forward_fd_) {
        const std::string out = line + "\n";
        [[maybe_unused]] const auto w = ::write(forward_fd_.get(), out.data(), out.size());
      }
      if (lines_.size() < 100000) lines_.push_back(strip_prefix(line));
    }
  }
  std::lock_guard lock(mutex_);
  closed_ = true;
  cv_.notify_all();
}

std::vector<std::string> TraceCapture::collect() {
  if (!write_fd_) return {};
  const std::string mark = std::string(k_mark) + "\n";
  std::unique_lock lock(mutex_);
  const auto target = ++marks_sent_;
  lock.unlock();
  [[maybe_unused]] const auto w = ::write(write_fd_.get(), mark.data(), mark.size());
  lock.lock();
  // Bounded: the reader normally answers within microseconds.
  cv_.wait_for(lock, std::chrono::seconds(2), [&] { return marks_seen_ >= target || closed_; });
  std::vector<std::string> out(lines_.begin(), lines_.end());
  lines_.clear();
  return out;
}

}  // namespace authctx::engine

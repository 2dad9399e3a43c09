// The files transport (files_channel.hpp): folder checks, records as numbered files, hello
// adoption.
#include "transport/files_channel.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "util/errors.hpp"

namespace authctx::transport {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

void check_files_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw util::setup_error("files_dir_unusable", "cannot use --files " + dir.string() + ": " + errno_text(errno),
                            "give an existing folder both sides can write (mkdir -m 700 DIR)");
  if (!S_ISDIR(st.st_mode))
    throw util::setup_error("files_dir_unusable", "cannot use --files " + dir.string() + ": it is not a folder",
                            "give an existing folder both sides can write");
  // Root passes access(2) checks on read-only file systems, so try what we will do.
  const auto probe = dir / (".authctx-probe-" + std::to_string(::getpid()) + "-" + random_hex(4));
  const util::Fd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd)
    throw util::setup_error("files_dir_unusable",
                            "cannot create files in --files " + dir.string() + ": " + errno_text(errno),
                            "the folder must be writable by this side (a read-only mount cannot carry an exchange)");
  ::unlink(probe.c_str());
}

void FolderNotices::other_session(const std::string& session, const std::string& name) {
  if (!seen_.insert("s:" + session).second) return;
  notices_.push_back(
      Notice{"files_other_session",
             "the folder holds files of session " + session + " (e.g. " + name + "), not this exchange's: left alone",
             "files left by an earlier or concurrent exchange; remove them once no peer needs them"});
}

void FolderNotices::unknown(const std::string& name) {
  if (seen_.size() > 64 || !seen_.insert("u:" + name).second) return;
  notices_.push_back(Notice{"files_unknown", "unknown file " + name + " in the folder: left alone",
                            "authctx reads only SESSION-NNN-DIRECTION.KIND files of its own session"});
}

FolderRecords::FolderRecords(const FilesOptions& options, std::string session, Role role, FolderNotices& notices)
    : options_(options), session_(std::move(session)), role_(role), notices_(notices), watch_(options.dir) {}

void FolderRecords::preload(Record record) {
  preloaded_ = std::move(record);
  peer_hello_ = true;
}

// Every hello also states the session and the writer's timeout, so a server can tell a
// live client hello from an abandoned one.
Bytes FolderRecords::annotate_hello(std::span<const std::uint8_t> payload) const {
  auto j = json::parse_object(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
  if (j.is_discarded()) return {payload.begin(), payload.end()};
  j["session"] = session_;
  j["timeout_seconds"] = std::chrono::duration<double>(options_.timeout).count();
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  j["host"] = host;
  j["pid"] = ::getpid();
  const auto text = json::dump(j);
  return {text.begin(), text.end()};
}

void FolderRecords::write(std::uint8_t type, std::span<const std::uint8_t> payload) {
  const auto kind = kind_of_frame(type);
  FileName name{session_, 0, role_, kind};
  Bytes data;
  if (kind == "hello.json") {
    data = annotate_hello(payload);
  } else {
    name.number = next_++;
    data.assign(payload.begin(), payload.end());
  }
  write_exclusive(options_.dir, name.text(), data);
  written_.push_back(name.text());
}

// The peer's next file, claimed and read; foreign and unknown files become notices.
std::optional<Record> FolderRecords::take_peer_file() {
  const int want = expected_number();
  for (const auto& n : list_dir(options_.dir)) {
    const auto f = FileName::parse(n);
    if (!f) {
      notices_.unknown(n);
      continue;
    }
    if (f->session != session_) {
      notices_.other_session(f->session, n);
      continue;
    }
    if (f->from != peer() || f->number != want) continue;
    const auto type = frame_of_kind(f->kind);
    if (!type || (want == 0) != (*type == wire::hello)) {
      notices_.unknown(n);
      continue;
    }
    auto data = claim_and_read(options_.dir, n, options_.max_token_size + 64);
    if (!data) continue;  // claimed by another reader first
    if (want == 0)
      peer_hello_ = true;
    else
      ++next_;
    return Record{*type, std::move(*data)};
  }
  return std::nullopt;
}

Record FolderRecords::read() {
  if (preloaded_) return std::exchange(preloaded_, std::nullopt).value();
  const auto deadline = SteadyClock::now() + options_.timeout;
  auto backoff = 10ms;
  for (;;) {
    if (auto r = take_peer_file()) return std::move(*r);
    const auto now = SteadyClock::now();
    if (now >= deadline) {
      const FileName waiting{session_, expected_number(), peer(), peer_hello_ ? "*" : "hello.json"};
      throw util::transport_error("timeout",
                                  "no file " + waiting.text() + " appeared in " + options_.dir.string() + " within " +
                                      format_seconds(options_.timeout),
                                  "start the other side with the same --files folder (both sides must see the same "
                                  "folder), or raise --timeout");
    }
    // inotify wakes us for writers on this machine; the backoff finds remote writers.
    watch_.wait(std::min(backoff, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + 1ms));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

void FolderRecords::remove_unconsumed() {
  for (const auto& n : written_) ::unlink((options_.dir / n).c_str());
}

FilesChannel::FilesChannel(const FilesOptions& options, std::string session, Role role, int messages,
                           FolderNotices notices)
    : options_(options),
      session_(std::move(session)),
      notices_(std::move(notices)),
      records_(options, session_, role, notices_),
      channel_(records_, role, messages) {}

Json FilesChannel::describe() const { return files_transport_json(options_, session_); }

Json files_transport_json(const FilesOptions& options, const std::string& session) {
  return Json{{"kind", "files"}, {"dir", options.dir.string()}, {"session", session}};
}

std::optional<AdoptedHello> adopt_hello(const FilesOptions& options, FolderNotices& notices) {
  struct Candidate {
    std::string name;
    std::string session;
    std::filesystem::file_time_type mtime;
  };
  std::optional<Candidate> best;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& n : list_dir(options.dir)) {
    const auto f = FileName::parse(n);
    if (!f) {
      notices.unknown(n);
      continue;
    }
    if (!(f->number == 0 && f->from == Role::initiator && f->kind == "hello.json")) continue;
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(options.dir / n, ec);
    if (ec) continue;  // claimed meanwhile
    double stated = 30;
    try {
      const auto text = read_regular_file(options.dir / n, n, 1U << 16U);
      const auto j = json::parse_object(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()),
                                        json::k_frame_limits);
      // A hello states its client's timeout; whatever else the file holds counts as the default.
      if (!j.is_discarded() && j.contains("timeout_seconds") && j["timeout_seconds"].is_number()) {
        const double t = j["timeout_seconds"].get<double>();
        if (std::isfinite(t) && t >= 0) stated = std::min(t, 86400.0);
      }
    } catch (const util::Error& e) {
      if (e.error_class() != "files_io") notices.unknown(n);  // not a regular file: never adopted
      continue;                                               // else claimed by another server meanwhile
    }
    if (now - mtime > std::chrono::duration<double>(stated)) {
      notices.other_session(f->session, n + " (abandoned: older than its client's " + format_seconds(stated) + ")");
      continue;
    }
    if (!best || mtime > best->mtime) best = Candidate{n, f->session, mtime};
  }
  if (!best) return std::nullopt;
  auto payload = claim_and_read(options.dir, best->name, 1U << 16U);
  if (!payload) return std::nullopt;
  return AdoptedHello{best->session, std::move(*payload)};
}

}  // namespace authctx::transport

// The files transport (channel_files.hpp): folder checks, the pump that moves authctx frames
// between a socketpair and numbered files, and the client and server drivers.
#include "transport/files_channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "transport/channel.hpp"
#include "util/errors.hpp"
#include "transport/files_names.hpp"
#include "engine/established.hpp"
#include "util/files.hpp"

namespace authctx::core {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::string errno_text(int err) { return std::strerror(err); }

// Reports files that are not ours once each (the folder is rescanned many times).
class Reporter {
 public:
  void other_session(const std::string& session, const std::string& name) {
    std::lock_guard lock(mutex_);
    if (!seen_.insert("s:" + session).second) return;
    notes_.push_back(Warning{"files_other_session",
                             "the folder holds files of session " + session + " (e.g. " + name +
                                 "), not this exchange's: left alone",
                             "files left by an earlier or concurrent exchange; remove them once no peer needs them"});
  }
  void unknown(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (seen_.size() > 64 || !seen_.insert("u:" + name).second) return;
    notes_.push_back(Warning{"files_unknown", "unknown file " + name + " in the folder: left alone",
                             "authctx reads only SESSION-NNN-DIRECTION.KIND files of its own session"});
  }
  void note(Warning w) {
    std::lock_guard lock(mutex_);
    notes_.push_back(std::move(w));
  }
  std::vector<Warning> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(notes_, {});
  }

 private:
  std::mutex mutex_;
  std::set<std::string> seen_;
  std::vector<Warning> notes_;
};

// Moves frames between the local end of a socketpair (an authctx channel runs on the other
// end) and the folder. Runs on its own thread until the channel's end closes.
class FilePump {
 public:
  FilePump(const FilesOptions& o, std::string session, Side side, Reporter& reporter)
      : o_(o), session_(std::move(session)), side_(side), reporter_(reporter) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      throw setup_error("files_setup", "socketpair: " + errno_text(errno));
    channel_end_ = Socket(sv[0]);
    pump_end_ = Socket(sv[1]);
  }
  ~FilePump() { stop(); }
  FilePump(const FilePump&) = delete;
  FilePump& operator=(const FilePump&) = delete;

  Socket& channel_end() { return channel_end_; }
  // A frame to hand to the channel before any file (the server's adopted hello).
  void preload(std::uint8_t type, const gss::Bytes& payload) {
    write_local(type, payload);
    peer_hello_ = true;
  }
  void start() { thread_ = std::thread([this] { run(); }); }
  void stop() {
    if (channel_end_) channel_end_.shutdown_both();
    if (thread_.joinable()) thread_.join();
  }
  bool sent(std::uint8_t type) const {
    std::lock_guard lock(mutex_);
    return sent_.count(type) != 0;
  }
  std::optional<Error> error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }
  std::string waiting_for() const {
    std::lock_guard lock(mutex_);
    return FileName{session_, expected_number(), peer_direction(), peer_hello_ ? "*" : "hello.json"}.text();
  }
  // Removes the files this side wrote that nobody consumed (after a transport failure).
  void remove_unconsumed() {
    for (const auto& n : written_) ::unlink((o_.dir / n).c_str());
  }

 private:
  Direction own_direction() const {
    return side_ == Side::initiator ? Direction::initiator_to_acceptor : Direction::acceptor_to_initiator;
  }
  Direction peer_direction() const {
    return side_ == Side::initiator ? Direction::acceptor_to_initiator : Direction::initiator_to_acceptor;
  }
  int expected_number() const { return peer_hello_ ? next_ : 0; }

  void write_local(std::uint8_t type, const gss::Bytes& payload) {
    gss::Bytes buf{type, static_cast<std::uint8_t>(payload.size() >> 24), static_cast<std::uint8_t>(payload.size() >> 16),
                   static_cast<std::uint8_t>(payload.size() >> 8), static_cast<std::uint8_t>(payload.size())};
    buf.insert(buf.end(), payload.begin(), payload.end());
    pump_end_.write_all(buf, SteadyClock::now() + o_.timeout);
  }

  // One frame from the channel becomes one file. False when the channel closed.
  bool forward_local() {
    std::uint8_t header[5];
    try {
      pump_end_.read_exact(header, SteadyClock::now() + o_.timeout);
    } catch (const Error&) {
      return false;  // the channel's end closed: the session is over
    }
    const std::uint32_t n = (std::uint32_t{header[1]} << 24) | (std::uint32_t{header[2]} << 16) |
                            (std::uint32_t{header[3]} << 8) | header[4];
    gss::Bytes payload(n);
    pump_end_.read_exact(payload, SteadyClock::now() + o_.timeout);
    const auto kind = kind_of_frame(header[0]);
    FileName name{session_, 0, own_direction(), kind};
    if (kind == "hello.json") {
      payload = annotate_hello(payload);
    } else {
      std::lock_guard lock(mutex_);
      name.number = next_++;
    }
    write_exclusive(o_.dir, name.text(), payload);
    written_.push_back(name.text());
    std::lock_guard lock(mutex_);
    sent_.insert(header[0]);
    return true;
  }

  // The client's hello also states the session and the client's timeout, so a server can
  // tell a live hello from an abandoned one.
  gss::Bytes annotate_hello(const gss::Bytes& payload) const {
    auto j = Json::parse(payload.begin(), payload.end(), nullptr, false);
    if (!j.is_object()) return payload;
    j["session"] = session_;
    j["timeout_seconds"] = std::chrono::duration<double>(o_.timeout).count();
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    j["host"] = host;
    j["pid"] = ::getpid();
    const auto text = dump_json(j);
    return {text.begin(), text.end()};
  }

  // Looks for the peer's next file; reports foreign and unknown files. True if delivered.
  bool deliver_peer_file() {
    const int want = expected_number();
    for (const auto& n : list_dir(o_.dir)) {
      const auto f = FileName::parse(n);
      if (!f) {
        reporter_.unknown(n);
        continue;
      }
      if (f->session != session_) {
        reporter_.other_session(f->session, n);
        continue;
      }
      if (f->direction != peer_direction() || f->number != want) continue;
      const auto type = frame_of_kind(f->kind);
      if (!type || (want == 0) != (*type == frame::hello)) {
        reporter_.unknown(n);
        continue;
      }
      auto data = claim_and_read(o_.dir, n, o_.max_token_size + 64);
      if (!data) continue;
      {
        std::lock_guard lock(mutex_);
        if (want == 0) peer_hello_ = true;
        else ++next_;
      }
      write_local(*type, *data);
      return true;
    }
    return false;
  }

  void run() {
    DirWatch watch(o_.dir);
    auto backoff = 10ms;
    try {
      for (;;) {
        if (deliver_peer_file()) {
          backoff = 10ms;
          continue;
        }
        pollfd fds[2] = {{pump_end_.fd(), POLLIN, 0}, {watch.fd(), POLLIN, 0}};
        const int rc = ::poll(fds, watch.fd() >= 0 ? 2 : 1, static_cast<int>(backoff.count()));
        if (rc < 0 && errno != EINTR) throw transport_error("io_error", "poll: " + errno_text(errno));
        if (rc > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
          if (!forward_local()) return;
          backoff = 10ms;
        } else if (rc > 0 && (fds[1].revents & POLLIN) != 0) {
          watch.drain();
        } else {
          backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));  // remote writers: poll, but gently
        }
      }
    } catch (const Error& e) {
      std::lock_guard lock(mutex_);
      error_ = e;
    } catch (const util::FileError& e) {
      std::lock_guard lock(mutex_);
      error_ = transport_error("files_io", e.what());
    }
    pump_end_.shutdown_both();  // the channel sees the end of its connection
  }

  const FilesOptions& o_;
  std::string session_;
  Side side_;
  Reporter& reporter_;
  Socket channel_end_;
  Socket pump_end_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::optional<Error> error_;
  int next_ = 1;
  bool peer_hello_ = false;
  std::vector<std::string> written_;
  std::set<std::uint8_t> sent_;
};

// After a session: the pump's own failure explains a closed channel better, and a timeout
// names the file that never came.
void explain_transport_error(Document& doc, const FilePump& pump, const FilesOptions& o) {
  if (!doc.error || !doc.error->transport) return;
  if (auto e = pump.error()) {
    doc.error = transport_report(*e);
    return;
  }
  if (doc.error->cls == "timeout") {
    doc.error->message = "no file " + pump.waiting_for() + " appeared in " + o.dir.string() + " within " +
                         format_seconds(o.timeout);
    doc.error->hint = "start the other side with the same --files folder (both sides must see the same folder), "
                      "or raise --timeout";
  }
}

void add_notes(Document& doc, Reporter& reporter, EventSink& sink) {
  for (auto& w : reporter.take()) {
    sink.event("warning", warning_json(w));
    doc.warnings.push_back(std::move(w));
  }
}

Json transport_json(const FilesOptions& o, const std::string& session) {
  return Json{{"kind", "files"}, {"dir", o.dir.string()}, {"session", session}};
}

struct Hello {
  std::string name;
  std::string session;
  std::filesystem::file_time_type mtime;
};

// The newest unclaimed live hello in DIR, if any. Hellos older than the timeout their
// client stated are abandoned: reported, never adopted.
std::optional<Hello> newest_hello(const FilesOptions& o, Reporter& reporter) {
  std::optional<Hello> best;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& n : list_dir(o.dir)) {
    const auto f = FileName::parse(n);
    if (!f) {
      reporter.unknown(n);
      continue;
    }
    if (!(f->number == 0 && f->direction == Direction::initiator_to_acceptor && f->kind == "hello.json")) continue;
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(o.dir / n, ec);
    if (ec) continue;  // claimed meanwhile
    double stated = 30;
    try {
      const auto j = Json::parse(util::read_file(o.dir / n, 1u << 16), nullptr, false);
      if (j.is_object()) stated = j.value("timeout_seconds", 30.0);
    } catch (const util::FileError&) {
      continue;
    }
    if (now - mtime > std::chrono::duration<double>(stated)) {
      reporter.other_session(f->session, n + " (abandoned: older than its client's " + format_seconds(stated) + ")");
      continue;
    }
    if (!best || mtime > best->mtime) best = Hello{n, f->session, mtime};
  }
  return best;
}
}  // namespace

void check_files_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw setup_error("files_dir_unusable", "cannot use --files " + dir.string() + ": " + errno_text(errno),
                      "give an existing folder both sides can write (mkdir -m 700 DIR)");
  if (!S_ISDIR(st.st_mode))
    throw setup_error("files_dir_unusable", "cannot use --files " + dir.string() + ": it is not a folder",
                      "give an existing folder both sides can write");
  // Root passes access(2) checks on read-only file systems, so try what we will do.
  const auto probe = dir / (".authctx-probe-" + std::to_string(::getpid()) + "-" + random_hex(4));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw setup_error("files_dir_unusable", "cannot create files in --files " + dir.string() + ": " + errno_text(errno),
                      "the folder must be writable by this side (a read-only mount cannot carry an exchange)");
  ::close(fd);
  ::unlink(probe.c_str());
}

Document run_files_client(const FilesOptions& files, const InitiatorOptions& init, const SessionOptions& session,
                          EventSink& sink) {
  check_files_dir(files.dir);
  ::signal(SIGPIPE, SIG_IGN);
  const auto started = SteadyClock::now();
  Document doc;
  doc.command = "client";
  doc.peer = "files:" + files.dir.string();
  const auto id = random_hex(8);
  Reporter reporter;
  FilePump pump(files, id, Side::initiator, reporter);
  pump.start();
  {
    FrameStream stream(pump.channel_end(), Framing::authctx, files.max_token_size, files.timeout);
    auto channel = make_client_channel(Framing::authctx, stream);
    run_client_session(init, *channel, session, sink, doc);
    // With --messages 0 the authctx client channel ends without BYE; over TCP the server
    // then sees the connection close, but a folder has no close. Say goodbye explicitly so
    // the server ends its session now, not at its timeout (and consumes our files).
    if (doc.established && !doc.error && !pump.sent(frame::bye)) {
      try {
        stream.write(frame::bye, gss::Bytes{});
        (void)stream.read();  // RESULTS: the acceptor's (empty) list of checks
      } catch (const Error&) {
        pump.remove_unconsumed();
      }
    }
  }
  pump.stop();
  explain_transport_error(doc, pump, files);
  if (doc.error && doc.error->transport) pump.remove_unconsumed();
  add_notes(doc, reporter, sink);
  doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  auto j = document_json(doc, event_options(session));
  j["transport"] = transport_json(files, id);
  sink.document(j);
  return doc;
}

FilesServerOutcome run_files_server(const FilesServerOptions& server, const AcceptorOptions& acc,
                                    const SessionOptions& session, EventSink& sink,
                                    const std::function<void()>& on_waiting) {
  const auto& files = server.files;
  check_files_dir(files.dir);
  ::signal(SIGPIPE, SIG_IGN);
  if (on_waiting) on_waiting();
  FilesServerOutcome outcome;
  DirWatch watch(files.dir);
  for (;;) {
    Reporter reporter;
    const auto wait_started = SteadyClock::now();
    auto backoff = 10ms;
    std::optional<Hello> hello;
    std::optional<gss::Bytes> hello_bytes;
    while (!hello_bytes) {
      hello = newest_hello(files, reporter);
      if (hello) {
        hello_bytes = claim_and_read(files.dir, hello->name, 1u << 16);
        continue;  // claimed by another server: look again
      }
      if (server.once && SteadyClock::now() - wait_started >= files.timeout) {
        Document doc;
        doc.command = "server";
        doc.peer = "files:" + files.dir.string();
        ErrorReport r = transport_report(transport_error(
            "timeout", "no client hello (*-000-initiator-to-acceptor.hello.json) appeared in " + files.dir.string() +
                           " within " + format_seconds(files.timeout),
            "start the client with the same --files folder, or raise --timeout"));
        record_error(doc, r, sink);
        add_notes(doc, reporter, sink);
        auto j = document_json(doc, event_options(session));
        j["transport"] = transport_json(files, "");
        sink.document(j);
        outcome.last_error = doc.error;
        return outcome;
      }
      pollfd p{watch.fd(), POLLIN, 0};
      if (::poll(&p, watch.fd() >= 0 ? 1 : 0, static_cast<int>(backoff.count())) > 0) watch.drain();
      else backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
    const auto started = SteadyClock::now();
    Document doc;
    doc.command = "server";
    doc.peer = "files:" + files.dir.string();
    sink.event("connection", Json{{"peer", doc.peer}, {"session", hello->session}});
    FilePump pump(files, hello->session, Side::acceptor, reporter);
    pump.preload(frame::hello, *hello_bytes);
    pump.start();
    {
      FrameStream stream(pump.channel_end(), Framing::authctx, files.max_token_size, files.timeout);
      auto channel = make_server_channel(Framing::authctx, stream);
      run_server_session(acc, *channel, session, ServerSessionOptions{server.report}, sink, doc);
    }
    pump.stop();
    explain_transport_error(doc, pump, files);
    if (doc.error && doc.error->transport) pump.remove_unconsumed();
    add_notes(doc, reporter, sink);
    doc.elapsed_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    auto j = document_json(doc, event_options(session));
    j["transport"] = transport_json(files, hello->session);
    sink.document(j);
    ++outcome.sessions;
    if (doc.established && !doc.error) ++outcome.established;
    outcome.last_error = doc.error;
    if (server.once) return outcome;
  }
}

}  // namespace authctx::core

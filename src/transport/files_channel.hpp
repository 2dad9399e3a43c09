// Handshakes through a folder (`client --files DIR`, `server --files DIR`): the authctx
// framing (authctx_channel.hpp) with every record stored as one file, so a client's
// document is as complete as over TCP: the acceptor's error, its CONTEXT report,
// per-message round trips and the acceptor's results all travel.
//
// Names: SESSION-NNN-DIRECTION.KIND, for example
//   5f0c9a27d3e1b804-000-initiator-to-acceptor.hello.json   the client opens the session
//   5f0c9a27d3e1b804-000-acceptor-to-initiator.hello.json   a server adopted it
//   5f0c9a27d3e1b804-001-initiator-to-acceptor.token        leg 1
//   5f0c9a27d3e1b804-002-acceptor-to-initiator.token        leg 2
//   5f0c9a27d3e1b804-003-acceptor-to-initiator.accepted.json
// KIND is hello.json, token, accepted.json, error.json, wrap, mic, bye or results.json; the
// file holds the record's payload (a token file is the raw token: `authctx decode` reads
// it). The framing is half-duplex, so one counter numbers every record after the hellos in
// the order of the exchange; while tokens flow, NNN is the leg number.
//
// Contract:
// - Writing: a hidden temporary name in DIR, mode 0600, then link() to the final name, which
//   is atomic and never replaces a file (also on NFS), then the temporary name goes.
// - Reading: the reader claims a file by renaming it to a hidden name of its own, reads it
//   and removes it, so each file is consumed exactly once even with several readers.
// - Waiting: inotify wakes a reader at once for writers on this machine; a rescan with
//   backoff (10 ms doubling to 1 s) finds files written by another machine on a shared
//   mount, where inotify sees nothing. No locks, no threads. Every wait is bounded by the
//   timeout; a timeout names the file that never came.
// - Sessions: the client draws a random session id and writes its hello (which states its
//   timeout). A server adopts the newest hello that no server has claimed and that is
//   younger than its own stated timeout; claiming is the rename above, so two servers never
//   adopt the same hello. Files of other sessions and unknown files are reported as
//   warnings (files_other_session, files_unknown) and never read or removed.
// - A side that ends with a transport failure calls remove_unconsumed(): the files it wrote
//   that nobody consumed go, so no server adopts a dead hello later.
// - DIR missing, not a folder or not writable: util::Error of kind setup (exit 5).
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "transport/authctx_channel.hpp"
#include "transport/files_names.hpp"
#include "transport/records.hpp"

namespace authctx::transport {

struct FilesOptions {
  std::filesystem::path dir;
  std::chrono::milliseconds timeout{30000};
  std::size_t max_token_size = 1U << 20U;
};

// Throws a setup error (exit 5) with a plain sentence when DIR cannot hold the exchange.
void check_files_dir(const std::filesystem::path& dir);

// Files that are not ours, each reported once (the folder is rescanned many times).
class FolderNotices {
 public:
  void other_session(const std::string& session, const std::string& name);
  void unknown(const std::string& name);
  std::vector<Notice> take() { return std::exchange(notices_, {}); }

 private:
  std::set<std::string> seen_;
  std::vector<Notice> notices_;
};

// The authctx records of one session as numbered files in a folder.
class FolderRecords final : public RecordStream {
 public:
  FolderRecords(const FilesOptions& options, std::string session, Role role, FolderNotices& notices);
  // A record to hand out before any file: the client hello a server adopted.
  void preload(Record record);
  void write(std::uint8_t type, std::span<const std::uint8_t> payload) override;
  Record read() override;
  void remove_unconsumed();

 private:
  Role peer() const { return role_ == Role::initiator ? Role::acceptor : Role::initiator; }
  int expected_number() const { return peer_hello_ ? next_ : 0; }
  std::optional<Record> take_peer_file();
  Bytes annotate_hello(std::span<const std::uint8_t> payload) const;

  const FilesOptions& options_;
  std::string session_;
  Role role_;
  FolderNotices& notices_;
  DirWatch watch_;
  std::optional<Record> preloaded_;
  int next_ = 1;
  bool peer_hello_ = false;
  std::vector<std::string> written_;
};

// One side of one session in the folder: the authctx framing over FolderRecords.
class FilesChannel final : public Channel {
 public:
  // notices: what was found while adopting the session (reported with the session's own).
  FilesChannel(const FilesOptions& options, std::string session, Role role, int messages = 0,
               FolderNotices notices = {});
  FolderRecords& records() { return records_; }
  const ChannelTraits& traits() const override { return channel_.traits(); }
  void open() override { channel_.open(); }
  Json send(const Frame& frame) override { return channel_.send(frame); }
  Frame receive() override { return channel_.receive(); }
  // {"kind":"files","dir":DIR,"session":ID}
  Json describe() const override;
  std::vector<Notice> take_notices() override { return notices_.take(); }

 private:
  const FilesOptions& options_;
  std::string session_;
  FolderNotices notices_;
  FolderRecords records_;
  AuthctxChannel channel_;
};

// A client hello a server claimed: its session and payload.
struct AdoptedHello {
  std::string session;
  Bytes payload;
};
// Claims the newest live client hello in the folder, if any (nullopt: none yet, or another
// server claimed it first). Abandoned hellos and foreign files go to notices.
std::optional<AdoptedHello> adopt_hello(const FilesOptions& options, FolderNotices& notices);

// The transport object of a session (session empty when none was adopted).
Json files_transport_json(const FilesOptions& options, const std::string& session);

}  // namespace authctx::transport

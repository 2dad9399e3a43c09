// Where a handshake's results go. The engine reports each event as it happens (a leg, a
// context view, a per-message check, a warning, an error) and the finished document at the
// end. Implementations: a JSON document, JSON Lines events, a text view, and an in-memory
// capture for tests. Sinks never choose exit codes.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "report/document.hpp"

namespace authctx::report {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // One event as it happens; body holds the event's own keys.
  virtual void event(std::string_view name, const Json& body) = 0;
  // Whether event() does anything: when not, the engine skips building the events' JSON.
  virtual bool wants_events() const { return true; }
  // The finished document of one handshake (or summary).
  virtual void document(const Json& doc) = 0;
  // Each run of a load run (`client`/`local --count N`, --duration), whose output is one
  // summary document: only asked for when wants_run_documents() (the --expect/--junit policy
  // sink in cli/ does); then every run is described in full, which costs speed. Called from
  // one thread at a time, in the order runs finish.
  virtual bool wants_run_documents() const { return false; }
  virtual void run_document(int run, const Document& doc) {
    (void)run;
    (void)doc;
  }
};

// Writes documents as JSON: pretty-printed when `pretty`, else one document per line.
class JsonSink final : public EventSink {
 public:
  JsonSink(std::FILE* out, bool pretty) : out_(out), pretty_(pretty) {}
  void event(std::string_view, const Json&) override {}
  bool wants_events() const override { return false; }
  void document(const Json& doc) override;

 private:
  std::FILE* out_;
  bool pretty_;
};

// Writes one line per event, each with "schema" and "event" keys, flushed as it happens;
// the finished document becomes a final "result" event.
class JsonlSink final : public EventSink {
 public:
  JsonlSink(std::FILE* out, std::string command, std::string connection = {})
      : out_(out), command_(std::move(command)), connection_(std::move(connection)) {}
  void event(std::string_view name, const Json& body) override;
  void document(const Json& doc) override;

 private:
  std::FILE* out_;
  std::string command_;
  std::string connection_;
};

// Drops everything (the runs of a load run whose documents are not kept).
class NullSink final : public EventSink {
 public:
  void event(std::string_view, const Json&) override {}
  void document(const Json&) override {}
  bool wants_events() const override { return false; }
};

// Keeps everything in memory (tests, and drivers that post-process).
class CaptureSink final : public EventSink {
 public:
  void event(std::string_view name, const Json& body) override { events.push_back({std::string(name), body}); }
  void document(const Json& doc) override { documents.push_back(doc); }
  std::vector<std::pair<std::string, Json>> events;
  std::vector<Json> documents;
};

}  // namespace authctx::report

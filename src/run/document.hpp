// What every command below the CLI does with a finished document: the elapsed time, the
// channel's transport object and warnings, its JSON to the sink. Internal to src/run.
#pragma once
#include "engine/recorder.hpp"
#include "report/document.hpp"
#include "transport/channel.hpp"

namespace authctx::run {

// Completes doc (elapsed_ms; with a channel, its "transport" object and notices as
// warnings) and returns its JSON form.
json::Json finish_document(engine::Recorder& rec, transport::Channel* channel = nullptr);

// A document for one side of a session, started now.
report::Document new_document(std::string command, std::string peer = {});

// Tags each event with key: value (a client's run, a server's connection) before passing it
// on; documents pass on too unless drop_documents (a --count run's own documents).
class TaggedSink final : public report::EventSink {
 public:
  TaggedSink(EventSink& inner, std::string key, int value, bool drop_documents)
      : inner_(inner), key_(std::move(key)), value_(value), drop_documents_(drop_documents) {}
  void event(std::string_view name, const json::Json& body) override;
  void document(const json::Json& doc) override;
  bool wants_events() const override { return inner_.wants_events(); }

 private:
  EventSink& inner_;
  std::string key_;
  int value_;
  bool drop_documents_;
};

}  // namespace authctx::run

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

}  // namespace authctx::run

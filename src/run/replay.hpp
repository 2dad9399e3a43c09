// `authctx replay`: feeds the initiator->acceptor tokens of a recorded document (a
// transcript written by --record, or any authctx document with legs) to a fresh acceptor,
// in order, and reports the outcome as a normal document (command "replay"). This is how a
// person checks a service's replay protection: with the replay cache on, a recorded
// Kerberos AP-REQ must fail with KRB5KRB_AP_ERR_REPEAT ("Request is a replay", error class
// `replay`; MIT 1.20 reports GSS_S_FAILURE with that minor code, not GSS_S_DUPLICATE_TOKEN,
// and through SPNEGO the minor code is a mechglue-mapped number with the same text). A
// transcript made for another service's key fails with that key's error. The recorded
// acceptor tokens are not used: the fresh acceptor answers with its own, and the recorded
// initiator tokens that follow were made for the original answers (which is why multi-leg
// mechanisms such as NTLM fail at their second initiator token).
//
// The document carries a "replay" object: transcript path, the recorded command, whether it
// was established, how many initiator tokens it held and how many were fed. An acceptor that
// accepts a replayed token yields established=true (exit 0, as the contract says) with a
// `replay_accepted` warning.
#pragma once
#include <filesystem>

#include "engine/options.hpp"
#include "report/document.hpp"
#include "report/sink.hpp"

namespace authctx::run {

struct Transcript {
  json::Json document;              // the recorded document
  std::vector<util::Bytes> tokens;  // its initiator->acceptor tokens, in leg order
};

// Reads a transcript: one JSON document, or documents one per line (the first with
// initiator tokens is used). Throws util::FileError when unreadable (exit 5) and a decode
// error (exit 4) when it holds no authctx document with recorded initiator tokens.
Transcript load_transcript(const std::filesystem::path& path);

report::Document run_replay(const std::filesystem::path& path, const engine::AcceptorOptions& acc,
                            const engine::SessionOptions& session, report::EventSink& sink);

}  // namespace authctx::run

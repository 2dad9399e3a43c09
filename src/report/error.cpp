#include "report/error.hpp"

#include "report/document.hpp"

namespace authctx::report {
namespace {
std::string_view kind_stage(util::ErrorKind kind) {
  switch (kind) {
    case util::ErrorKind::usage: return "usage";
    case util::ErrorKind::transport: return "transport";
    case util::ErrorKind::decode: return "decode";
    case util::ErrorKind::setup: return "setup";
  }
  return "setup";
}
}  // namespace

std::string_view side_name(Side s) { return s == Side::initiator ? "initiator" : "acceptor"; }

ErrorReport gss_report(const gss::GssError& e, Side side) {
  ErrorReport r;
  r.stage = e.stage();
  r.side = side;
  r.gss = e;
  r.message = e.text();
  return r;
}

ErrorReport error_report(const util::Error& e) {
  ErrorReport r;
  r.stage = kind_stage(e.kind());
  r.message = e.what();
  r.cls = e.error_class();
  r.hint = e.hint();
  r.transport = e.kind() == util::ErrorKind::transport;
  return r;
}

ErrorReport internal_report(std::string stage, const std::exception& e) {
  ErrorReport r;
  r.stage = std::move(stage);
  r.message = std::string("internal error: ") + e.what();
  r.cls = "internal_error";
  return r;
}

namespace {
// j[key] when it is a string, else the fallback: a peer's object is checked by the
// transport (transport/frame_bodies.hpp), and this never throws whatever it holds.
std::string string_or(const Json& j, const char* key, const char* fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}
}  // namespace

ErrorReport remote_report(const Json& error, Side side) {
  ErrorReport r;
  r.side = side;
  r.remote = error.is_object() ? error : Json::object();
  r.stage = string_or(*r.remote, "stage", "");
  r.message = string_or(*r.remote, "message", "");
  r.cls = string_or(*r.remote, "class", "peer_error");
  r.hint = string_or(*r.remote, "hint", "");
  return r;
}

ErrorReport protocol_report(Side side, std::string message, bool transport) {
  ErrorReport r;
  r.stage = side == Side::initiator ? "init_sec_context" : "accept_sec_context";
  r.side = side;
  r.message = std::move(message);
  r.cls = "protocol_error";
  r.hint = "a mechanism bug or mismatched framings; see the decoded legs";
  r.transport = transport;
  return r;
}

Json error_json(const ErrorReport& e) {
  if (e.remote) {
    Json j = *e.remote;
    if (e.side) j["side"] = side_name(*e.side);
    j["reported_by_peer"] = true;
    if (e.clock_offset_seconds) {
      j["clock_offset_seconds"] = *e.clock_offset_seconds;
      j["hint"] = e.hint;
    }
    return j;
  }
  Json j;
  j["stage"] = e.stage;
  j["side"] = e.side ? Json(side_name(*e.side)) : Json(nullptr);
  if (e.gss) {
    const auto parts = e.gss->major_parts();
    j["major"] = Json{{"code", e.gss->major()},
                      {"routine", parts.routine.empty() ? Json(nullptr) : Json(parts.routine)},
                      {"calling", parts.calling ? Json(*parts.calling) : Json(nullptr)},
                      {"supplementary", parts.supplementary},
                      {"text", e.gss->major_text()}};
    j["minor"] = Json{{"code", e.gss->minor()}, {"text", e.gss->minor_text()}};
    j["mech"] = e.gss->mech() ? mech_json(*e.gss->mech()) : Json(nullptr);
  } else {
    j["major"] = nullptr;
    j["minor"] = nullptr;
  }
  j["message"] = e.message;
  j["class"] = e.cls;
  j["hint"] = e.hint;
  if (e.clock_offset_seconds) j["clock_offset_seconds"] = *e.clock_offset_seconds;
  if (e.ticket) j["ticket"] = *e.ticket;
  return j;
}

}  // namespace authctx::report

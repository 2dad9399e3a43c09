// The authctx framing (authctx_channel.hpp): frames to records and back, and the HELLO.
#include "transport/authctx_channel.hpp"

#include <algorithm>

#include "util/base64.hpp"
#include "util/errors.hpp"

namespace authctx::transport {
namespace {

constexpr const char* k_protocol = "authctx/1";

Json parse_json(const Record& r, const char* what) {
  auto j = json::parse_object(std::string_view(reinterpret_cast<const char*>(r.payload.data()), r.payload.size()));
  if (j.is_discarded())
    throw util::transport_error("malformed_frame", std::string("the peer's ") + what + " frame is not a JSON object");
  return j;
}

void write_json(RecordStream& records, std::uint8_t type, const Json& j) {
  const auto text = json::dump(j);
  records.write(type, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

[[noreturn]] void unexpected(const Record& r, const char* expected) {
  std::string hint = "both sides must use the same --framing";
  if (r.type == (sample::noop | sample::context_next) || r.type == sample::context)
    hint = "the peer speaks MIT gss-sample: use --framing gss-sample";
  throw util::transport_error(
      "malformed_frame", std::string("expected ") + expected + " but the peer sent frame type " + type_text(r.type),
      hint);
}

void check_protocol(const Json& hello, const char* who) {
  if (hello.value("protocol", "") != k_protocol)
    throw util::transport_error("malformed_frame", std::string("the ") + who + " speaks protocol '" +
                                                       hello.value("protocol", "?") + "', not authctx/1");
}

Frame error_frame(const Record& r) {
  const auto body = parse_json(r, "error");
  Bytes token;
  if (body.contains("token_base64") && body["token_base64"].is_string())
    if (auto t = util::base64_decode(body["token_base64"].get<std::string>())) token = std::move(*t);
  const auto& error = body.contains("error") && body["error"].is_object() ? body["error"] : Json::object();
  return Frame::failure(error, std::move(token));
}

Bytes mic_payload(const Bytes& message, const Bytes& mic) {
  Bytes out;
  put_length(out, message.size());
  out.insert(out.end(), message.begin(), message.end());
  out.insert(out.end(), mic.begin(), mic.end());
  return out;
}

Frame mic_frame(const Record& r) {
  if (r.payload.size() < 4) throw util::transport_error("malformed_frame", "MIC frame shorter than its 4-byte header");
  const std::uint32_t n = get_length(std::span<const std::uint8_t, 4>(r.payload.data(), 4));
  if (n > r.payload.size() - 4)
    throw util::transport_error("malformed_frame", "MIC frame's message length exceeds the frame");
  Frame f = Frame::of(FrameKind::mic);
  const auto message_end = r.payload.begin() + 4 + static_cast<std::ptrdiff_t>(n);
  f.data.assign(r.payload.begin() + 4, message_end);
  f.token.assign(message_end, r.payload.end());
  return f;
}
}  // namespace

AuthctxChannel::AuthctxChannel(RecordStream& records, Role role, int messages, bool report, bool pipeline)
    : records_(records), role_(role), messages_(messages), report_(report), pipeline_(pipeline) {}

const ChannelTraits& AuthctxChannel::traits() const {
  static const ChannelTraits k_traits{MessagePlan::authctx, true, true};
  return k_traits;
}

void AuthctxChannel::open() {
  if (role_ == Role::initiator) {
    // Sent with the first token (records hold writes until a read waits); the server's
    // HELLO is read with its first answer.
    Json hello{{"protocol", k_protocol}, {"messages", messages_}};
    if (!report_) hello["report"] = false;
    write_json(records_, wire::hello, hello);
    server_hello_pending_ = true;
    if (!pipeline_) take_server_hello();
    return;
  }
  const auto r = records_.read();
  if (r.type != wire::hello) unexpected(r, "HELLO");
  const auto hello = parse_json(r, "hello");
  check_protocol(hello, "client");
  if (hello.contains("messages") && hello["messages"].is_number_unsigned())
    announced_ = static_cast<int>(std::min<std::uint64_t>(hello["messages"].get<std::uint64_t>(), 1000000));
  if (hello.contains("report") && hello["report"].is_boolean()) report_ = hello["report"].get<bool>();
  write_json(records_, wire::hello, Json{{"protocol", k_protocol}, {"server", "authctx"}});
}

void AuthctxChannel::take_server_hello() {
  server_hello_pending_ = false;
  const auto r = records_.read();
  if (r.type == wire::error)
    throw util::transport_error("peer_refused",
                                "the server refused the session: " + std::string(r.payload.begin(), r.payload.end()));
  if (r.type != wire::hello) unexpected(r, "HELLO");
  check_protocol(parse_json(r, "hello"), "server");
}

Json AuthctxChannel::send(const Frame& f) {
  switch (f.kind) {
    case FrameKind::token: records_.write(wire::token, f.token); break;
    case FrameKind::accepted:
      if (!f.token.empty()) records_.write(wire::token, f.token);
      write_json(records_, wire::accepted,
                 Json{{"established", true}, {"context", f.body.is_object() ? f.body : Json()}});
      break;
    case FrameKind::error: {
      Json body{{"error", f.body}};
      body["token_base64"] = f.token.empty() ? Json(nullptr) : Json(util::base64_encode(f.token));
      write_json(records_, wire::error, body);
      break;
    }
    case FrameKind::wrap: {
      Bytes payload{static_cast<std::uint8_t>(f.conf ? 1 : 0)};
      payload.insert(payload.end(), f.token.begin(), f.token.end());
      records_.write(wire::wrap, payload);
      break;
    }
    case FrameKind::mic: records_.write(wire::mic, mic_payload(f.data, f.token)); break;
    case FrameKind::bye: records_.write(wire::bye, Bytes{}); break;
    case FrameKind::results:
      write_json(records_, wire::results, Json{{"messages", f.body.is_array() ? f.body : Json::array()}});
      break;
    case FrameKind::plain:
      throw util::transport_error("protocol_error", "the authctx framing carries no unprotected messages");
  }
  return nullptr;
}

Frame AuthctxChannel::receive() {
  if (server_hello_pending_) take_server_hello();
  return frame_from(records_.read());
}

std::optional<Frame> AuthctxChannel::receive_or_end() {
  if (server_hello_pending_) take_server_hello();
  auto r = records_.read_or_end();
  if (!r) return std::nullopt;
  return frame_from(*r);
}

Frame AuthctxChannel::frame_from(const Record& r) {
  switch (r.type) {
    case wire::token: return Frame::context_token(r.payload);
    case wire::error: return error_frame(r);
    case wire::accepted: {
      const auto body = parse_json(r, "accepted");
      return Frame::acceptance({}, body.contains("context") && body["context"].is_object() ? body["context"] : Json());
    }
    case wire::wrap: {
      if (r.payload.empty()) throw util::transport_error("malformed_frame", "empty WRAP frame");
      Frame f = Frame::of(FrameKind::wrap);
      f.conf = r.payload[0] != 0;
      f.token.assign(r.payload.begin() + 1, r.payload.end());
      return f;
    }
    case wire::mic: return mic_frame(r);
    case wire::bye: return Frame::of(FrameKind::bye);
    case wire::results: {
      const auto body = parse_json(r, "results");
      Frame f = Frame::of(FrameKind::results);
      f.body = body.contains("messages") && body["messages"].is_array() ? body["messages"] : Json::array();
      return f;
    }
    default:
      unexpected(r, role_ == Role::initiator ? "TOKEN, ACCEPTED, ERROR, WRAP, MIC or RESULTS"
                                             : "TOKEN, ERROR, WRAP, MIC or BYE");
  }
}

}  // namespace authctx::transport

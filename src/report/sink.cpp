#include "report/sink.hpp"

namespace authctx::report {

namespace {
void write_line(std::FILE* out, const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), out);
  std::fputc('\n', out);
  std::fflush(out);
}
}  // namespace

void JsonSink::document(const Json& doc) { write_line(out_, json::dump(doc, pretty_ ? 2 : -1)); }

void JsonlSink::event(std::string_view name, const Json& body) {
  Json line{{"schema", "authctx/1"}, {"event", name}, {"command", command_}};
  if (!connection_.empty()) line["connection"] = connection_;
  for (const auto& [k, v] : body.items()) line[k] = v;
  write_line(out_, json::dump(line));
}

void JsonlSink::document(const Json& doc) {
  Json body;
  for (const auto& [k, v] : doc.items())
    if (k != "schema" && k != "command") body[k] = v;
  event("result", body);
}

}  // namespace authctx::report

#include "decode/diagnostics.hpp"

namespace authctx::decode {

void Diagnostics::add(std::size_t offset, std::string message) {
  if (items_.size() >= kMaxDiagnostics) {
    ++dropped_;
    return;
  }
  items_.push_back(Diagnostic{offset, std::move(message)});
}

void Diagnostics::attach(Value& node) const {
  if (items_.empty()) return;
  Value* list = node.find("diagnostics");
  if (list == nullptr || !list->is_array()) list = &node.set("diagnostics", Value::array());
  for (const auto& d : items_) {
    Value entry = Value::object();
    entry.set("offset", d.offset);
    entry.set("message", d.message);
    list->push(std::move(entry));
  }
  if (dropped_ > 0) {
    Value entry = Value::object();
    entry.set("offset", items_.back().offset);
    entry.set("message", std::to_string(dropped_) + " further diagnostics omitted");
    list->push(std::move(entry));
  }
}

}  // namespace authctx::decode

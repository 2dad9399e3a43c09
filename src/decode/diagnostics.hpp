// Diagnostics: the problems found while decoding one token node, each with the byte offset
// (from the start of the whole input given to decode_token) where it was noticed.
//
// A collector is bounded (kMaxDiagnostics entries; later ones are counted, not stored) so
// hostile input cannot make the tree grow without limit. attach() moves the entries into a
// node's "diagnostics" array, and nothing when there were none.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "decode/value.hpp"

namespace authctx::decode {

struct Diagnostic {
  std::size_t offset = 0;
  std::string message;
};

class Diagnostics {
 public:
  static constexpr std::size_t kMaxDiagnostics = 32;

  void add(std::size_t offset, std::string message);
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Appends {"offset","message"} objects to node["diagnostics"] (created when needed).
  void attach(Value& node) const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t dropped_ = 0;
};

}  // namespace authctx::decode

#include "text/style.hpp"

#include "json/json.hpp"

namespace authctx::text {

std::string str(const Json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  return json::dump(j);
}

std::string field(const Json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "-";
  return str(j[key]);
}

std::string join(const Json& arr, const std::string& sep, const std::string& empty) {
  if (!arr.is_array() || arr.empty()) return empty;
  std::string out;
  for (const auto& v : arr) out += (out.empty() ? "" : sep) + name_of(v);
  return out;
}

std::string name_of(const Json& j) {
  if (j.is_object() && j.contains("name") && j["name"].is_string()) return j["name"].get<std::string>();
  if (j.is_object() && j.contains("oid")) return str(j["oid"]);
  return str(j);
}

std::string short_enctype(const Json& etype) {
  // MIT's own short names (kdc.conf(5) "Encryption types"): what people type in krb5.conf.
  if (etype.is_object() && etype.contains("id") && etype["id"].is_number_integer()) {
    switch (etype["id"].get<int>()) {
      case 17: return "aes128-cts";
      case 18: return "aes256-cts";
      case 19: return "aes128-sha2";
      case 20: return "aes256-sha2";
      case 23: return "rc4-hmac";
      case 16: return "des3-cbc-sha1";
      default: break;
    }
  }
  return name_of(etype);
}

std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b) {  // CSI ... final byte in 0x40..0x7e
      while (i + 1 < s.size() && !(s[i + 1] >= 0x40 && s[i + 1] <= 0x7e && s[i + 1] != '[')) ++i;
      ++i;
      continue;
    }
    if ((c & 0xc0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

std::string pad(const std::string& s, std::size_t width) {
  const auto w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::vector<std::string> wrap_words(const std::string& s, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    const std::string word = s.substr(start, end - start);
    if (!word.empty()) {
      if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
        lines.push_back(line);
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    start = end + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

namespace {
bool is_scalar_array(const Json& j) {
  if (!j.is_array()) return false;
  for (const auto& v : j)
    if (v.is_structured() && !(v.is_object() && v.size() == 2 && v.contains("id") && v.contains("name")) &&
        !(v.is_object() && v.size() == 2 && v.contains("oid") && v.contains("name")))
      return false;
  return true;
}

// {"id": 18, "name": "aes256-..."} and {"oid": ..., "name": ...} read best on one line.
bool is_named_pair(const Json& j) {
  return j.is_object() && j.size() == 2 && j.contains("name") &&
         (j.contains("id") || j.contains("oid") || j.contains("code"));
}

std::string inline_value(const Json& j) {
  if (is_named_pair(j)) {
    const auto& other = j.contains("id") ? j["id"] : j.contains("oid") ? j["oid"] : j["code"];
    return str(j["name"]) + " (" + str(other) + ")";
  }
  if (j.is_array()) {
    std::string out;
    for (const auto& v : j) out += (out.empty() ? "" : ", ") + inline_value(v);
    return "[" + out + "]";
  }
  return str(j);
}
}  // namespace

std::string outline(const Json& j, const std::string& indent) {
  std::string out;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "base64") continue;  // the leg line already has the length; bytes are in JSON
      if (value.is_object() && !is_named_pair(value)) {
        out += indent + key + ":\n" + outline(value, indent + "  ");
      } else if (value.is_array() && !is_scalar_array(value)) {
        out += indent + key + ":\n";
        std::size_t n = 0;
        for (const auto& item : value) {
          out += indent + "  [" + std::to_string(n++) + "]" +
                 (item.is_structured() ? "\n" : " " + inline_value(item) + "\n");
          if (item.is_structured()) out += outline(item, indent + "    ");
        }
      } else {
        out += indent + key + ": " + inline_value(value) + "\n";
      }
    }
  } else {
    out += indent + inline_value(j) + "\n";
  }
  return out;
}

}  // namespace authctx::text

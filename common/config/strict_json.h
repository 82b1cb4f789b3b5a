// Strict JSON for configuration files (the organisations register, the product catalogue, the
// report schemes). Configuration steers who sees what and what is granted, so a file is either
// wholly right or refused: every problem is collected with its JSON path ("products[4].category:
// ..."), a key given twice is a problem (nlohmann::json would silently keep the last), and unknown
// keys are problems. Parsing never throws.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace hub::config {

using Json = nlohmann::json;

// Every problem found in one file, each "json.path: what is wrong".
class Problems {
 public:
  void Add(std::string path, std::string what);
  bool empty() const { return items_.empty(); }
  // INVALID_ARGUMENT listing every problem; call only when not empty().
  absl::Status ToStatus() const;

 private:
  std::vector<std::string> items_;
};

// Parses `text`, adding a problem for every key given twice in one object. nullopt, with the parser's
// message (line and column, never more than the bad token) in `error`, for text that is not JSON.
std::optional<Json> ParseStrict(std::string_view text, Problems* problems, std::string* error);

// "path[index]" and "path.key" ("key" at the root).
std::string Index(std::string_view path, size_t index);
std::string Member(std::string_view path, std::string_view key);

// Adds a problem for every key of `object` not in `allowed`.
void RejectUnknownKeys(const Json& object, std::string_view path, std::initializer_list<std::string_view> allowed,
                       Problems* problems);

// The non-empty string under `key`, or nullopt with a problem added.
std::optional<std::string> RequiredString(const Json& object, std::string_view path, const char* key,
                                          Problems* problems);

}  // namespace hub::config

#include "common/config/strict_json.h"

#include <algorithm>
#include <set>

#include "fmt/format.h"

namespace hub::config {
namespace {

// Reports every key repeated within one object, with its JSON path.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(Problems* problems) : problems_(problems) {}

  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        stack_.push_back(Frame{.array = false});
        break;
      case Json::parse_event_t::array_start:
        stack_.push_back(Frame{.array = true});
        break;
      case Json::parse_event_t::key: {
        Frame& top = stack_.back();
        top.key = parsed.get<std::string>();
        if (!top.seen.insert(top.key).second) problems_->Add(Path(), "key given more than once");
        break;
      }
      case Json::parse_event_t::value:
        NextElement();
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        stack_.pop_back();
        NextElement();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool array = false;
    size_t index = 0;
    std::string key;
    std::set<std::string> seen;
  };

  void NextElement() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
  }

  std::string Path() const {
    std::string path;
    for (const Frame& frame : stack_) {
      if (frame.array) {
        path += fmt::format("[{}]", frame.index);
      } else {
        if (!path.empty()) path += '.';
        path += frame.key;
      }
    }
    return path;
  }

  Problems* problems_;
  std::vector<Frame> stack_;
};

}  // namespace

void Problems::Add(std::string path, std::string what) { items_.push_back(fmt::format("{}: {}", path, what)); }

absl::Status Problems::ToStatus() const {
  if (items_.size() == 1) return absl::InvalidArgumentError(items_.front());
  return absl::InvalidArgumentError(fmt::format("{} problems: {}", items_.size(), fmt::join(items_, "; ")));
}

std::optional<Json> ParseStrict(std::string_view text, Problems* problems, std::string* error) {
  try {
    return Json::parse(text.begin(), text.end(), DuplicateKeyCheck(problems));
  } catch (const Json::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

std::string Index(std::string_view path, size_t index) { return fmt::format("{}[{}]", path, index); }

std::string Member(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// A misspelt optional key ("agbcode") must not pass as "not given".
void RejectUnknownKeys(const Json& object, std::string_view path, std::initializer_list<std::string_view> allowed,
                       Problems* problems) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    problems->Add(Member(path, key), fmt::format("unknown key (allowed: {})", fmt::join(allowed, ", ")));
  }
}

std::optional<std::string> RequiredString(const Json& object, std::string_view path, const char* key,
                                          Problems* problems) {
  const auto it = object.find(key);
  if (it == object.end()) {
    problems->Add(Member(path, key), "required");
    return std::nullopt;
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    problems->Add(Member(path, key), "must be a non-empty string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace hub::config

#include "tools/hubctl/table.h"

#include <algorithm>

namespace hub::hubctl {
namespace {

constexpr size_t kGap = 2;

// Display width in code points, not bytes, so a name like "Zoë" keeps its column straight.
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a UTF-8 continuation byte
  }));
}

void Pad(std::string& line, const std::string& cell, size_t width) {
  line += cell;
  line.append(width - std::min(width, Width(cell)), ' ');
}

// Without trailing spaces (an empty last cell would leave them), so diffs and greps stay clean.
void PrintLine(std::ostream& out, std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  out << line << '\n';
}

}  // namespace

KeyValues& KeyValues::Add(std::string key, std::string value) {
  lines_.emplace_back(std::move(key), std::move(value));
  return *this;
}

void KeyValues::Print(std::ostream& out, const std::string& indent) const {
  size_t width = 0;
  for (const auto& [key, value] : lines_) width = std::max(width, Width(key));
  for (const auto& [key, value] : lines_) {
    std::string line = indent;
    Pad(line, key, width + kGap);
    PrintLine(out, line + value);
  }
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

Table& Table::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
  return *this;
}

void Table::Print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) widths[i] = Width(header_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i + 1 == row.size()) {
        line += row[i];
      } else {
        Pad(line, row[i], widths[i] + kGap);
      }
    }
    PrintLine(out, std::move(line));
  };
  print_row(header_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace hub::hubctl

// Plain-text layout for hubctl's readable output: a block of aligned "key  value" lines and a table
// with a header row. Columns are padded with spaces (no box drawing) so the output survives
// copy-paste, grep and terminals without Unicode.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace hub::hubctl {

// Lines of "key  value" whose values start in one column.
class KeyValues {
 public:
  KeyValues& Add(std::string key, std::string value);
  // Writes every line, prefixed with `indent`.
  void Print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

// Rows under a header; each column as wide as its widest cell. The last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header);
  // A row with fewer cells than the header is filled with empty cells.
  Table& AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace hub::hubctl

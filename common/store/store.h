// Store: one RocksDB database with named column families, opened the way the hub needs it.
//
// A Store is what projections and the embedded log write into. It owns the DB and its column family
// handles; every named family is created when missing. Thread-safe like rocksdb::DB itself.
// Failures are absl::Status values; a RocksDB corruption becomes DATA_LOSS, I/O trouble UNAVAILABLE.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace hub::store {

struct StoreOptions {
  // Extra tuning applied to the DB (create_if_missing and create_missing_column_families are
  // always on).
  rocksdb::Options db_options;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` with the "default" family plus
  // `column_families`.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const std::vector<std::string>& column_families,
                                                     StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // The handle of a family named at Open; nullptr for any other name.
  rocksdb::ColumnFamilyHandle* family(std::string_view name) const;
  const std::string& path() const { return path_; }

  // Drops and recreates a family: empties it in O(1) rather than deleting key by key.
  absl::Status ResetFamily(std::string_view name);

 private:
  Store() = default;
  std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> families_;
};

// Maps a RocksDB status to the absl code a caller can act on.
absl::Status ToStatus(const rocksdb::Status& status, std::string_view context = {});

}  // namespace hub::store

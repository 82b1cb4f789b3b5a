#include "common/store/store.h"

#include <filesystem>

#include "fmt/format.h"

namespace hub::store {

absl::Status ToStatus(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return absl::OkStatus();
  std::string message =
      context.empty() ? status.ToString() : fmt::format("{}: {}", context, status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsBusy() || status.IsTimedOut() || status.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  if (status.IsIOError()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   const std::vector<std::string>& column_families,
                                                   StoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return absl::UnavailableError(fmt::format("create {}: {}", path, ec.message()));
  rocksdb::Options db_options = options.db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName,
                           rocksdb::ColumnFamilyOptions(db_options));
  for (const auto& name : column_families) {
    if (name == rocksdb::kDefaultColumnFamilyName) continue;
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(db_options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(rocksdb::DBOptions(db_options), path, descriptors, &handles, &raw);
  if (!s.ok()) return ToStatus(s, fmt::format("open {}", path));

  std::unique_ptr<Store> store(new Store());
  store->path_ = path;
  store->db_.reset(raw);
  for (auto* handle : handles) store->families_.emplace(handle->GetName(), handle);
  return store;
}

Store::~Store() {
  if (!db_) return;
  // Every handle DB::Open returned, the default family's included, must be released before Close.
  for (auto& [name, handle] : families_) db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Store::family(std::string_view name) const {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : it->second;
}

absl::Status Store::ResetFamily(std::string_view name) {
  auto it = families_.find(name);
  if (it == families_.end()) return absl::NotFoundError(fmt::format("no column family {}", name));
  if (name == rocksdb::kDefaultColumnFamilyName) {
    return absl::InvalidArgumentError("the default column family cannot be reset");
  }
  rocksdb::ColumnFamilyOptions cf_options;
  rocksdb::ColumnFamilyDescriptor descriptor;
  if (auto s = it->second->GetDescriptor(&descriptor); s.ok()) cf_options = descriptor.options;
  if (auto s = db_->DropColumnFamily(it->second); !s.ok()) return ToStatus(s, "drop family");
  db_->DestroyColumnFamilyHandle(it->second);
  rocksdb::ColumnFamilyHandle* handle = nullptr;
  if (auto s = db_->CreateColumnFamily(cf_options, std::string(name), &handle); !s.ok()) {
    families_.erase(it);
    return ToStatus(s, "create family");
  }
  it->second = handle;
  return absl::OkStatus();
}

}  // namespace hub::store

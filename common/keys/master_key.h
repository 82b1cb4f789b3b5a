// MasterKey: the one secret a hub installation starts from, and the keys derived from it.
//
// Every tenant-scoped secret (the BSN pseudonym key, the key-encryption key that wraps person keys)
// is derived from the master key with HKDF-SHA-256 and a label naming purpose and tenant, so keys of
// different tenants and purposes are independent while an operator guards a single file. The file
// holds 32 random bytes, is created with mode 0600 when missing, and is refused when group- or
// world-readable. In Kubernetes it is mounted from a Secret.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hub::keys {

class MasterKey {
 public:
  // Reads the key at `path`; creates it with fresh random bytes when `create_if_missing` and the
  // file does not exist. FAILED_PRECONDITION for a file with loose permissions or the wrong size.
  static absl::StatusOr<MasterKey> Load(const std::string& path, bool create_if_missing);
  // For tests: a key from given bytes (32).
  static absl::StatusOr<MasterKey> FromBytes(std::string bytes);

  // 32 bytes derived for `purpose` ("bsn-pseudonym", "person-kek", ...) and `tenant`.
  std::string Derive(std::string_view purpose, std::string_view tenant) const;

 private:
  explicit MasterKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace hub::keys

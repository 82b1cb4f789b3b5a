#include "common/keys/master_key.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exception>
#include <filesystem>
#include <fstream>

#include "fmt/format.h"

namespace hub::keys {
namespace {
constexpr size_t kKeyBytes = 32;
}  // namespace

absl::StatusOr<MasterKey> MasterKey::FromBytes(std::string bytes) {
  if (bytes.size() != kKeyBytes) return absl::InvalidArgumentError("master key: must be 32 bytes");
  return MasterKey(std::move(bytes));
}

absl::StatusOr<MasterKey> MasterKey::Load(const std::string& path, bool create_if_missing) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    if (!create_if_missing) return absl::NotFoundError(fmt::format("master key {} does not exist", path));
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::string bytes(kKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), kKeyBytes) != 1) std::terminate();
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return absl::UnavailableError(fmt::format("cannot create master key {}", path));
    const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && fsync(fd) == 0;
    close(fd);
    if (!written) return absl::UnavailableError(fmt::format("cannot write master key {}", path));
    return MasterKey(std::move(bytes));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return absl::FailedPreconditionError(
        fmt::format("master key {} is readable by group or others; chmod 600 it", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() != kKeyBytes) {
    return absl::FailedPreconditionError(fmt::format("master key {} must hold exactly 32 bytes", path));
  }
  return MasterKey(std::move(bytes));
}

std::string MasterKey::Derive(std::string_view purpose, std::string_view tenant) const {
  const std::string info = fmt::format("hub/v1/{}/{}", purpose, tenant);
  std::string out(kKeyBytes, '\0');
  size_t out_len = out.size();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 &&
            EVP_PKEY_CTX_set1_hkdf_key(ctx, reinterpret_cast<const unsigned char*>(bytes_.data()),
                                       static_cast<int>(bytes_.size())) > 0 &&
            EVP_PKEY_CTX_add1_hkdf_info(ctx, reinterpret_cast<const unsigned char*>(info.data()),
                                        static_cast<int>(info.size())) > 0 &&
            EVP_PKEY_derive(ctx, reinterpret_cast<unsigned char*>(out.data()), &out_len) > 0;
  EVP_PKEY_CTX_free(ctx);
  if (!ok || out_len != kKeyBytes) std::terminate();  // only on allocation failure
  return out;
}

}  // namespace hub::keys

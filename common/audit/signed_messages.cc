#include "common/audit/signed_messages.h"

#include "common/crypto/signing.h"
#include "fmt/format.h"

namespace hub::audit {
namespace {

void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutBytes(std::string& out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

}  // namespace

std::string CheckpointMessage(const hub::v1::CheckpointSigned& checkpoint) {
  std::string out = "hub.audit.checkpoint.v1";
  PutBytes(out, checkpoint.topic());
  PutU32(out, static_cast<uint32_t>(checkpoint.partition()));
  PutU64(out, static_cast<uint64_t>(checkpoint.up_to_offset()));
  PutU64(out, static_cast<uint64_t>(checkpoint.leaf_count()));
  out.append(checkpoint.root());
  return out;
}

std::string ExportTrailerMessage(const hub::v1::ExportHeader& header, const hub::v1::ExportTrailer& trailer) {
  std::string out = "hub.audit.export.v1";
  PutBytes(out, header.tenant());
  PutBytes(out, header.household_id());
  const int64_t nanos = header.generated_at().seconds() * 1'000'000'000 + header.generated_at().nanos();
  PutU64(out, static_cast<uint64_t>(nanos));
  PutU64(out, static_cast<uint64_t>(trailer.events()));
  PutU32(out, static_cast<uint32_t>(trailer.streams_size()));
  for (const auto& tail : trailer.streams()) {
    PutBytes(out, tail.topic());
    PutBytes(out, tail.stream());
    PutU64(out, static_cast<uint64_t>(tail.version()));
    PutBytes(out, tail.last_hash());
  }
  return out;
}

std::string CheckpointStream(std::string_view topic, int32_t partition) {
  return fmt::format("{}/{}", topic, partition);
}

bool CheckpointSignatureValid(const hub::v1::CheckpointSigned& checkpoint, std::string_view public_key) {
  return checkpoint.key_id() == crypto::Ed25519KeyId(public_key) &&
         crypto::VerifyEd25519(public_key, CheckpointMessage(checkpoint), checkpoint.signature());
}

}  // namespace hub::audit

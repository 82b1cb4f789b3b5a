// The exact bytes the audit key signs, shared by the audit service (which signs) and every verifier
// (hubctl audit verify, tests). Changing an encoding here invalidates every signature made with
// the old one: add a new label ("...v2") instead.
//
// Both encodings are length-prefixed with fixed-width big-endian integers, so no two different
// values encode to the same bytes, and each starts with its own label, so a signature over one
// kind of message is never valid for the other.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hub/v1/audit.pb.h"
#include "hub/v1/audit_events.pb.h"

namespace hub::audit {

// The audit service's topic and producer name.
inline constexpr char kAuditProducer[] = "audit";
inline constexpr char kAuditTopic[] = "hub.audit.events.v1";
// What the Ed25519 seed is derived for (MasterKey::Derive(kSigningKeyPurpose, "")).
inline constexpr char kSigningKeyPurpose[] = "audit-checkpoint-ed25519";

// "hub.audit.checkpoint.v1" || u32be(len(topic)) || topic || u32be(partition) ||
// u64be(up_to_offset) || u64be(leaf_count) || root
std::string CheckpointMessage(const hub::v1::CheckpointSigned& checkpoint);

// "hub.audit.export.v1" || u32be(len(tenant)) || tenant || u32be(len(household)) || household ||
// i64be(generated_at unix nanos) || u64be(events) || u32be(streams) || per stream:
// u32be(len(topic)) || topic || u32be(len(stream)) || stream || u64be(version) ||
// u32be(len(last_hash)) || last_hash
std::string ExportTrailerMessage(const hub::v1::ExportHeader& header, const hub::v1::ExportTrailer& trailer);

// The audit topic stream that holds a partition's checkpoints: "<topic>/<partition>".
std::string CheckpointStream(std::string_view topic, int32_t partition);

// True iff the checkpoint's signature is valid under `public_key` and its key_id names that key.
bool CheckpointSignatureValid(const hub::v1::CheckpointSigned& checkpoint, std::string_view public_key);

}  // namespace hub::audit

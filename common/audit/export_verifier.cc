#include "common/audit/export_verifier.h"

#include <istream>
#include <ostream>

#include "common/audit/signed_messages.h"
#include "common/crypto/hash_chain.h"
#include "common/crypto/merkle.h"
#include "common/crypto/signing.h"
#include "fmt/format.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "hub/v1/envelope.pb.h"

namespace hub::audit {
namespace {

constexpr int32_t kFormatVersion = 1;

std::string Deterministic(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

// The household id of envelope bytes that may have been changed, to say where a failure is: read
// field by field without parsing the envelope (which would complain about damaged strings), empty
// when the bytes do not get that far.
std::string RawHouseholdId(const std::string& envelope) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(envelope)) return {};
  for (int i = 0; i < fields.field_count(); ++i) {
    const auto& field = fields.field(i);
    if (field.number() == hub::v1::EventEnvelope::kHouseholdIdFieldNumber &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return field.length_delimited();
    }
  }
  return {};
}

}  // namespace

std::string ExportFailure::Describe() const {
  std::string at = fmt::format("item {}", where.item);
  if (!where.topic.empty()) at += fmt::format(", {} partition {}", where.topic, where.partition);
  if (where.offset >= 0) at += fmt::format(" offset {}", where.offset);
  if (!where.household_id.empty()) at += fmt::format(", household {}", where.household_id);
  return at + ": " + what;
}

ExportVerifier::ExportVerifier(std::string trusted_public_key) : trusted_key_(std::move(trusted_public_key)) {}

bool ExportVerifier::Fail(ExportLocation where, std::string what) {
  if (!summary_.failure) summary_.failure = ExportFailure{std::move(where), std::move(what)};
  return false;
}

bool ExportVerifier::Add(const hub::v1::ExportItem& item) {
  if (summary_.failure) return false;
  const size_t index = item_++;
  ExportLocation here{.item = index};
  if (trailer_seen_) return Fail(here, "an item follows the trailer (appended after the export was signed)");
  if (!header_seen_ && item.item_case() != hub::v1::ExportItem::kHeader) {
    return Fail(here, "the export does not start with its header");
  }
  if (pending_ && item.item_case() != hub::v1::ExportItem::kInclusionProof) {
    return Fail(pending_->where, "the event is not followed by its inclusion proof");
  }
  switch (item.item_case()) {
    case hub::v1::ExportItem::kHeader:
      if (header_seen_) return Fail(here, "a second header");
      return AddHeader(item.header());
    case hub::v1::ExportItem::kCheckpoint:
      return AddCheckpoint(item.checkpoint());
    case hub::v1::ExportItem::kEvent:
      return AddEvent(item.event());
    case hub::v1::ExportItem::kInclusionProof:
      return AddProof(item.inclusion_proof());
    case hub::v1::ExportItem::kTrailer:
      return AddTrailer(item.trailer());
    default:
      return Fail(here, "an item of unknown kind");
  }
}

bool ExportVerifier::AddHeader(const hub::v1::ExportHeader& header) {
  header_seen_ = true;
  header_ = header;
  const ExportLocation here{.item = item_ - 1};
  if (header.format_version() != kFormatVersion) {
    return Fail(here, fmt::format("export format version {}, this verifier reads version {}", header.format_version(),
                                  kFormatVersion));
  }
  if (!trusted_key_.empty()) {
    key_ = trusted_key_;
    if (header.public_key() != trusted_key_) {
      summary_.warnings.push_back(fmt::format("the export names key {}, not the trusted key {}; checked against the "
                                              "trusted key",
                                              crypto::Ed25519KeyId(header.public_key()),
                                              crypto::Ed25519KeyId(trusted_key_)));
    }
  } else {
    key_ = header.public_key();
    summary_.warnings.push_back(fmt::format(
        "no trusted public key given: checked against the key the export names itself ({}), which proves "
        "integrity only if that key is the hub's",
        crypto::Ed25519KeyId(key_)));
  }
  if (key_.size() != crypto::kEd25519PublicKeySize) return Fail(here, "the public key is not a 32-byte Ed25519 key");
  return true;
}

bool ExportVerifier::AddCheckpoint(const hub::v1::Checkpoint& item) {
  const auto& c = item.checkpoint();
  ExportLocation here{.item = item_ - 1, .topic = c.topic(), .partition = c.partition(), .offset = c.up_to_offset()};
  const std::string what = fmt::format("checkpoint up to offset {}", c.up_to_offset());
  hub::v1::LogRecord record;
  hub::v1::EventEnvelope envelope;
  if (!record.ParseFromString(item.log_record())) return Fail(here, what + ": its log record does not decode");
  if (crypto::ChainHash(record.prev_hash(), record.envelope()) != record.hash()) {
    return Fail(here, what + ": its log record does not match its hash (its bytes were changed)");
  }
  if (!envelope.ParseFromString(record.envelope()) || !envelope.has_audit() ||
      !envelope.audit().has_checkpoint_signed()) {
    return Fail(here, what + ": its log record carries no checkpoint");
  }
  if (Deterministic(envelope.audit().checkpoint_signed()) != Deterministic(c)) {
    return Fail(here, what + ": differs from the checkpoint its log record carries");
  }
  if (envelope.household_id() != CheckpointStream(c.topic(), c.partition())) {
    return Fail(here, what + ": sits on the stream of another partition");
  }
  if (c.root().size() != crypto::kHashSize || c.leaf_count() < 0 || c.leaf_count() > c.up_to_offset()) {
    return Fail(here, what + ": malformed (root size or leaf count)");
  }
  if (!CheckpointSignatureValid(c, key_)) {
    return Fail(here, what + ": the signature is not valid under the trusted key");
  }
  checkpoints_[{c.topic(), c.partition(), c.up_to_offset()}] = c;
  summary_.checkpoints++;
  return true;
}

bool ExportVerifier::AddEvent(const hub::v1::ExportedEvent& event) {
  ExportLocation here{.item = item_ - 1, .topic = event.topic(), .partition = event.partition(), .offset = event.offset()};
  hub::v1::LogRecord record;
  if (!record.ParseFromString(event.log_record())) return Fail(here, "the log record does not decode");
  here.household_id = RawHouseholdId(record.envelope());
  if (crypto::ChainHash(record.prev_hash(), record.envelope()) != record.hash()) {
    return Fail(here, "the record does not match its hash (its bytes were changed)");
  }
  hub::v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(record.envelope())) return Fail(here, "the envelope does not decode");
  if (envelope.tenant() != header_.tenant()) return Fail(here, "an event of another tenant");
  if (!header_.household_id().empty() && envelope.household_id() != header_.household_id()) {
    return Fail(here, "an event of another household");
  }
  const int64_t version = static_cast<int64_t>(envelope.stream_version());
  auto [it, first] = streams_.try_emplace({event.topic(), envelope.household_id()});
  StreamHead& head = it->second;
  if (version <= head.version) {
    return Fail(here, fmt::format("version {} appears again or out of order (the stream was at version {})", version,
                                  head.version));
  }
  if (version > head.version + 1) {
    return Fail(here, head.version + 1 == version - 1
                          ? fmt::format("version {} is missing before version {}", head.version + 1, version)
                          : fmt::format("versions {} to {} are missing before version {}", head.version + 1,
                                        version - 1, version));
  }
  const std::string& expected_prev = head.version == 0 ? crypto::GenesisHash() : head.last_hash;
  if (record.prev_hash() != expected_prev) {
    return Fail(here, fmt::format("version {} does not link to version {} (an event was replaced, inserted or "
                                  "reordered)",
                                  version, head.version));
  }
  head.version = version;
  head.last_hash = record.hash();
  if (first) summary_.streams++;
  summary_.events++;
  pending_ = PendingEvent{std::move(here), record.hash()};
  return true;
}

bool ExportVerifier::AddProof(const hub::v1::InclusionProof& proof) {
  ExportLocation here{.item = item_ - 1, .topic = proof.topic(), .partition = proof.partition(), .offset = proof.offset()};
  if (!pending_ || pending_->where.topic != proof.topic() || pending_->where.partition != proof.partition() ||
      pending_->where.offset != proof.offset()) {
    return Fail(here, "an inclusion proof that does not follow its event");
  }
  here = pending_->where;
  auto it = checkpoints_.find({proof.topic(), proof.partition(), proof.checkpoint_up_to_offset()});
  if (it == checkpoints_.end()) {
    return Fail(here, fmt::format("the inclusion proof names a checkpoint up to offset {} that the export does not "
                                  "hold before it",
                                  proof.checkpoint_up_to_offset()));
  }
  const hub::v1::CheckpointSigned& checkpoint = it->second;
  if (proof.offset() >= checkpoint.up_to_offset() || proof.tree_size() != checkpoint.leaf_count() ||
      proof.leaf_index() < 0 || proof.leaf_index() > proof.offset()) {
    return Fail(here, "the inclusion proof does not fit its checkpoint (offset, tree size or leaf index)");
  }
  std::vector<std::string> path(proof.audit_path().begin(), proof.audit_path().end());
  if (!crypto::VerifyMerkleInclusion(crypto::MerkleLeafHash(pending_->hash), static_cast<uint64_t>(proof.leaf_index()),
                                     static_cast<uint64_t>(proof.tree_size()), path, checkpoint.root())) {
    return Fail(here, fmt::format("the event is not under the signed root of the checkpoint up to offset {}",
                                  checkpoint.up_to_offset()));
  }
  pending_.reset();
  summary_.proofs++;
  return true;
}

bool ExportVerifier::AddTrailer(const hub::v1::ExportTrailer& trailer) {
  trailer_seen_ = true;
  const ExportLocation here{.item = item_ - 1};
  if (!crypto::VerifyEd25519(key_, ExportTrailerMessage(header_, trailer), trailer.signature())) {
    return Fail(here, "the trailer's signature is not valid under the trusted key");
  }
  // Streams the trailer names: each must end exactly where the signed trailer says.
  std::map<std::pair<std::string, std::string>, const hub::v1::ExportTrailer::StreamTail*> tails;
  for (const auto& tail : trailer.streams()) tails[{tail.topic(), tail.stream()}] = &tail;
  for (const auto& [key, tail] : tails) {
    auto it = streams_.find(key);
    const int64_t have = it == streams_.end() ? 0 : it->second.version;
    if (have != tail->version()) {
      return Fail({.item = here.item, .topic = key.first, .household_id = key.second},
                  have == 0 ? fmt::format("the stream is missing (the signed trailer lists {} events)", tail->version())
                            : fmt::format("the stream ends at version {}, the signed trailer says {} (events were "
                                          "dropped or added at its end)",
                                          have, tail->version()));
    }
    if (it != streams_.end() && it->second.last_hash != tail->last_hash()) {
      return Fail({.item = here.item, .topic = key.first, .household_id = key.second},
                  "the stream's last event is not the one the signed trailer names");
    }
  }
  for (const auto& [key, head] : streams_) {
    if (!tails.contains(key)) {
      return Fail({.item = here.item, .topic = key.first, .household_id = key.second},
                  "a stream the signed trailer does not list (inserted)");
    }
  }
  if (trailer.events() != summary_.events) {
    return Fail(here, fmt::format("the export holds {} events, the signed trailer says {}", summary_.events,
                                  trailer.events()));
  }
  return true;
}

ExportSummary ExportVerifier::Finish() {
  if (!summary_.failure) {
    if (!header_seen_) {
      Fail({.item = item_}, "the export is empty");
    } else if (pending_) {
      Fail(pending_->where, "the event is not followed by its inclusion proof");
    } else if (!trailer_seen_) {
      Fail({.item = item_}, "the export ends without its trailer (truncated)");
    }
  }
  return summary_;
}

ExportSummary VerifyExport(const std::vector<hub::v1::ExportItem>& items, std::string trusted_public_key) {
  ExportVerifier verifier(std::move(trusted_public_key));
  for (const auto& item : items) {
    if (!verifier.Add(item)) break;
  }
  return verifier.Finish();
}

absl::Status ReadExportItems(std::istream& in, const std::function<bool(const hub::v1::ExportItem&)>& on_item) {
  google::protobuf::io::IstreamInputStream stream(&in);
  hub::v1::ExportItem item;
  for (size_t n = 0;; ++n) {
    bool clean_eof = false;
    item.Clear();
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&item, &stream, &clean_eof)) {
      if (clean_eof) return absl::OkStatus();
      return absl::DataLossError(fmt::format("item {} does not decode (the file is truncated or damaged)", n));
    }
    if (!on_item(item)) return absl::OkStatus();
  }
}

bool WriteExportItem(const hub::v1::ExportItem& item, std::ostream& out) {
  return google::protobuf::util::SerializeDelimitedToOstream(item, &out) && out.good();
}

}  // namespace hub::audit

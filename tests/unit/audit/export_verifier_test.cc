// The offline export verifier (common/audit/export_verifier.h): an intact export verifies, and
// every kind of tampering is detected and located: any flipped byte of any event, a dropped,
// reordered, duplicated or inserted event, a checkpoint or trailer changed or signed with another
// key, a truncated export. The exports here are built in memory the way the audit service builds
// them (sealed chains, RFC 6962 trees per partition, signed checkpoints and trailer), without a
// log or a server.
#include "common/audit/export_verifier.h"

#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/audit/signed_messages.h"
#include "common/crypto/hash_chain.h"
#include "common/crypto/merkle.h"
#include "common/crypto/signing.h"
#include "common/es/envelope.h"
#include "gtest/gtest.h"

namespace hub::audit {
namespace {

using hub::v1::ExportItem;

constexpr char kTenant[] = "GM0632";
const std::string kIntake = "hub.intake.events.v1";
const std::string kPlan = "hub.plan.events.v1";
const std::chrono::system_clock::time_point kStart{std::chrono::seconds(1768204800)};

crypto::Ed25519Signer Signer(char fill) { return *crypto::Ed25519Signer::FromSeed(std::string(32, fill)); }

// A small log in memory: one partition per topic, records as the audit service reads them.
class History {
 public:
  explicit History(const crypto::Ed25519Signer& signer) : signer_(signer) {}

  // Appends one sealed event to (topic, household) on partition 0; returns its offset.
  int64_t Append(const std::string& topic, const std::string& household, const std::string& tenant) {
    auto& [version, last_hash] = streams_[{topic, household}];
    hub::v1::EventEnvelope envelope;
    envelope.mutable_intake()->mutable_melding_closed()->set_melding_id("m-" + std::to_string(version + 1));
    es::CommandMetadata meta;
    meta.tenant = tenant;
    meta.household_id = household;
    meta.actor.set_organisation_id("woerdenwijzer");
    meta.request_id = "r-" + std::to_string(records_[topic].size());
    auto sealed = es::Seal(meta, topic.substr(4, topic.find(".events") - 4), 1, version, last_hash,
                           kStart + std::chrono::seconds(records_[topic].size()), {envelope});
    version += 1;
    last_hash = sealed.last_hash;
    records_[topic].push_back(sealed.log_values.front());
    return static_cast<int64_t>(records_[topic].size()) - 1;
  }

  // Signs a checkpoint over the first `size` records of the topic's partition 0.
  void Checkpoint(const std::string& topic, int64_t size) {
    hub::v1::CheckpointSigned c;
    c.set_topic(topic);
    c.set_partition(0);
    c.set_up_to_offset(size);
    c.set_leaf_count(size);
    c.set_root(crypto::MerkleRoot(Leaves(topic, size)));
    c.set_key_id(signer_.key_id());
    c.set_signature(signer_.Sign(CheckpointMessage(c)));
    auto& [version, last_hash] = streams_[{kAuditTopic, CheckpointStream(topic, 0)}];
    hub::v1::EventEnvelope envelope;
    *envelope.mutable_audit()->mutable_checkpoint_signed() = c;
    es::CommandMetadata meta;
    meta.household_id = CheckpointStream(topic, 0);
    meta.request_id = "checkpoint";
    auto sealed = es::Seal(meta, kAuditProducer, 1, version, last_hash, kStart, {envelope});
    version += 1;
    last_hash = sealed.last_hash;
    hub::v1::Checkpoint item;
    *item.mutable_checkpoint() = c;
    item.mutable_position()->set_topic(kAuditTopic);
    item.mutable_position()->set_offset(static_cast<int64_t>(checkpoints_[topic].size()));
    item.set_log_record(sealed.log_values.front());
    checkpoints_[topic].push_back(item);
  }

  // The export of `household` (or of the whole tenant when empty), built as the service builds it.
  std::vector<ExportItem> Export(const std::string& household, const crypto::Ed25519Signer& signer) const {
    std::vector<ExportItem> items;
    auto* header = items.emplace_back().mutable_header();
    header->set_format_version(1);
    header->set_tenant(kTenant);
    header->set_household_id(household);
    es::ToTimestamp(kStart + std::chrono::hours(1), header->mutable_generated_at());
    header->set_public_key(signer.public_key());
    header->set_key_id(signer.key_id());
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> tails;
    int64_t events = 0;
    for (const auto& [topic, values] : records_) {
      std::vector<uint64_t> mine;
      std::vector<hub::v1::LogRecord> records(values.size());
      std::vector<hub::v1::EventEnvelope> envelopes(values.size());
      for (size_t i = 0; i < values.size(); ++i) {
        EXPECT_TRUE(es::Unseal(values[i], &records[i], &envelopes[i]).ok());
        if (envelopes[i].tenant() == kTenant && (household.empty() || envelopes[i].household_id() == household)) {
          mine.push_back(i);
        }
      }
      // The first checkpoint covering each event, and the audit path to it.
      std::map<uint64_t, std::pair<const hub::v1::Checkpoint*, std::vector<std::string>>> proofs;
      std::vector<const hub::v1::Checkpoint*> used;
      for (const auto& checkpoint : checkpoints_.at(topic)) {
        std::vector<uint64_t> covered;
        for (uint64_t i : mine) {
          if (!proofs.contains(i) && static_cast<int64_t>(i) < checkpoint.checkpoint().up_to_offset()) {
            covered.push_back(i);
          }
        }
        if (covered.empty()) continue;
        used.push_back(&checkpoint);
        const auto leaves = Leaves(topic, checkpoint.checkpoint().leaf_count());
        auto paths = crypto::MerkleAuditPaths(leaves, covered);
        for (size_t k = 0; k < covered.size(); ++k) proofs[covered[k]] = {&checkpoint, std::move(paths[k])};
      }
      for (const auto* checkpoint : used) *items.emplace_back().mutable_checkpoint() = *checkpoint;
      for (uint64_t i : mine) {
        auto* event = items.emplace_back().mutable_event();
        event->set_topic(topic);
        event->set_offset(static_cast<int64_t>(i));
        event->set_log_record(values[i]);
        auto* proof = items.emplace_back().mutable_inclusion_proof();
        proof->set_topic(topic);
        proof->set_offset(static_cast<int64_t>(i));
        const auto& [checkpoint, path] = proofs.at(i);
        proof->set_checkpoint_up_to_offset(checkpoint->checkpoint().up_to_offset());
        proof->set_leaf_index(static_cast<int64_t>(i));
        proof->set_tree_size(checkpoint->checkpoint().leaf_count());
        for (const auto& p : path) proof->add_audit_path(p);
        tails[{topic, envelopes[i].household_id()}] = {static_cast<int64_t>(envelopes[i].stream_version()),
                                                        records[i].hash()};
        ++events;
      }
    }
    auto* trailer = items.emplace_back().mutable_trailer();
    trailer->set_events(events);
    for (const auto& [key, tail] : tails) {
      auto* t = trailer->add_streams();
      t->set_topic(key.first);
      t->set_stream(key.second);
      t->set_version(tail.first);
      t->set_last_hash(tail.second);
    }
    trailer->set_signature(signer.Sign(ExportTrailerMessage(items.front().header(), *trailer)));
    return items;
  }

 private:
  std::vector<std::string> Leaves(const std::string& topic, int64_t size) const {
    std::vector<std::string> leaves;
    for (int64_t i = 0; i < size; ++i) {
      hub::v1::LogRecord record;
      EXPECT_TRUE(record.ParseFromString(records_.at(topic)[static_cast<size_t>(i)]));
      leaves.push_back(crypto::MerkleLeafHash(record.hash()));
    }
    return leaves;
  }

  const crypto::Ed25519Signer& signer_;
  std::map<std::string, std::vector<std::string>> records_;
  std::map<std::string, std::vector<hub::v1::Checkpoint>> checkpoints_;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> streams_;
};

class ExportVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Household A's events interleaved with B's (same tenant) and C's (another tenant), on two
    // topics, with checkpoints part way and at the end, so proofs lead to different roots.
    const std::vector<std::string> intake_order = {"A", "B", "A", "C", "A", "B", "A", "C", "A", "A", "B"};
    for (const auto& h : intake_order) history_.Append(kIntake, h, h == "C" ? "GM0589" : kTenant);
    history_.Checkpoint(kIntake, 5);
    history_.Checkpoint(kIntake, 9);
    history_.Append(kIntake, "A", kTenant);
    history_.Checkpoint(kIntake, 12);
    for (const auto& h : {"B", "A", "A", "B", "A"}) history_.Append(kPlan, h, kTenant);
    history_.Checkpoint(kPlan, 5);
    household_ = history_.Export("A", signer_);
  }

  ExportSummary Verify(const std::vector<ExportItem>& items) const { return VerifyExport(items, signer_.public_key()); }

  // Indices of the event items.
  std::vector<size_t> EventItems() const {
    std::vector<size_t> out;
    for (size_t i = 0; i < household_.size(); ++i) {
      if (household_[i].has_event()) out.push_back(i);
    }
    return out;
  }

  static std::string HouseholdOf(const ExportItem& item) {
    hub::v1::LogRecord record;
    hub::v1::EventEnvelope envelope;
    EXPECT_TRUE(es::Unseal(item.event().log_record(), &record, &envelope).ok());
    return envelope.household_id();
  }

  crypto::Ed25519Signer signer_ = Signer('s');
  History history_{signer_};
  std::vector<ExportItem> household_;
};

::testing::AssertionResult FailsAt(const ExportSummary& summary, const ExportItem& event, size_t item) {
  if (summary.ok()) return ::testing::AssertionFailure() << "the export verified";
  const auto& where = summary.failure->where;
  if (where.item != item || where.topic != event.event().topic() || where.partition != event.event().partition() ||
      where.offset != event.event().offset()) {
    return ::testing::AssertionFailure() << "located elsewhere: " << summary.failure->Describe();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ExportVerifierTest, AnIntactHouseholdExportVerifies) {
  const auto summary = Verify(household_);
  ASSERT_TRUE(summary.ok()) << summary.failure->Describe();
  EXPECT_EQ(summary.events, 10);  // seven intake, three plan
  EXPECT_EQ(summary.proofs, 10);
  EXPECT_EQ(summary.streams, 2);
  EXPECT_EQ(summary.checkpoints, 4);  // intake up to 5, 9 and 12, plan up to 5
  EXPECT_TRUE(summary.warnings.empty());
}

TEST_F(ExportVerifierTest, AnIntactTenantExportVerifies) {
  const auto summary = Verify(history_.Export("", signer_));
  ASSERT_TRUE(summary.ok()) << summary.failure->Describe();
  EXPECT_EQ(summary.events, 15);  // everything but household C (another tenant)
  EXPECT_EQ(summary.streams, 4);
}

TEST_F(ExportVerifierTest, FlippingAnyByteOfAnyEventIsDetectedAndLocated) {
  int flips = 0;
  for (size_t i : EventItems()) {
    const std::string household = HouseholdOf(household_[i]);
    const size_t size = household_[i].event().log_record().size();
    for (size_t byte = 0; byte < size; ++byte) {
      for (unsigned char mask : {0x01, 0x80}) {
        auto items = household_;
        std::string& bytes = *items[i].mutable_event()->mutable_log_record();
        bytes[byte] = static_cast<char>(static_cast<unsigned char>(bytes[byte]) ^ mask);
        const auto summary = Verify(items);
        ASSERT_TRUE(FailsAt(summary, household_[i], i)) << "item " << i << " byte " << byte << " mask " << int(mask);
        // The household is named when the record still decodes: as it reads now, so a flip inside
        // the household id itself names the damaged id.
        const auto& where = summary.failure->where;
        if (!where.household_id.empty() && where.household_id != household) {
          ASSERT_EQ(where.household_id.size(), household.size()) << summary.failure->Describe();
          int differing = 0;
          for (size_t c = 0; c < household.size(); ++c) differing += where.household_id[c] != household[c] ? 1 : 0;
          EXPECT_EQ(differing, 1) << summary.failure->Describe();
        }
        ++flips;
      }
    }
  }
  EXPECT_GT(flips, 2000);
}

TEST_F(ExportVerifierTest, DroppingAnyEventIsDetectedAndLocated) {
  const auto events = EventItems();
  for (size_t k = 0; k < events.size(); ++k) {
    const size_t i = events[k];
    auto items = household_;
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(i), items.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    const auto summary = Verify(items);
    ASSERT_FALSE(summary.ok()) << "dropping item " << i;
    const auto& where = summary.failure->where;
    EXPECT_EQ(where.topic, household_[i].event().topic()) << summary.failure->Describe();
    EXPECT_EQ(where.household_id, HouseholdOf(household_[i])) << summary.failure->Describe();
    // The next event of the same stream names the gap; a stream's last event is missed by the trailer.
    const bool last_of_stream = k + 1 == events.size() || household_[events[k + 1]].event().topic() !=
                                                              household_[i].event().topic();
    if (last_of_stream) {
      EXPECT_NE(summary.failure->what.find("trailer"), std::string::npos) << summary.failure->Describe();
    } else {
      EXPECT_EQ(where.offset, household_[events[k + 1]].event().offset()) << summary.failure->Describe();
      EXPECT_NE(summary.failure->what.find("missing"), std::string::npos) << summary.failure->Describe();
    }
  }
}

TEST_F(ExportVerifierTest, DroppingAWholeStreamIsDetected) {
  std::vector<ExportItem> items;
  for (const auto& item : household_) {
    if ((item.has_event() && item.event().topic() == kPlan) ||
        (item.has_inclusion_proof() && item.inclusion_proof().topic() == kPlan)) {
      continue;
    }
    items.push_back(item);
  }
  const auto summary = Verify(items);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.failure->where.topic, kPlan);
  EXPECT_EQ(summary.failure->where.household_id, "A");
  EXPECT_NE(summary.failure->what.find("stream is missing"), std::string::npos) << summary.failure->Describe();
}

TEST_F(ExportVerifierTest, ReorderingEventsIsDetectedAndLocated) {
  const auto events = EventItems();
  for (size_t k = 0; k + 1 < events.size(); ++k) {
    const size_t a = events[k];
    const size_t b = events[k + 1];
    if (household_[a].event().topic() != household_[b].event().topic()) continue;
    auto items = household_;
    // Swap the two events together with their proofs.
    std::swap(items[a], items[b]);
    std::swap(items[a + 1], items[b + 1]);
    EXPECT_TRUE(FailsAt(Verify(items), household_[b], a)) << "swapping items " << a << " and " << b;
    // Swapping only the events (each now followed by the other's proof) is caught as well.
    auto events_only = household_;
    std::swap(events_only[a], events_only[b]);
    EXPECT_FALSE(Verify(events_only).ok());
  }
}

TEST_F(ExportVerifierTest, AnInsertedCopyOfAnEventIsDetectedAndLocated) {
  for (size_t i : EventItems()) {
    auto items = household_;
    items.insert(items.begin() + static_cast<std::ptrdiff_t>(i) + 2, {household_[i], household_[i + 1]});
    EXPECT_TRUE(FailsAt(Verify(items), household_[i], i + 2)) << "copy of item " << i;
  }
}

TEST_F(ExportVerifierTest, AnInsertedForgedEventIsDetectedAndLocated) {
  // A forger who knows the chain appends a well-linked event to household A's intake stream: the
  // chain holds, but no checkpoint covers it.
  const auto events = EventItems();
  size_t last_intake = 0;
  for (size_t i : events) {
    if (household_[i].event().topic() == kIntake) last_intake = i;
  }
  hub::v1::LogRecord last;
  hub::v1::EventEnvelope envelope;
  ASSERT_TRUE(es::Unseal(household_[last_intake].event().log_record(), &last, &envelope).ok());
  es::CommandMetadata meta;
  meta.tenant = kTenant;
  meta.household_id = "A";
  hub::v1::EventEnvelope forged;
  forged.mutable_intake()->mutable_melding_closed()->set_melding_id("forged");
  auto sealed = es::Seal(meta, "intake", 1, static_cast<int64_t>(envelope.stream_version()), last.hash(), kStart,
                         {forged});
  ExportItem event = household_[last_intake];
  event.mutable_event()->set_log_record(sealed.log_values.front());
  event.mutable_event()->set_offset(household_[last_intake].event().offset() + 100);
  ExportItem proof = household_[last_intake + 1];
  proof.mutable_inclusion_proof()->set_offset(event.event().offset());
  auto items = household_;
  const size_t at = last_intake + 2;
  items.insert(items.begin() + static_cast<std::ptrdiff_t>(at), {event, proof});
  const auto summary = Verify(items);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.failure->where.item, at);
  EXPECT_EQ(summary.failure->where.offset, event.event().offset());
  EXPECT_EQ(summary.failure->where.household_id, "A");

  // Without any proof it is caught too.
  items = household_;
  items.insert(items.begin() + static_cast<std::ptrdiff_t>(at), event);
  EXPECT_TRUE(FailsAt(Verify(items), event, at));
}

TEST_F(ExportVerifierTest, AnEventWithoutItsProofIsDetected) {
  const size_t i = EventItems().front();
  auto items = household_;
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  EXPECT_TRUE(FailsAt(Verify(items), household_[i], i));
}

TEST_F(ExportVerifierTest, ADamagedProofIsDetected) {
  const size_t i = EventItems()[2];
  auto items = household_;
  auto* path = items[i + 1].mutable_inclusion_proof()->mutable_audit_path(0);
  (*path)[3] = static_cast<char>((*path)[3] ^ 0x10);
  const auto summary = Verify(items);
  ASSERT_TRUE(FailsAt(summary, household_[i], i)) << summary.failure->Describe();
  EXPECT_NE(summary.failure->what.find("not under the signed root"), std::string::npos);
}

TEST_F(ExportVerifierTest, ACheckpointSignedWithAnotherKeyOrChangedIsRefused) {
  // Re-signed by someone else: refused against the trusted key.
  const auto other = Signer('o');
  History forged(other);
  for (const auto& h : {"A", "A"}) forged.Append(kIntake, h, kTenant);
  forged.Checkpoint(kIntake, 2);
  for (const auto& h : {"A"}) forged.Append(kPlan, h, kTenant);
  forged.Checkpoint(kPlan, 1);
  auto foreign = forged.Export("A", other);
  auto summary = VerifyExport(foreign, signer_.public_key());
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.failure->what.find("signature"), std::string::npos) << summary.failure->Describe();
  EXPECT_FALSE(summary.warnings.empty());  // the export names another key

  // A changed root no longer matches its signature (or its own log record).
  for (size_t i = 0; i < household_.size(); ++i) {
    if (!household_[i].has_checkpoint()) continue;
    auto items = household_;
    auto* root = items[i].mutable_checkpoint()->mutable_checkpoint()->mutable_root();
    (*root)[0] = static_cast<char>((*root)[0] ^ 1);
    summary = Verify(items);
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.failure->where.item, i);
  }
}

TEST_F(ExportVerifierTest, WithoutATrustedKeyTheExportsOwnKeyIsUsedWithAWarning) {
  const auto summary = VerifyExport(household_, "");
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary.warnings.size(), 1u);
  EXPECT_NE(summary.warnings[0].find("no trusted public key"), std::string::npos);
}

TEST_F(ExportVerifierTest, TruncationAndAChangedTrailerAreDetected) {
  auto items = household_;
  items.pop_back();
  auto summary = Verify(items);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.failure->what.find("truncated"), std::string::npos);

  items = household_;
  items.back().mutable_trailer()->set_events(8);
  summary = Verify(items);
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.failure->what.find("trailer's signature"), std::string::npos);

  items = household_;
  items.push_back(household_[EventItems().front()]);
  EXPECT_FALSE(Verify(items).ok());

  EXPECT_FALSE(Verify({}).ok());
}

TEST_F(ExportVerifierTest, AnEventOfAnotherHouseholdIsRefused) {
  const auto tenant = history_.Export("", signer_);
  size_t other = 0;
  for (size_t i = 0; i < tenant.size(); ++i) {
    if (tenant[i].has_event() && HouseholdOf(tenant[i]) == "B") other = i;
  }
  auto items = household_;
  items.insert(items.end() - 1, {tenant[other], tenant[other + 1]});
  const auto summary = Verify(items);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.failure->where.household_id, "B");
}

TEST_F(ExportVerifierTest, FilesRoundTripAndTruncatedFilesAreDataLoss) {
  std::stringstream file;
  for (const auto& item : household_) ASSERT_TRUE(WriteExportItem(item, file));
  const std::string bytes = file.str();
  std::istringstream in(bytes);
  ExportVerifier verifier(signer_.public_key());
  size_t n = 0;
  ASSERT_TRUE(ReadExportItems(in, [&](const ExportItem& item) {
                ++n;
                return verifier.Add(item);
              }).ok());
  EXPECT_EQ(n, household_.size());
  EXPECT_TRUE(verifier.Finish().ok());

  std::istringstream cut(bytes.substr(0, bytes.size() - 5));
  const auto status = ReadExportItems(cut, [](const ExportItem&) { return true; });
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hub::audit

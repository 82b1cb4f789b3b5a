#include "common/service/access_writer.h"

#include "common/domain/uuid.h"
#include "common/es/envelope.h"
#include "common/es/enveloped_decider.h"
#include "fmt/format.h"

namespace hub::service {

std::string LogAccessWriter::Topic() { return es::TopicFor(kProducer); }

absl::StatusOr<std::unique_ptr<LogAccessWriter>> LogAccessWriter::Open(log::EventLog* log, const es::Clock* clock,
                                                                        std::string resource, int32_t partitions) {
  if (auto s = log->CreateTopic(Topic(), partitions); !s.ok()) return s;
  return std::unique_ptr<LogAccessWriter>(
      new LogAccessWriter(log, clock, resource, fmt::format("{}-{}", resource, domain::NewUuidV7())));
}

absl::Status LogAccessWriter::Write(hub::v1::AccessRecorded record) {
  auto mine = std::make_shared<Pending>();
  mine->record = std::move(record);
  std::unique_lock lock(mu_);
  queue_.push_back(mine);
  // Wait while another caller leads; its batch may include this record.
  cv_.wait(lock, [&] { return mine->done || !leading_; });
  if (mine->done) return mine->status;
  leading_ = true;
  while (!mine->done) {
    std::vector<std::shared_ptr<Pending>> batch(queue_.begin(), queue_.end());
    queue_.clear();
    lock.unlock();
    const absl::Status status = AppendBatch(batch);
    lock.lock();
    for (auto& p : batch) {
      p->status = status;
      p->done = true;
    }
  }
  leading_ = false;
  cv_.notify_all();
  return mine->status;
}

absl::Status LogAccessWriter::AppendBatch(const std::vector<std::shared_ptr<Pending>>& batch) {
  if (batch.empty()) return absl::OkStatus();
  es::CommandMetadata meta;
  meta.tenant = batch.front()->record.tenant();
  meta.household_id = stream_;
  meta.actor.set_organisation_id("hub");
  meta.actor.set_role("access-log");
  meta.trace_id = batch.front()->record.trace_id();
  std::vector<hub::v1::EventEnvelope> envelopes(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) *envelopes[i].mutable_access()->mutable_recorded() = batch[i]->record;
  es::SealedBatch sealed =
      es::Seal(meta, kProducer, 1, version_, last_hash_, clock_->Now(), std::move(envelopes));
  auto appended = log_->Append({Topic(), stream_, version_, std::move(sealed.log_values)});
  if (!appended.ok()) {
    // Part of the batch may have landed (a Kafka delivery can fail half way), so this stream's head
    // is unknown: continue in a fresh stream. The failed records are refused, so their calls fail.
    std::lock_guard lock(mu_);
    stream_ = fmt::format("{}-{}", resource_, domain::NewUuidV7());
    version_ = 0;
    last_hash_.clear();
    return appended.status();
  }
  version_ = appended->stream_version;
  last_hash_ = sealed.last_hash;
  return absl::OkStatus();
}

}  // namespace hub::service

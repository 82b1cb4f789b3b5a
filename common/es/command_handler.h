// CommandHandler: runs one command of an EnvelopedDecider against the log, exactly once.
//
//   1. catch the service's projections up with everything durable when the command arrived;
//   2. if the caller's (tenant, organisation, request_id) was seen before, return that first outcome and
//      append nothing (idempotency, derived from the events, so it survives restarts);
//   3. load the household's state, check the caller's expected_version (ABORTED on mismatch);
//   4. decide; a rejection becomes its status and nothing is written;
//   5. seal the events into the hash chain and append them with the loaded version as expected
//      version; a concurrent writer makes the append conflict and the handler starts again at 1;
//   6. wait until the projections have applied the new events, so the next command (and a read by
//      the same caller) sees them.
// Commands on one household are serialised in-process by a striped lock, which keeps conflicts
// rare; the expected-version check on the log is what makes it correct. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/es/aggregate_projection.h"
#include "common/es/clock.h"
#include "common/es/envelope.h"
#include "common/es/projection_runner.h"
#include "common/es/request_index.h"
#include "common/log/event_log.h"
#include "common/status/status.h"

namespace hub::es {

struct CommandContext {
  CommandMetadata metadata;  // tenant, household_id, actor, request_id, trace ids, valid time
  // The caller's optimistic-concurrency guard: the stream version it decided on.
  std::optional<int64_t> expected_version;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
};

struct CommandOutcome {
  std::string household_id;
  int64_t stream_version = 0;                  // after the command
  std::vector<hub::v1::EventEnvelope> events;  // what the command appended (or first appended)
  std::optional<log::Position> last_position;  // of the last event; pass on as min_positions
  bool replayed = false;                       // true: a retry, answered with the first outcome
};

template <EnvelopedDecider D>
class CommandHandler {
 public:
  using Aggregates = AggregateProjection<D>;

  // None of the arguments is owned; all must outlive the handler. `runner` must apply both
  // `aggregates` and `requests` and follow TopicFor(D::kProducer).
  CommandHandler(log::EventLog* log, ProjectionRunner* runner, const Aggregates* aggregates,
                 const RequestIndex* requests, const Clock* clock)
      : log_(log), runner_(runner), aggregates_(aggregates), requests_(requests), clock_(clock),
        topic_(TopicFor(D::kProducer)) {}

  absl::StatusOr<CommandOutcome> Execute(const CommandContext& context, const typename D::Command& command) {
    const auto& meta = context.metadata;
    if (meta.household_id.empty()) return absl::InvalidArgumentError("household_id: must not be empty");
    if (meta.request_id.empty()) return absl::InvalidArgumentError("request_id: must not be empty");
    std::lock_guard household_lock(LockFor(meta.household_id));
    constexpr int kMaxAttempts = 8;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      if (auto s = runner_->CatchUp(context.deadline); !s.ok()) return Unavailable(s);

      auto seen = requests_->Find(meta.tenant, meta.actor.organisation_id(), meta.request_id);
      if (!seen.ok()) return seen.status();
      if (seen->has_value()) return Replay(**seen);

      auto loaded = aggregates_->Load(meta.household_id);
      if (!loaded.ok()) return loaded.status();
      if (loaded->version > 0 && loaded->tenant != meta.tenant) {
        // Another tenant's household: indistinguishable from one that does not exist.
        return absl::NotFoundError("household_id: no such household for this tenant");
      }
      if (context.expected_version && *context.expected_version != loaded->version) {
        return VersionConflictError(fmt::format("expected_version: household is at version {}, not {}",
                                                loaded->version, *context.expected_version));
      }

      Decision<typename D::Event> decision = D::Decide(command, loaded->state);
      if (!decision.accepted()) return ToStatus(decision.rejection());
      CommandOutcome outcome;
      outcome.household_id = meta.household_id;
      outcome.stream_version = loaded->version;
      if (decision.events().empty()) return outcome;

      std::vector<hub::v1::EventEnvelope> envelopes(decision.events().size());
      for (size_t i = 0; i < envelopes.size(); ++i) D::PutEvent(decision.events()[i], &envelopes[i]);
      SealedBatch sealed = Seal(meta, D::kProducer, D::kSchemaVersion, loaded->version, loaded->last_hash,
                                clock_->Now(), std::move(envelopes));

      auto appended = log_->Append({topic_, meta.household_id, loaded->version, std::move(sealed.log_values)});
      if (IsVersionConflict(appended.status())) continue;  // someone else wrote: decide again
      if (!appended.ok()) return appended.status();

      outcome.stream_version = appended->stream_version;
      outcome.events = std::move(sealed.envelopes);
      outcome.last_position = appended->last_position();
      // The append is durable whatever happens next; waiting only makes the next command see it.
      if (auto s = runner_->WaitFor({*outcome.last_position}, context.deadline); !s.ok()) {
        if (!runner_->health().ok()) return runner_->health();
      }
      return outcome;
    }
    return absl::AbortedError("household is being changed concurrently; retry with the same request_id");
  }

  // The first outcome of (organisation, request_id) if that request was handled before. Adapters
  // that must do work before Execute (create keys, look up households) call this first, so that a
  // retry does none of that work again.
  absl::StatusOr<std::optional<CommandOutcome>> FindFirstOutcome(std::string_view tenant,
                                                                 std::string_view organisation_id,
                                                                 std::string_view request_id,
                                                                 std::chrono::steady_clock::time_point deadline) {
    if (auto s = runner_->CatchUp(deadline); !s.ok()) return Unavailable(s);
    auto seen = requests_->Find(tenant, organisation_id, request_id);
    if (!seen.ok()) return seen.status();
    if (!seen->has_value()) return std::optional<CommandOutcome>();
    auto replayed = Replay(**seen);
    if (!replayed.ok()) return replayed.status();
    return std::optional<CommandOutcome>(std::move(*replayed));
  }

  // The household's state as the command side knows it, after catching up with the log.
  absl::StatusOr<typename Aggregates::Loaded> Load(std::string_view household_id,
                                                   std::chrono::steady_clock::time_point deadline) {
    if (auto s = runner_->CatchUp(deadline); !s.ok()) return Unavailable(s);
    return aggregates_->Load(household_id);
  }

 private:
  static absl::Status Unavailable(const absl::Status& s) {
    if (s.code() == absl::StatusCode::kDeadlineExceeded) {
      return absl::UnavailableError(fmt::format("projections are catching up: {}", std::string(s.message())));
    }
    return s;
  }

  absl::StatusOr<CommandOutcome> Replay(const hub::v1::RequestOutcome& first) {
    CommandOutcome outcome;
    outcome.household_id = first.household_id();
    outcome.stream_version = static_cast<int64_t>(first.last_version());
    outcome.replayed = true;
    outcome.last_position = log::Position{first.topic(), first.partition(), first.last_offset()};
    std::vector<log::Record> records;
    const auto count = static_cast<size_t>(first.last_offset() - first.first_offset() + 1);
    if (auto s = log_->Read({first.topic(), first.partition()}, first.first_offset(), count, &records); !s.ok()) {
      return s;
    }
    hub::v1::LogRecord record;
    for (const auto& r : records) {
      hub::v1::EventEnvelope envelope;
      if (auto s = Unseal(r.value, &record, &envelope); !s.ok()) return s;
      // The range holds exactly this command's batch; checking keeps a damaged index harmless.
      if (r.key == first.household_id() && envelope.stream_version() >= first.first_version() &&
          envelope.stream_version() <= first.last_version()) {
        outcome.events.push_back(std::move(envelope));
      }
    }
    return outcome;
  }

  std::mutex& LockFor(std::string_view household_id) {
    return locks_[std::hash<std::string_view>{}(household_id) % locks_.size()];
  }

  log::EventLog* log_;
  ProjectionRunner* runner_;
  const Aggregates* aggregates_;
  const RequestIndex* requests_;
  const Clock* clock_;
  std::string topic_;
  std::array<std::mutex, 256> locks_;
};

}  // namespace hub::es

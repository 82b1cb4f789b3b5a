// Test helpers for the report facts and the policy reports: events of one household, as the
// services would have logged them, with chosen valid and record times.
#pragma once

#include <string>
#include <vector>

#include "common/domain/calendar.h"
#include "google/protobuf/util/time_util.h"
#include "hub/v1/envelope.pb.h"
#include "services/audit/report_facts.h"

namespace hub::audit::testing {

// Nanoseconds of noon UTC on a civil date, e.g. At("2026-03-02").
inline int64_t At(const std::string& day) {
  google::protobuf::Timestamp t;
  google::protobuf::util::TimeUtil::FromString(day + "T12:00:00Z", &t);
  return google::protobuf::util::TimeUtil::TimestampToNanoseconds(t);
}

// Builds one household's history event by event and folds it into report facts.
class Household {
 public:
  explicit Household(std::string id = "hh-1") : id_(std::move(id)) {}

  // The next event takes effect on `valid_day` and is recorded on `recorded_day` (the same day
  // when empty).
  hub::v1::EventEnvelope& Next(const std::string& valid_day, const std::string& recorded_day = "") {
    auto& e = events_.emplace_back();
    e.set_tenant("GM0632");
    e.set_household_id(id_);
    *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(At(valid_day));
    *e.mutable_recorded_at() =
        google::protobuf::util::TimeUtil::NanosecondsToTimestamp(At(recorded_day.empty() ? valid_day : recorded_day));
    return e;
  }

  HouseholdReportFacts Facts() const {
    HouseholdReportFacts facts;
    const domain::WorkingDayCalendar calendar;
    for (const auto& e : events_) FoldReportFacts(e, calendar, facts);
    return facts;
  }

 private:
  std::string id_;
  std::vector<hub::v1::EventEnvelope> events_;
};

}  // namespace hub::audit::testing

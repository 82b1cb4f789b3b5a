#include "services/referral/projection.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/es/enveloped_decider.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/referral/decider.h"

namespace hub::referral {
namespace {

constexpr char kSep = '\x1f';  // unit separator: never part of a code, date or id

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out.push_back(kSep);
    out.append(p);
  }
  return out;
}

std::string PartyKey(const ReferralSummaryRecord& s, bool receiver) {
  return Join({s.tenant(), receiver ? s.receiver_organisation_id() : s.sender_organisation_id(),
               receiver ? "R" : "S", s.referral_id()});
}

}  // namespace

hub::v1::ReferralStatus SummaryStatusOn(const ReferralSummaryRecord& summary, domain::Date today) {
  if (summary.status() == hub::v1::REFERRAL_STATUS_REQUESTED && summary.answer_due() < today.ToString()) {
    return hub::v1::REFERRAL_STATUS_EXPIRED;
  }
  return summary.status();
}

bool SummaryOverdue(const ReferralSummaryRecord& summary, domain::Date today) {
  return summary.status() == hub::v1::REFERRAL_STATUS_HANDOVER_MEETING && summary.meeting_on() < today.ToString();
}

std::vector<std::string> ReferralIndex::Families() const {
  return {"referral_summaries", "referral_parties", "referral_unanswered"};
}

void ReferralIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  summaries_ = families.at(0);
  parties_ = families.at(1);
  unanswered_ = families.at(2);
}

absl::StatusOr<std::optional<ReferralSummaryRecord>> ReferralIndex::Load(es::ProjectionWriter& writer,
                                                                         const std::string& referral_id) const {
  auto stored = writer.Get(summaries_, referral_id);
  if (!stored.ok()) {
    if (stored.status().code() == absl::StatusCode::kNotFound) return std::optional<ReferralSummaryRecord>();
    return stored.status();
  }
  ReferralSummaryRecord summary;
  if (!summary.ParseFromString(*stored)) return absl::DataLossError("undecodable referral summary");
  return std::optional<ReferralSummaryRecord>(std::move(summary));
}

absl::Status ReferralIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& envelope = event.envelope;
  if (event.record.topic != es::TopicFor(ReferralDecider::kProducer) || !envelope.has_referral()) {
    return absl::OkStatus();
  }
  const auto& e = envelope.referral();
  if (e.has_referral_requested()) {
    const auto& r = e.referral_requested();
    ReferralSummaryRecord s;
    s.set_tenant(envelope.tenant());
    s.set_household_id(envelope.household_id());
    s.set_referral_id(r.referral_id());
    s.set_person_id(r.person_id());
    s.set_sender_organisation_id(r.sender_organisation_id());
    s.set_receiver_organisation_id(r.receiver_organisation_id());
    s.set_receiver_kind(r.receiver_kind());
    s.set_status(hub::v1::REFERRAL_STATUS_REQUESTED);
    s.set_requested_on(r.requested_on());
    s.set_answer_due(r.answer_due());
    s.set_requested_event_id(envelope.event_id());
    *s.mutable_requested_at() = envelope.recorded_at();
    writer.Put(summaries_, r.referral_id(), es::SerializeDeterministic(s));
    writer.Put(parties_, PartyKey(s, false), "");
    writer.Put(parties_, PartyKey(s, true), "");
    writer.Put(unanswered_, Join({r.answer_due(), r.referral_id()}), "");
    return absl::OkStatus();
  }
  std::string referral_id;
  switch (e.event_case()) {
    case hub::v1::ReferralEvent::kReferralAccepted: referral_id = e.referral_accepted().referral_id(); break;
    case hub::v1::ReferralEvent::kReferralDeclined: referral_id = e.referral_declined().referral_id(); break;
    case hub::v1::ReferralEvent::kReferralExpired: referral_id = e.referral_expired().referral_id(); break;
    case hub::v1::ReferralEvent::kHandoverMeetingScheduled:
      referral_id = e.handover_meeting_scheduled().referral_id();
      break;
    case hub::v1::ReferralEvent::kHandoverCompleted: referral_id = e.handover_completed().referral_id(); break;
    case hub::v1::ReferralEvent::kReferralWithdrawn: referral_id = e.referral_withdrawn().referral_id(); break;
    default: return absl::OkStatus();
  }
  auto loaded = Load(writer, referral_id);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->has_value()) return absl::DataLossError("referral event for a referral never requested");
  ReferralSummaryRecord& s = **loaded;
  // Any answer or closing takes the referral out of the expiry sweep.
  writer.Delete(unanswered_, Join({s.answer_due(), s.referral_id()}));
  switch (e.event_case()) {
    case hub::v1::ReferralEvent::kReferralAccepted:
      s.set_status(hub::v1::REFERRAL_STATUS_ACCEPTED);
      break;
    case hub::v1::ReferralEvent::kReferralDeclined:
      s.set_status(hub::v1::REFERRAL_STATUS_DECLINED);
      s.set_closed_on(e.referral_declined().declined_on());
      break;
    case hub::v1::ReferralEvent::kReferralExpired:
      s.set_status(hub::v1::REFERRAL_STATUS_EXPIRED);
      s.set_closed_on(e.referral_expired().expired_on());
      break;
    case hub::v1::ReferralEvent::kHandoverMeetingScheduled:
      s.set_status(hub::v1::REFERRAL_STATUS_HANDOVER_MEETING);
      s.set_meeting_on(e.handover_meeting_scheduled().meeting_on());
      break;
    case hub::v1::ReferralEvent::kHandoverCompleted:
      s.set_status(hub::v1::REFERRAL_STATUS_COMPLETED);
      s.set_closed_on(e.handover_completed().completed_on());
      break;
    case hub::v1::ReferralEvent::kReferralWithdrawn:
      s.set_status(hub::v1::REFERRAL_STATUS_WITHDRAWN);
      s.set_closed_on(e.referral_withdrawn().withdrawn_on());
      break;
    default:
      break;
  }
  writer.Put(summaries_, referral_id, es::SerializeDeterministic(s));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ReferralSummaryRecord>> ReferralIndex::Find(std::string_view referral_id) const {
  std::string value;
  auto s = db_->Get({}, summaries_, rocksdb::Slice(referral_id.data(), referral_id.size()), &value);
  if (s.IsNotFound()) return std::optional<ReferralSummaryRecord>();
  if (!s.ok()) return store::ToStatus(s, "referral summary");
  ReferralSummaryRecord summary;
  if (!summary.ParseFromString(value)) return absl::DataLossError("undecodable referral summary");
  return std::optional<ReferralSummaryRecord>(std::move(summary));
}

absl::StatusOr<ReferralPage> ReferralIndex::List(const ReferralQuery& query) const {
  ReferralPage page;
  const int limit = query.page_size <= 0 ? 50 : std::min(query.page_size, 500);
  const std::string prefix = Join({query.tenant, query.organisation_id, query.as_receiver ? "R" : "S"}) + kSep;
  std::string resume;
  if (!query.page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(query.page_token, &resume) || !resume.starts_with(prefix)) {
      return absl::InvalidArgumentError("page.page_token: not a token from this list");
    }
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, parties_));
  // The inbox in key order (referral ids are UUIDv7: oldest request, so oldest answer_due, first);
  // what was sent newest request first, so backwards from the end of the prefix.
  const bool newest_first = !query.as_receiver;
  if (!newest_first) {
    it->Seek(resume.empty() ? prefix : resume);
  } else if (!resume.empty()) {
    it->SeekForPrev(resume);
  } else {
    std::string end = prefix;
    end.back() = static_cast<char>(kSep + 1);  // after every key that starts with prefix
    it->SeekForPrev(end);
  }
  std::string last_key;
  for (; it->Valid() && it->key().starts_with(prefix); newest_first ? it->Prev() : it->Next()) {
    const std::string key = it->key().ToString();
    if (key == resume) continue;
    const std::string referral_id = key.substr(prefix.size());
    std::string value;
    auto s = db_->Get({}, summaries_, referral_id, &value);
    if (!s.ok()) return store::ToStatus(s, "referral summary");
    ReferralSummaryRecord summary;
    if (!summary.ParseFromString(value)) return absl::DataLossError("undecodable referral summary");
    if (query.status && SummaryStatusOn(summary, query.today) != *query.status) continue;
    if (query.overdue && !SummaryOverdue(summary, query.today)) continue;
    if (static_cast<int>(page.referrals.size()) == limit) {
      page.next_page_token = absl::WebSafeBase64Escape(last_key);
      return page;
    }
    page.referrals.push_back(std::move(summary));
    last_key = key;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list referrals");
  return page;
}

absl::StatusOr<std::vector<ReferralSummaryRecord>> ReferralIndex::DueForExpiry(domain::Date today,
                                                                               size_t limit) const {
  std::vector<ReferralSummaryRecord> due;
  const std::string today_s = today.ToString();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, unanswered_));
  for (it->SeekToFirst(); it->Valid() && due.size() < limit; it->Next()) {
    const std::string key = it->key().ToString();
    const size_t sep = key.find(kSep);
    if (sep == std::string::npos) return absl::DataLossError("undecodable unanswered-referral key");
    if (key.substr(0, sep) >= today_s) break;  // ordered by answer_due: the rest is not due yet
    std::string value;
    auto s = db_->Get({}, summaries_, key.substr(sep + 1), &value);
    if (!s.ok()) return store::ToStatus(s, "referral summary");
    ReferralSummaryRecord summary;
    if (!summary.ParseFromString(value)) return absl::DataLossError("undecodable referral summary");
    due.push_back(std::move(summary));
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "referrals due for expiry");
  return due;
}

absl::StatusOr<std::map<std::string, ReferralCounts>> ReferralIndex::Count(domain::Date today) const {
  std::map<std::string, ReferralCounts> counts;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, summaries_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ReferralSummaryRecord summary;
    if (!summary.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable referral summary");
    }
    counts[summary.tenant()].by_status_and_kind[{SummaryStatusOn(summary, today), summary.receiver_kind()}]++;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "count referrals");
  return counts;
}

}  // namespace hub::referral

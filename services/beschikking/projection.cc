#include "services/beschikking/projection.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/es/enveloped_decider.h"
#include "common/store/store.h"
#include "rocksdb/db.h"
#include "services/beschikking/decider.h"

namespace hub::beschikking {
namespace {

constexpr char kSep = '\x1f';  // unit separator: never part of a tenant code or an id

std::string RowKey(std::string_view tenant, std::string_view household_id) {
  std::string key(tenant);
  key.push_back(kSep);
  key.append(household_id);
  return key;
}

std::string NumberKey(std::string_view tenant, hub::v1::Law law, std::string_view number) {
  std::string key(tenant);
  key.push_back(kSep);
  key.append(std::to_string(static_cast<int>(law)));
  key.push_back(kSep);
  key.append(number);
  return key;
}

domain::Date DateOf(const std::string& iso) {
  auto date = domain::Date::Parse(iso);
  return date.ok() ? *date : domain::Date();
}

void AddVersion(ToewijzingRecord& t, const hub::v1::EventEnvelope& envelope, std::string change, int32_t volume,
                const std::string& product_code, hub::v1::RedenWijziging reden) {
  ToewijzingVersionRecord* v = t.add_versions();
  v->set_version(t.versions_size());
  v->set_change(std::move(change));
  v->set_ingangsdatum(t.ingangsdatum());
  v->set_einddatum(t.einddatum());
  v->set_volume(volume);
  v->set_product_code(product_code);
  v->set_reden_wijziging(reden);
  *v->mutable_occurred_at() = envelope.occurred_at();
  *v->mutable_recorded_at() = envelope.recorded_at();
  v->set_event_id(envelope.event_id());
}

// Folds one beschikking event into the household's summary.
void Fold(const hub::v1::EventEnvelope& envelope, BeschikkingSummaryRecord& s) {
  const hub::v1::BeschikkingEvent& event = envelope.beschikking();
  switch (event.event_case()) {
    case hub::v1::BeschikkingEvent::kAanvraagSubmitted: {
      const auto& e = event.aanvraag_submitted();
      auto& open = (*s.mutable_open_aanvragen())[e.aanvraag_id()];
      open.set_law(e.law());
      open.set_submitted_on(e.submitted_on());
      open.set_decision_due(e.decision_due());
      break;
    }
    case hub::v1::BeschikkingEvent::kBeschikkingIssued: {
      const auto& e = event.beschikking_issued();
      auto& b = (*s.mutable_beschikkingen())[e.beschikking_id()];
      b.set_law(e.law());
      b.set_outcome(e.outcome());
      b.set_origin(e.origin());
      if (!e.aanvraag_id().empty()) s.mutable_open_aanvragen()->erase(e.aanvraag_id());
      break;
    }
    case hub::v1::BeschikkingEvent::kToewijzingIssued: {
      const auto& e = event.toewijzing_issued();
      auto& t = (*s.mutable_toewijzingen())[e.toewijzing_id()];
      t.set_law(e.law());
      t.set_ingangsdatum(e.ingangsdatum());
      t.set_einddatum(e.einddatum());
      t.set_provider_agb_code(e.provider_agb_code());
      t.set_start_reported(e.delivery_running());
      AddVersion(t, envelope, "ISSUED", e.volume(), e.product_code(), e.reden_wijziging());
      break;
    }
    case hub::v1::BeschikkingEvent::kToewijzingEnded: {
      const auto& e = event.toewijzing_ended();
      auto it = s.mutable_toewijzingen()->find(e.toewijzing_id());
      if (it == s.mutable_toewijzingen()->end()) break;
      ToewijzingRecord& t = it->second;
      t.set_einddatum(e.einddatum());
      const auto& first = t.versions(0);
      AddVersion(t, envelope, "ENDED", first.volume(), first.product_code(), e.reden_wijziging());
      break;
    }
    case hub::v1::BeschikkingEvent::kToewijzingCorrected: {
      const auto& e = event.toewijzing_corrected();
      auto it = s.mutable_toewijzingen()->find(e.toewijzing_id());
      if (it == s.mutable_toewijzingen()->end()) break;
      ToewijzingRecord& t = it->second;
      t.set_ingangsdatum(e.ingangsdatum());
      t.set_einddatum(e.einddatum());
      t.set_removed(e.reden_wijziging() == hub::v1::REDEN_WIJZIGING_VERWIJDERD);
      const auto& first = t.versions(0);
      AddVersion(t, envelope, "CORRECTED", first.volume(), first.product_code(), e.reden_wijziging());
      break;
    }
    case hub::v1::BeschikkingEvent::kStartZorgReported: {
      auto it = s.mutable_toewijzingen()->find(event.start_zorg_reported().toewijzing_id());
      if (it != s.mutable_toewijzingen()->end() && !it->second.start_reported()) {
        it->second.set_start_reported(true);
        it->second.set_start_late(!event.start_zorg_reported().on_time());
      }
      break;
    }
    case hub::v1::BeschikkingEvent::kToewijzingRequested: {
      const auto& e = event.toewijzing_requested();
      auto& r = (*s.mutable_open_requests())[e.request_id()];
      r.set_kind(hub::v1::PROVIDER_REQUEST_KIND_TOEWIJZING);
      r.set_law(e.law());
      r.set_requested_on(e.requested_on());
      r.set_answer_due(e.answer_due());
      r.set_provider_agb_code(e.provider_agb_code());
      break;
    }
    case hub::v1::BeschikkingEvent::kWijzigingRequested: {
      const auto& e = event.wijziging_requested();
      auto& r = (*s.mutable_open_requests())[e.request_id()];
      r.set_kind(hub::v1::PROVIDER_REQUEST_KIND_WIJZIGING);
      auto t = s.toewijzingen().find(e.toewijzing_id());
      r.set_law(t == s.toewijzingen().end() ? hub::v1::LAW_UNSPECIFIED : t->second.law());
      r.set_requested_on(e.requested_on());
      r.set_answer_due(e.answer_due());
      r.set_provider_agb_code(e.provider_agb_code());
      break;
    }
    case hub::v1::BeschikkingEvent::kRequestAnswered:
      s.mutable_open_requests()->erase(event.request_answered().request_id());
      break;
    case hub::v1::BeschikkingEvent::kBezwaarFiled: {
      const auto& e = event.bezwaar_filed();
      auto& b = (*s.mutable_open_bezwaren())[e.bezwaar_id()];
      auto contested = s.beschikkingen().find(e.beschikking_id());
      b.set_law(contested == s.beschikkingen().end() ? hub::v1::LAW_UNSPECIFIED : contested->second.law());
      b.set_filed_on(e.filed_on());
      b.set_decision_due(e.decision_due());
      break;
    }
    case hub::v1::BeschikkingEvent::kBezwaarDecided:
      s.mutable_open_bezwaren()->erase(event.bezwaar_decided().bezwaar_id());
      break;
    default:
      break;  // a stop changes no deadline or count
  }
}

}  // namespace

std::string_view DeadlineKindName(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kBeschikking: return "BESCHIKKING";
    case DeadlineKind::kStartMessage: return "START_MESSAGE";
    case DeadlineKind::kRequestAnswer: return "REQUEST_ANSWER";
    case DeadlineKind::kBezwaarDecision: return "BEZWAAR_DECISION";
  }
  return "UNKNOWN";
}

std::string_view DeadlineStateName(domain::DeadlineState state) {
  switch (state) {
    case domain::DeadlineState::kOnTime: return "ON_TIME";
    case domain::DeadlineState::kDueSoon: return "DUE_SOON";
    case domain::DeadlineState::kOverdue: return "OVERDUE";
  }
  return "UNKNOWN";
}

std::vector<DeadlineEntry> DeadlinesOf(const std::string& household_id, const BeschikkingSummaryRecord& summary,
                                       domain::Date today, int due_soon_working_days) {
  std::vector<DeadlineEntry> out;
  auto add = [&](DeadlineKind kind, const std::string& subject, hub::v1::Law law, domain::Date due,
                 const std::string& provider) {
    out.push_back({kind, household_id, subject, law, due,
                   domain::Classify(Calendar(), due, today, due_soon_working_days), provider});
  };
  for (const auto& [id, a] : summary.open_aanvragen()) {
    add(DeadlineKind::kBeschikking, id, a.law(), DateOf(a.decision_due()), "");
  }
  const std::string today_s = today.ToString();
  for (const auto& [id, t] : summary.toewijzingen()) {
    if (t.removed() || t.start_reported() || !(t.ingangsdatum() < today_s)) continue;
    add(DeadlineKind::kStartMessage, id, t.law(),
        domain::AddWorkingDays(Calendar(), DateOf(t.ingangsdatum()), kMessageWorkingDays), t.provider_agb_code());
  }
  for (const auto& [id, r] : summary.open_requests()) {
    add(DeadlineKind::kRequestAnswer, id, r.law(), DateOf(r.answer_due()), r.provider_agb_code());
  }
  for (const auto& [id, b] : summary.open_bezwaren()) {
    add(DeadlineKind::kBezwaarDecision, id, b.law(), DateOf(b.decision_due()), "");
  }
  std::stable_sort(out.begin(), out.end(), [](const DeadlineEntry& a, const DeadlineEntry& b) {
    if (a.due != b.due) return a.due < b.due;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.subject_id < b.subject_id;
  });
  return out;
}

void BeschikkingIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  summaries_ = families.at(0);
  numbers_ = families.at(1);
  batch_.clear();
}

absl::Status BeschikkingIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& envelope = event.envelope;
  if (event.record.topic != es::TopicFor(BeschikkingDecider::kProducer) || !envelope.has_beschikking()) {
    return absl::OkStatus();
  }
  const std::string key = RowKey(envelope.tenant(), envelope.household_id());
  auto [it, inserted] = batch_.try_emplace(key);
  if (inserted) {
    auto stored = writer.Get(summaries_, key);
    if (stored.ok()) {
      if (!it->second.ParseFromString(*stored)) return absl::DataLossError("undecodable beschikking summary");
    } else if (stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
  }
  Fold(envelope, it->second);
  if (envelope.beschikking().has_toewijzing_issued()) {
    const auto& t = envelope.beschikking().toewijzing_issued();
    writer.Put(numbers_, NumberKey(envelope.tenant(), t.law(), t.toewijzingnummer()), envelope.household_id());
  }
  return absl::OkStatus();
}

absl::Status BeschikkingIndex::Flush(es::ProjectionWriter& writer) {
  for (const auto& [key, summary] : batch_) writer.Put(summaries_, key, es::SerializeDeterministic(summary));
  batch_.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<BeschikkingSummaryRecord>> BeschikkingIndex::Summary(std::string_view tenant,
                                                                                  std::string_view household_id) const {
  std::string value;
  auto s = db_->Get({}, summaries_, RowKey(tenant, household_id), &value);
  if (s.IsNotFound()) return std::optional<BeschikkingSummaryRecord>();
  if (!s.ok()) return store::ToStatus(s, "beschikking summary");
  BeschikkingSummaryRecord summary;
  if (!summary.ParseFromString(value)) return absl::DataLossError("undecodable beschikking summary");
  return std::optional<BeschikkingSummaryRecord>(std::move(summary));
}

absl::StatusOr<bool> BeschikkingIndex::NumberInUse(std::string_view tenant, hub::v1::Law law,
                                                   std::string_view number) const {
  std::string value;
  auto s = db_->Get({}, numbers_, NumberKey(tenant, law, number), &value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return store::ToStatus(s, "toewijzingnummer");
  return true;
}

absl::StatusOr<DeadlinePage> BeschikkingIndex::ListDeadlines(const DeadlineQuery& query) const {
  DeadlinePage page;
  const size_t limit = static_cast<size_t>(query.page_size <= 0 ? kDefaultPageSize : std::min(query.page_size, kMaxPageSize));
  const std::string prefix = query.tenant + kSep;
  std::string resume;
  if (!query.page_token.empty()) {
    if (!absl::WebSafeBase64Unescape(query.page_token, &resume) || !resume.starts_with(prefix)) {
      return absl::InvalidArgumentError("page.page_token: not a token from this list");
    }
  }
  auto matches = [&](const DeadlineEntry& d) {
    if (query.kind && d.kind != *query.kind) return false;
    if (query.state && d.state != *query.state) return false;
    if (!query.provider_agb_code.empty() && d.provider_agb_code != query.provider_agb_code) return false;
    return true;
  };
  auto collect = [&](const std::string& household_id, const BeschikkingSummaryRecord& summary) {
    for (auto& d : DeadlinesOf(household_id, summary, query.today, query.due_soon_working_days)) {
      if (matches(d)) page.deadlines.push_back(std::move(d));
    }
  };
  if (!query.household_id.empty()) {
    auto summary = Summary(query.tenant, query.household_id);
    if (!summary.ok()) return summary.status();
    if (*summary) collect(query.household_id, **summary);
    return page;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, summaries_));
  for (it->Seek(resume.empty() ? prefix : resume); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string key = it->key().ToString();
    if (key == resume) continue;
    // A page holds whole households: stop before the next one once the page is full.
    if (page.deadlines.size() >= limit) {
      page.next_page_token = absl::WebSafeBase64Escape(resume);
      return page;
    }
    BeschikkingSummaryRecord summary;
    if (!summary.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable beschikking summary");
    }
    collect(key.substr(prefix.size()), summary);
    resume = key;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "list deadlines");
  return page;
}

absl::StatusOr<BeschikkingCounts> BeschikkingIndex::Count(std::string_view tenant, domain::Date today,
                                                          int due_soon_working_days) const {
  BeschikkingCounts counts;
  const std::string prefix = std::string(tenant) + kSep;
  const std::string today_s = today.ToString();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, summaries_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    BeschikkingSummaryRecord summary;
    if (!summary.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("undecodable beschikking summary");
    }
    for (const auto& [id, a] : summary.open_aanvragen()) counts.aanvragen_open[a.law()]++;
    for (const auto& [id, b] : summary.beschikkingen()) {
      if (b.origin() != hub::v1::BESCHIKKING_ORIGIN_LEGACY) counts.beschikkingen[{b.law(), b.outcome()}]++;
    }
    for (const auto& [id, t] : summary.toewijzingen()) {
      if (!t.removed() && t.ingangsdatum() <= today_s && today_s <= t.einddatum()) counts.toewijzingen_active[t.law()]++;
      if (t.start_late()) counts.start_messages_late++;
    }
    for (const auto& d : DeadlinesOf("", summary, today, due_soon_working_days)) counts.deadlines[{d.kind, d.state}]++;
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "count beschikkingen");
  return counts;
}

}  // namespace hub::beschikking

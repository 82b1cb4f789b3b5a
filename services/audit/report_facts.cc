#include "services/audit/report_facts.h"

#include <chrono>

#include "common/domain/deadline.h"
#include "common/domain/local_date.h"
#include "services/audit/keys.h"

namespace hub::audit {
namespace {

using hub::v1::EventEnvelope;

// The item's newest state, or nullptr.
const ReportItem* Latest(const HouseholdReportFacts& facts, const std::string& id) {
  for (const auto& history : facts.items()) {
    if (history.id() == id) return history.revisions().empty() ? nullptr : &history.revisions().rbegin()->item();
  }
  return nullptr;
}

// Records `item` as the item's state from `recorded_at` on, unless that is what it already is.
void Put(HouseholdReportFacts& facts, const std::string& id, const ReportItem& item, int64_t recorded_at) {
  ReportItemHistory* history = nullptr;
  for (auto& h : *facts.mutable_items()) {
    if (h.id() == id) history = &h;
  }
  if (history == nullptr) {
    history = facts.add_items();
    history->set_id(id);
  } else if (!history->revisions().empty() &&
             history->revisions().rbegin()->item().SerializeAsString() == item.SerializeAsString()) {
    return;
  }
  auto* revision = history->add_revisions();
  revision->set_recorded_at_nanos(recorded_at);
  *revision->mutable_item() = item;
}

// The civil date the event took effect (its valid time), for events that carry no date of their own.
std::string EffectiveDate(const EventEnvelope& e) {
  const auto moment = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(Nanos(e.occurred_at()))));
  return domain::DutchDate(moment).ToString();
}

int Revisions(const HouseholdReportFacts& facts) {
  int n = 0;
  for (const auto& h : facts.items()) n += h.revisions_size();
  return n;
}

std::string Id(std::string_view kind, std::string_view id) { return std::string(kind) + "/" + std::string(id); }

ReportItem Deadline(DeadlineKind kind, const std::string& opened_on, const std::string& due) {
  ReportItem item;
  auto* d = item.mutable_deadline();
  d->set_kind(kind);
  d->set_opened_on(opened_on);
  d->set_due(due);
  return item;
}

// Closes an open deadline item on `on`; cancelled ones count as neither met nor missed.
void Close(HouseholdReportFacts& facts, const std::string& id, const std::string& on, bool cancelled,
           int64_t recorded_at) {
  const ReportItem* current = Latest(facts, id);
  if (current == nullptr || !current->has_deadline() || !current->deadline().closed_on().empty()) return;
  ReportItem item = *current;
  item.mutable_deadline()->set_closed_on(on);
  item.mutable_deadline()->set_cancelled(cancelled);
  Put(facts, id, item, recorded_at);
}

std::string AddWorkingDays(const domain::WorkingDayCalendar& calendar, const std::string& date, int n) {
  auto parsed = domain::Date::Parse(date);
  if (!parsed.ok()) return "";
  return domain::AddWorkingDays(calendar, *parsed, n).ToString();
}

DeadlineKind AanvraagKind(int law) {
  switch (law) {
    case hub::v1::LAW_JEUGDWET: return DEADLINE_KIND_AANVRAAG_JEUGDWET;
    case hub::v1::LAW_PARTICIPATIEWET: return DEADLINE_KIND_AANVRAAG_PARTICIPATIEWET;
    default: return DEADLINE_KIND_AANVRAAG_WMO;
  }
}

void FoldIntake(const EventEnvelope& e, HouseholdReportFacts& facts, int64_t at) {
  const auto& event = e.intake();
  if (event.has_melding_registered()) {
    const auto& m = event.melding_registered();
    Put(facts, Id("melding", m.melding_id()),
        Deadline(DEADLINE_KIND_MELDING_ONDERZOEK, m.registered_on(), m.onderzoek_due()), at);
  } else if (event.has_melding_closed()) {
    const auto& m = event.melding_closed();
    Close(facts, Id("melding", m.melding_id()), EffectiveDate(e), m.reason() == "WITHDRAWN", at);
  }
}

void FoldPlan(const EventEnvelope& e, HouseholdReportFacts& facts, int64_t at) {
  const auto& event = e.plan();
  if (event.has_plan_drafted()) {
    ReportItem item;
    item.mutable_plan()->set_start(EffectiveDate(e));
    item.mutable_plan()->set_plan_id(event.plan_drafted().plan_id());
    Put(facts, Id("plan", event.plan_drafted().plan_id()), item, at);
  } else if (event.has_plan_closed()) {
    const auto& c = event.plan_closed();
    const std::string on = c.closed_on().empty() ? EffectiveDate(e) : c.closed_on();
    if (const ReportItem* plan = Latest(facts, Id("plan", c.plan_id())); plan != nullptr && plan->has_plan()) {
      ReportItem item = *plan;
      item.mutable_plan()->set_end(on);
      Put(facts, Id("plan", c.plan_id()), item, at);
    }
  } else if (event.has_procesregie_started()) {
    const auto& p = event.procesregie_started();
    ReportItem item;
    item.mutable_procesregie()->set_start(p.started_on().empty() ? EffectiveDate(e) : p.started_on());
    Put(facts, Id("procesregie", p.escalation_id()), item, at);
  } else if (event.has_procesregie_released()) {
    const auto& p = event.procesregie_released();
    const ReportItem* current = Latest(facts, Id("procesregie", p.escalation_id()));
    if (current == nullptr || !current->has_procesregie()) return;
    ReportItem item = *current;
    item.mutable_procesregie()->set_end(p.released_on().empty() ? EffectiveDate(e) : p.released_on());
    Put(facts, Id("procesregie", p.escalation_id()), item, at);
  } else if (event.has_directive_issued()) {
    const auto& d = event.directive_issued();
    Put(facts, Id("directive", d.directive_id()), Deadline(DEADLINE_KIND_DIRECTIVE, EffectiveDate(e), d.due_on()), at);
  } else if (event.has_directive_completed()) {
    const auto& d = event.directive_completed();
    Close(facts, Id("directive", d.directive_id()), d.completed_on().empty() ? EffectiveDate(e) : d.completed_on(),
          false, at);
  }
}

void FoldReferral(const EventEnvelope& e, HouseholdReportFacts& facts, int64_t at) {
  const auto& event = e.referral();
  std::string id;
  std::string answer;
  std::string on;
  if (event.has_referral_requested()) {
    const auto& r = event.referral_requested();
    ReportItem item;
    auto* f = item.mutable_referral();
    f->set_receiver_kind(r.receiver_kind());
    f->set_plan_id(r.plan_id());
    f->set_requested_on(r.requested_on());
    f->set_answer_due(r.answer_due());
    Put(facts, Id("referral", r.referral_id()), item, at);
    Put(facts, Id("referral-answer", r.referral_id()),
        Deadline(DEADLINE_KIND_REFERRAL_ANSWER, r.requested_on(), r.answer_due()), at);
    return;
  } else if (event.has_referral_accepted()) {
    id = event.referral_accepted().referral_id();
    answer = "ACCEPTED";
    on = event.referral_accepted().accepted_on();
  } else if (event.has_referral_declined()) {
    id = event.referral_declined().referral_id();
    answer = "DECLINED";
    on = event.referral_declined().declined_on();
  } else if (event.has_referral_expired()) {
    id = event.referral_expired().referral_id();
    answer = "EXPIRED";
    on = event.referral_expired().expired_on();
  } else if (event.has_referral_withdrawn()) {
    id = event.referral_withdrawn().referral_id();
    answer = "WITHDRAWN";
    on = event.referral_withdrawn().withdrawn_on();
  } else {
    return;
  }
  if (on.empty()) on = EffectiveDate(e);
  const ReportItem* current = Latest(facts, Id("referral", id));
  if (current == nullptr || !current->has_referral()) return;
  ReportItem item = *current;
  auto* f = item.mutable_referral();
  if (answer == "WITHDRAWN" && !f->accepted_on().empty()) {
    if (f->ended_on().empty()) f->set_ended_on(on);  // withdrawn after acceptance: the scheme ends
  } else if (f->answer().empty()) {
    f->set_answer(answer);
    f->set_answered_on(on);
    if (answer == "ACCEPTED") f->set_accepted_on(on);
  }
  Put(facts, Id("referral", id), item, at);
  // An expired referral missed its answer; a withdrawn one was neither met nor missed.
  Close(facts, Id("referral-answer", id), on, answer == "WITHDRAWN", at);
}

ReportItem Provision(int law, const std::string& category, const std::string& start, const std::string& end) {
  ReportItem item;
  auto* p = item.mutable_provision();
  p->set_law(law);
  p->set_category(category);
  p->set_start(start);
  p->set_end(end);
  return item;
}

void FoldBeschikking(const EventEnvelope& e, const domain::WorkingDayCalendar& calendar, HouseholdReportFacts& facts,
                     int64_t at) {
  const auto& event = e.beschikking();
  if (event.has_aanvraag_submitted()) {
    const auto& a = event.aanvraag_submitted();
    Put(facts, Id("aanvraag", a.aanvraag_id()), Deadline(AanvraagKind(a.law()), a.submitted_on(), a.decision_due()),
        at);
  } else if (event.has_beschikking_issued()) {
    const auto& b = event.beschikking_issued();
    ReportItem item;
    item.mutable_beschikking()->set_law(b.law());
    item.mutable_beschikking()->set_outcome(b.outcome());
    item.mutable_beschikking()->set_issued_on(b.issued_on());
    Put(facts, Id("beschikking", b.beschikking_id()), item, at);
    if (!b.aanvraag_id().empty()) Close(facts, Id("aanvraag", b.aanvraag_id()), b.issued_on(), false, at);
    if (!b.request_id().empty()) Close(facts, Id("request", b.request_id()), b.issued_on(), false, at);
    if (b.outcome() != hub::v1::BESCHIKKING_OUTCOME_GRANTED && b.outcome() != hub::v1::BESCHIKKING_OUTCOME_PARTIAL) {
      return;
    }
    // ZIN lines are in force as their toewijzingen are (ToewijzingIssued follows); the others
    // (PGB) as the beschikking grants them.
    for (int i = 0; i < b.products_size(); ++i) {
      const auto& line = b.products(i);
      if (!line.toewijzing_id().empty()) continue;
      Put(facts, Id("line", b.beschikking_id() + "#" + std::to_string(i)),
          Provision(b.law(), line.category(), line.start_date(), line.end_date()), at);
    }
  } else if (event.has_toewijzing_issued()) {
    const auto& t = event.toewijzing_issued();
    Put(facts, Id("toewijzing", t.toewijzing_id()), Provision(t.law(), t.category(), t.ingangsdatum(), t.einddatum()),
        at);
    if (!t.delivery_running()) {
      Put(facts, Id("start", t.toewijzing_id()),
          Deadline(DEADLINE_KIND_START_ZORG, t.ingangsdatum(), AddWorkingDays(calendar, t.ingangsdatum(), 5)), at);
    }
  } else if (event.has_toewijzing_ended()) {
    const auto& t = event.toewijzing_ended();
    const ReportItem* current = Latest(facts, Id("toewijzing", t.toewijzing_id()));
    if (current == nullptr || !current->has_provision()) return;
    ReportItem item = *current;
    item.mutable_provision()->set_end(t.einddatum());
    Put(facts, Id("toewijzing", t.toewijzing_id()), item, at);
  } else if (event.has_toewijzing_corrected()) {
    const auto& t = event.toewijzing_corrected();
    const ReportItem* current = Latest(facts, Id("toewijzing", t.toewijzing_id()));
    if (current == nullptr || !current->has_provision()) return;
    ReportItem item = *current;
    auto* p = item.mutable_provision();
    p->set_start(t.ingangsdatum());
    p->set_end(t.einddatum());
    const bool removed = t.reden_wijziging() == hub::v1::REDEN_WIJZIGING_VERWIJDERD;
    p->set_removed(removed);
    Put(facts, Id("toewijzing", t.toewijzing_id()), item, at);
    const std::string start_id = Id("start", t.toewijzing_id());
    if (const ReportItem* start = Latest(facts, start_id); start != nullptr && start->has_deadline()) {
      ReportItem moved = *start;
      auto* d = moved.mutable_deadline();
      if (d->closed_on().empty()) {
        d->set_opened_on(t.ingangsdatum());
        d->set_due(AddWorkingDays(calendar, t.ingangsdatum(), 5));
        if (removed) {
          d->set_closed_on(t.effective_on().empty() ? EffectiveDate(e) : t.effective_on());
          d->set_cancelled(true);
        }
      }
      Put(facts, start_id, moved, at);
    }
  } else if (event.has_start_zorg_reported()) {
    const auto& s = event.start_zorg_reported();
    const std::string start_id = Id("start", s.toewijzing_id());
    const ReportItem* current = Latest(facts, start_id);
    if (current == nullptr || !current->has_deadline() || !current->deadline().closed_on().empty()) return;
    // The due date the beschikking service checked the message against is the one that counts.
    ReportItem item = *current;
    if (!s.due_on().empty()) item.mutable_deadline()->set_due(s.due_on());
    item.mutable_deadline()->set_closed_on(s.reported_on());
    Put(facts, start_id, item, at);
  } else if (event.has_toewijzing_requested()) {
    const auto& r = event.toewijzing_requested();
    Put(facts, Id("request", r.request_id()),
        Deadline(DEADLINE_KIND_PROVIDER_REQUEST_ANSWER, r.requested_on(), r.answer_due()), at);
  } else if (event.has_wijziging_requested()) {
    const auto& r = event.wijziging_requested();
    Put(facts, Id("request", r.request_id()),
        Deadline(DEADLINE_KIND_PROVIDER_REQUEST_ANSWER, r.requested_on(), r.answer_due()), at);
  } else if (event.has_request_answered()) {
    const auto& r = event.request_answered();
    Close(facts, Id("request", r.request_id()), r.answered_on(), false, at);
  } else if (event.has_bezwaar_filed()) {
    const auto& b = event.bezwaar_filed();
    ReportItem item;
    auto* f = item.mutable_bezwaar();
    f->set_beschikking_id(b.beschikking_id());
    if (const ReportItem* contested = Latest(facts, Id("beschikking", b.beschikking_id()));
        contested != nullptr && contested->has_beschikking()) {
      f->set_law(contested->beschikking().law());
    }
    f->set_filed_on(b.filed_on());
    f->set_decision_due(b.decision_due());
    Put(facts, Id("bezwaar", b.bezwaar_id()), item, at);
    Put(facts, Id("bezwaar-decision", b.bezwaar_id()),
        Deadline(DEADLINE_KIND_BEZWAAR_DECISION, b.filed_on(), b.decision_due()), at);
  } else if (event.has_bezwaar_decided()) {
    const auto& b = event.bezwaar_decided();
    const ReportItem* current = Latest(facts, Id("bezwaar", b.bezwaar_id()));
    if (current == nullptr || !current->has_bezwaar()) return;
    ReportItem item = *current;
    item.mutable_bezwaar()->set_decision(b.decision());
    item.mutable_bezwaar()->set_decided_on(b.decided_on());
    Put(facts, Id("bezwaar", b.bezwaar_id()), item, at);
    Close(facts, Id("bezwaar-decision", b.bezwaar_id()), b.decided_on(), false, at);
  }
}

}  // namespace

bool FoldReportFacts(const EventEnvelope& event, const domain::WorkingDayCalendar& calendar,
                     HouseholdReportFacts& facts) {
  const int64_t at = Nanos(event.recorded_at());
  const int revisions_before = Revisions(facts);
  switch (event.payload_case()) {
    case EventEnvelope::kIntake: FoldIntake(event, facts, at); break;
    case EventEnvelope::kPlan: FoldPlan(event, facts, at); break;
    case EventEnvelope::kReferral: FoldReferral(event, facts, at); break;
    case EventEnvelope::kBeschikking: FoldBeschikking(event, calendar, facts, at); break;
    default: break;
  }
  // Facts only ever grow by revisions: a change is a revision more.
  return Revisions(facts) != revisions_before;
}

std::vector<const ReportItem*> ItemsKnownAt(const HouseholdReportFacts& facts, std::optional<int64_t> known_at_nanos) {
  std::vector<const ReportItem*> out;
  for (const auto& history : facts.items()) {
    const ReportItem* known = nullptr;
    for (const auto& revision : history.revisions()) {
      if (known_at_nanos && revision.recorded_at_nanos() > *known_at_nanos) break;
      known = &revision.item();
    }
    if (known != nullptr) out.push_back(known);
  }
  return out;
}

}  // namespace hub::audit

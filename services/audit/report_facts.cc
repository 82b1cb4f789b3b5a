#include "services/audit/report_facts.h"

#include "common/domain/deadline.h"
#include "common/domain/local_date.h"
#include "common/es/envelope.h"
#include "services/audit/keys.h"

namespace hub::audit {
namespace {

using hub::v1::EventEnvelope;

std::string Id(std::string_view kind, std::string_view id) { return std::string(kind) + "/" + std::string(id); }

ReportItem Deadline(DeadlineKind kind, const std::string& opened_on, const std::string& due) {
  ReportItem item;
  auto* d = item.mutable_deadline();
  d->set_kind(kind);
  d->set_opened_on(opened_on);
  d->set_due(due);
  return item;
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

// The fold of one event into one household's facts: every change is a revision stamped with the
// event's record time.
class Folder {
 public:
  Folder(const EventEnvelope& event, const domain::WorkingDayCalendar& calendar, HouseholdReportFacts& facts)
      : event_(event), calendar_(calendar), facts_(facts), at_(Nanos(event.recorded_at())) {}

  bool changed() const { return changed_; }

  void Fold() {
    switch (event_.payload_case()) {
      case EventEnvelope::kIntake: FoldIntake(); break;
      case EventEnvelope::kPlan: FoldPlan(); break;
      case EventEnvelope::kReferral: FoldReferral(); break;
      case EventEnvelope::kBeschikking: FoldBeschikking(); break;
      default: break;
    }
  }

 private:
  // `day`, or the civil day the event took effect (its valid time) when it states none.
  std::string DateOr(const std::string& day) const {
    return day.empty() ? domain::DutchDate(es::FromTimestamp(event_.occurred_at())).ToString() : day;
  }

  // The item's newest state, or nullptr.
  const ReportItem* Latest(const std::string& id) const {
    for (const auto& history : facts_.items()) {
      if (history.id() == id) return history.revisions().empty() ? nullptr : &history.revisions().rbegin()->item();
    }
    return nullptr;
  }

  // Records `item` as the item's state from this event on, unless that is what it already is.
  void Put(const std::string& id, const ReportItem& item) {
    ReportItemHistory* history = nullptr;
    for (auto& h : *facts_.mutable_items()) {
      if (h.id() == id) history = &h;
    }
    if (history == nullptr) {
      history = facts_.add_items();
      history->set_id(id);
    } else if (!history->revisions().empty() &&
               history->revisions().rbegin()->item().SerializeAsString() == item.SerializeAsString()) {
      return;
    }
    auto* revision = history->add_revisions();
    revision->set_recorded_at_nanos(at_);
    *revision->mutable_item() = item;
    changed_ = true;
  }

  // Changes an item the facts hold as `kind`. An event about an item they do not hold (a gap in the
  // history) changes nothing, and neither does a `change` that leaves the item as it was.
  template <class Change>
  void Update(const std::string& id, ReportItem::FactCase kind, Change change) {
    const ReportItem* current = Latest(id);
    if (current == nullptr || current->fact_case() != kind) return;
    ReportItem item = *current;
    change(item);
    Put(id, item);
  }

  // Closes an open deadline on `on`; cancelled ones count as neither met nor missed.
  void Close(const std::string& id, const std::string& on, bool cancelled) {
    Update(id, ReportItem::kDeadline, [&](ReportItem& item) {
      auto* d = item.mutable_deadline();
      if (!d->closed_on().empty()) return;
      d->set_closed_on(on);
      d->set_cancelled(cancelled);
    });
  }

  void FoldIntake() {
    const auto& event = event_.intake();
    if (event.has_melding_registered()) {
      const auto& m = event.melding_registered();
      Put(Id("melding", m.melding_id()), Deadline(DEADLINE_KIND_MELDING_ONDERZOEK, m.registered_on(), m.onderzoek_due()));
    } else if (event.has_melding_closed()) {
      const auto& m = event.melding_closed();
      Close(Id("melding", m.melding_id()), DateOr(""), m.reason() == "WITHDRAWN");
    }
  }

  void FoldPlan() {
    const auto& event = event_.plan();
    if (event.has_plan_drafted()) {
      ReportItem item;
      item.mutable_plan()->set_start(DateOr(""));
      item.mutable_plan()->set_plan_id(event.plan_drafted().plan_id());
      Put(Id("plan", event.plan_drafted().plan_id()), item);
    } else if (event.has_plan_closed()) {
      const auto& c = event.plan_closed();
      Update(Id("plan", c.plan_id()), ReportItem::kPlan,
             [&](ReportItem& item) { item.mutable_plan()->set_end(DateOr(c.closed_on())); });
    } else if (event.has_procesregie_started()) {
      const auto& p = event.procesregie_started();
      ReportItem item;
      item.mutable_procesregie()->set_start(DateOr(p.started_on()));
      Put(Id("procesregie", p.escalation_id()), item);
    } else if (event.has_procesregie_released()) {
      const auto& p = event.procesregie_released();
      Update(Id("procesregie", p.escalation_id()), ReportItem::kProcesregie,
             [&](ReportItem& item) { item.mutable_procesregie()->set_end(DateOr(p.released_on())); });
    } else if (event.has_directive_issued()) {
      const auto& d = event.directive_issued();
      Put(Id("directive", d.directive_id()), Deadline(DEADLINE_KIND_DIRECTIVE, DateOr(""), d.due_on()));
    } else if (event.has_directive_completed()) {
      const auto& d = event.directive_completed();
      Close(Id("directive", d.directive_id()), DateOr(d.completed_on()), false);
    }
  }

  void FoldReferral() {
    const auto& event = event_.referral();
    if (event.has_referral_requested()) {
      const auto& r = event.referral_requested();
      ReportItem item;
      auto* f = item.mutable_referral();
      f->set_receiver_kind(r.receiver_kind());
      f->set_plan_id(r.plan_id());
      f->set_requested_on(r.requested_on());
      f->set_answer_due(r.answer_due());
      Put(Id("referral", r.referral_id()), item);
      Put(Id("referral-answer", r.referral_id()),
          Deadline(DEADLINE_KIND_REFERRAL_ANSWER, r.requested_on(), r.answer_due()));
    } else if (event.has_referral_accepted()) {
      Answer(event.referral_accepted().referral_id(), "ACCEPTED", event.referral_accepted().accepted_on());
    } else if (event.has_referral_declined()) {
      Answer(event.referral_declined().referral_id(), "DECLINED", event.referral_declined().declined_on());
    } else if (event.has_referral_expired()) {
      Answer(event.referral_expired().referral_id(), "EXPIRED", event.referral_expired().expired_on());
    } else if (event.has_referral_withdrawn()) {
      Answer(event.referral_withdrawn().referral_id(), "WITHDRAWN", event.referral_withdrawn().withdrawn_on());
    }
  }

  // What became of a referral: its answer, or its end when withdrawn after acceptance.
  void Answer(const std::string& id, const std::string& answer, const std::string& day) {
    if (Latest(Id("referral", id)) == nullptr) return;
    const std::string on = DateOr(day);
    Update(Id("referral", id), ReportItem::kReferral, [&](ReportItem& item) {
      auto* f = item.mutable_referral();
      if (answer == "WITHDRAWN" && !f->accepted_on().empty()) {
        if (f->ended_on().empty()) f->set_ended_on(on);  // withdrawn after acceptance: the scheme ends
      } else if (f->answer().empty()) {
        f->set_answer(answer);
        f->set_answered_on(on);
        if (answer == "ACCEPTED") f->set_accepted_on(on);
      }
    });
    // An expired referral missed its answer; a withdrawn one was neither met nor missed.
    Close(Id("referral-answer", id), on, answer == "WITHDRAWN");
  }

  void FoldBeschikking() {
    const auto& event = event_.beschikking();
    if (event.has_aanvraag_submitted()) {
      const auto& a = event.aanvraag_submitted();
      Put(Id("aanvraag", a.aanvraag_id()), Deadline(AanvraagKind(a.law()), a.submitted_on(), a.decision_due()));
    } else if (event.has_beschikking_issued()) {
      FoldBeschikkingIssued(event.beschikking_issued());
    } else if (event.has_toewijzing_issued()) {
      const auto& t = event.toewijzing_issued();
      Put(Id("toewijzing", t.toewijzing_id()), Provision(t.law(), t.category(), t.ingangsdatum(), t.einddatum()));
      if (!t.delivery_running()) {
        Put(Id("start", t.toewijzing_id()),
            Deadline(DEADLINE_KIND_START_ZORG, t.ingangsdatum(), AddWorkingDays(calendar_, t.ingangsdatum(), 5)));
      }
    } else if (event.has_toewijzing_ended()) {
      const auto& t = event.toewijzing_ended();
      Update(Id("toewijzing", t.toewijzing_id()), ReportItem::kProvision,
             [&](ReportItem& item) { item.mutable_provision()->set_end(t.einddatum()); });
    } else if (event.has_toewijzing_corrected()) {
      FoldToewijzingCorrected(event.toewijzing_corrected());
    } else if (event.has_start_zorg_reported()) {
      const auto& s = event.start_zorg_reported();
      Update(Id("start", s.toewijzing_id()), ReportItem::kDeadline, [&](ReportItem& item) {
        auto* d = item.mutable_deadline();
        if (!d->closed_on().empty()) return;
        // The due date the beschikking service checked the message against is the one that counts.
        if (!s.due_on().empty()) d->set_due(s.due_on());
        d->set_closed_on(s.reported_on());
      });
    } else if (event.has_toewijzing_requested()) {
      const auto& r = event.toewijzing_requested();
      Put(Id("request", r.request_id()),
          Deadline(DEADLINE_KIND_PROVIDER_REQUEST_ANSWER, r.requested_on(), r.answer_due()));
    } else if (event.has_wijziging_requested()) {
      const auto& r = event.wijziging_requested();
      Put(Id("request", r.request_id()),
          Deadline(DEADLINE_KIND_PROVIDER_REQUEST_ANSWER, r.requested_on(), r.answer_due()));
    } else if (event.has_request_answered()) {
      const auto& r = event.request_answered();
      Close(Id("request", r.request_id()), r.answered_on(), false);
    } else if (event.has_bezwaar_filed()) {
      const auto& b = event.bezwaar_filed();
      ReportItem item;
      auto* f = item.mutable_bezwaar();
      f->set_beschikking_id(b.beschikking_id());
      if (const ReportItem* contested = Latest(Id("beschikking", b.beschikking_id()));
          contested != nullptr && contested->has_beschikking()) {
        f->set_law(contested->beschikking().law());
      }
      f->set_filed_on(b.filed_on());
      f->set_decision_due(b.decision_due());
      Put(Id("bezwaar", b.bezwaar_id()), item);
      Put(Id("bezwaar-decision", b.bezwaar_id()),
          Deadline(DEADLINE_KIND_BEZWAAR_DECISION, b.filed_on(), b.decision_due()));
    } else if (event.has_bezwaar_decided()) {
      const auto& b = event.bezwaar_decided();
      if (Latest(Id("bezwaar", b.bezwaar_id())) == nullptr) return;
      Update(Id("bezwaar", b.bezwaar_id()), ReportItem::kBezwaar, [&](ReportItem& item) {
        item.mutable_bezwaar()->set_decision(b.decision());
        item.mutable_bezwaar()->set_decided_on(b.decided_on());
      });
      Close(Id("bezwaar-decision", b.bezwaar_id()), b.decided_on(), false);
    }
  }

  void FoldBeschikkingIssued(const hub::v1::BeschikkingIssued& b) {
    ReportItem item;
    item.mutable_beschikking()->set_law(b.law());
    item.mutable_beschikking()->set_outcome(b.outcome());
    item.mutable_beschikking()->set_issued_on(b.issued_on());
    Put(Id("beschikking", b.beschikking_id()), item);
    if (!b.aanvraag_id().empty()) Close(Id("aanvraag", b.aanvraag_id()), b.issued_on(), false);
    if (!b.request_id().empty()) Close(Id("request", b.request_id()), b.issued_on(), false);
    if (b.outcome() != hub::v1::BESCHIKKING_OUTCOME_GRANTED && b.outcome() != hub::v1::BESCHIKKING_OUTCOME_PARTIAL) {
      return;
    }
    // ZIN lines are in force as their toewijzingen are (ToewijzingIssued follows); the others
    // (PGB) as the beschikking grants them.
    for (int i = 0; i < b.products_size(); ++i) {
      const auto& line = b.products(i);
      if (!line.toewijzing_id().empty()) continue;
      Put(Id("line", b.beschikking_id() + "#" + std::to_string(i)),
          Provision(b.law(), line.category(), line.start_date(), line.end_date()));
    }
  }

  void FoldToewijzingCorrected(const hub::v1::ToewijzingCorrected& t) {
    if (Latest(Id("toewijzing", t.toewijzing_id())) == nullptr) return;
    const bool removed = t.reden_wijziging() == hub::v1::REDEN_WIJZIGING_VERWIJDERD;
    Update(Id("toewijzing", t.toewijzing_id()), ReportItem::kProvision, [&](ReportItem& item) {
      auto* p = item.mutable_provision();
      p->set_start(t.ingangsdatum());
      p->set_end(t.einddatum());
      p->set_removed(removed);
    });
    // An open start message moves with the ingangsdatum; a removed toewijzing expects none.
    Update(Id("start", t.toewijzing_id()), ReportItem::kDeadline, [&](ReportItem& item) {
      auto* d = item.mutable_deadline();
      if (!d->closed_on().empty()) return;
      d->set_opened_on(t.ingangsdatum());
      d->set_due(AddWorkingDays(calendar_, t.ingangsdatum(), 5));
      if (removed) {
        d->set_closed_on(DateOr(t.effective_on()));
        d->set_cancelled(true);
      }
    });
  }

  const EventEnvelope& event_;
  const domain::WorkingDayCalendar& calendar_;
  HouseholdReportFacts& facts_;
  const int64_t at_;
  bool changed_ = false;
};

}  // namespace

bool FoldReportFacts(const EventEnvelope& event, const domain::WorkingDayCalendar& calendar,
                     HouseholdReportFacts& facts) {
  Folder folder(event, calendar, facts);
  folder.Fold();
  return folder.changed();
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

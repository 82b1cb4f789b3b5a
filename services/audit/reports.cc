#include "services/audit/reports.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/domain/deadline.h"
#include "google/protobuf/util/time_util.h"
#include "hub/v1/beschikking_events.pb.h"
#include "hub/v1/referral_events.pb.h"

namespace hub::audit {
namespace {

using domain::Date;

// Civil dates are stored as YYYY-MM-DD, which order as strings do.
bool InRange(const std::string& day, const std::string& first, const std::string& last) {
  return !day.empty() && first <= day && day <= last;
}

// Counts added by name, published as cells once all sums are known and suppressed.
class Sheet {
 public:
  size_t Add(int64_t value = 0) {
    counts_.push_back({.value = value});
    return counts_.size() - 1;
  }
  int64_t& operator[](size_t i) { return counts_[i].value; }
  void Sum(std::vector<size_t> members) { sums_.push_back(std::move(members)); }
  void Suppress(int threshold) { SuppressCells(counts_, sums_, threshold); }
  bool suppressed(size_t i) const { return counts_[i].suppressed; }
  int64_t value(size_t i) const { return counts_[i].value; }
  void Fill(size_t i, hub::v1::Cell* cell) const {
    cell->set_suppressed(counts_[i].suppressed);
    cell->set_count(counts_[i].suppressed ? 0 : counts_[i].value);
  }

 private:
  std::vector<Count> counts_;
  std::vector<std::vector<size_t>> sums_;
};

void FillHeader(const ReportInput& input, hub::v1::ReportHeader* header) {
  header->set_tenant(input.tenant);
  header->set_as_of(input.as_of.ToString());
  if (input.known_at_nanos) {
    *header->mutable_known_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(*input.known_at_nanos);
  }
  header->set_period_start(input.period_start.ToString());
  header->set_period_end(input.period_end.ToString());
  header->set_suppression_threshold(input.policy.suppression_threshold);
  Sheet sheet;
  const size_t households = sheet.Add(static_cast<int64_t>(input.households.size()));
  sheet.Suppress(input.policy.suppression_threshold);
  sheet.Fill(households, header->mutable_households());
}

// Whether an interval [start, end) holds `day` (end empty: still running).
bool Running(const IntervalFact& interval, const std::string& day) {
  return !interval.start().empty() && interval.start() <= day && (interval.end().empty() || day < interval.end());
}

// The schemes (indexes into policy.schemes) a household has on `day`, as a bit set.
uint32_t SchemesOn(const std::vector<const ReportItem*>& items, const ReportPolicy& policy, const std::string& day) {
  // A referral made for a plan is no longer a running scheme once the plan closes.
  std::map<std::string, std::string> plan_closed_on;
  for (const ReportItem* item : items) {
    if (item->has_plan() && !item->plan().end().empty()) plan_closed_on[item->plan().plan_id()] = item->plan().end();
  }
  uint32_t set = 0;
  for (const ReportItem* item : items) {
    for (size_t s = 0; s < policy.schemes.size(); ++s) {
      const Scheme& scheme = policy.schemes[s];
      if (item->has_provision()) {
        const auto& p = item->provision();
        if (p.removed() || p.start().empty() || day < p.start() || (!p.end().empty() && p.end() < day)) continue;
        if (std::any_of(scheme.products.begin(), scheme.products.end(),
                        [&](const ProductRule& rule) { return rule.Matches(p.law(), p.category()); })) {
          set |= 1u << s;
        }
      } else if (item->has_referral()) {
        const auto& r = item->referral();
        if (r.accepted_on().empty() || day < r.accepted_on() || (!r.ended_on().empty() && r.ended_on() <= day)) {
          continue;
        }
        if (const auto closed = plan_closed_on.find(r.plan_id());
            !r.plan_id().empty() && closed != plan_closed_on.end() && closed->second <= day) {
          continue;
        }
        if (scheme.referral_kinds.contains(r.receiver_kind())) set |= 1u << s;
      }
    }
  }
  return set;
}

}  // namespace

void SuppressCells(std::vector<Count>& counts, const std::vector<std::vector<size_t>>& sums, int threshold) {
  for (auto& c : counts) {
    if (c.value > 0 && c.value < threshold) c.suppressed = true;
  }
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& sum : sums) {
      const auto unknown = std::count_if(sum.begin(), sum.end(), [&](size_t i) { return counts[i].suppressed; });
      if (unknown != 1) continue;
      // The smallest published member, preferring a non-zero one: suppressing a zero hides little.
      std::optional<size_t> pick;
      for (size_t i : sum) {
        if (counts[i].suppressed) continue;
        if (!pick) {
          pick = i;
          continue;
        }
        const auto key = [&](size_t j) { return std::pair{counts[j].value == 0, counts[j].value}; };
        if (key(i) < key(*pick)) pick = i;
      }
      if (!pick) continue;
      counts[*pick].suppressed = true;
      changed = true;
    }
  }
}

hub::v1::StapelingReport MakeStapeling(const ReportInput& input) {
  hub::v1::StapelingReport report;
  FillHeader(input, report.mutable_header());
  const auto& schemes = input.policy.schemes;
  const size_t n = std::min<size_t>(schemes.size(), 31);
  const std::string day = input.as_of.ToString();

  std::map<uint32_t, int64_t> combinations;
  for (const auto& items : input.households) {
    const uint32_t set = SchemesOn(items, input.policy, day);
    if (set != 0) combinations[set]++;
  }

  Sheet sheet;
  std::vector<size_t> with(n), only(n);
  for (size_t s = 0; s < n; ++s) {
    with[s] = sheet.Add();
    only[s] = sheet.Add();
  }
  std::vector<std::pair<uint32_t, size_t>> combination_cells;
  int64_t any = 0;
  for (const auto& [set, count] : combinations) {
    const size_t cell = sheet.Add(count);
    combination_cells.push_back({set, cell});
    any += count;
    for (size_t s = 0; s < n; ++s) {
      if (!(set & (1u << s))) continue;
      sheet[with[s]] += count;
      if (set == (1u << s)) sheet[only[s]] = count;
    }
  }
  const size_t any_cell = sheet.Add(any);
  int64_t total_with = 0, total_only = 0;
  for (size_t s = 0; s < n; ++s) {
    total_with += sheet.value(with[s]);
    total_only += sheet.value(only[s]);
  }
  const size_t total_with_cell = sheet.Add(total_with);
  const size_t total_only_cell = sheet.Add(total_only);

  // The sums a reader could subtract along.
  std::vector<size_t> all_combinations{any_cell};
  for (const auto& [set, cell] : combination_cells) all_combinations.push_back(cell);
  sheet.Sum(all_combinations);
  std::vector<size_t> with_column{total_with_cell}, only_column{total_only_cell};
  for (size_t s = 0; s < n; ++s) {
    with_column.push_back(with[s]);
    only_column.push_back(only[s]);
    std::vector<size_t> holding{with[s]};
    for (const auto& [set, cell] : combination_cells) {
      if (set & (1u << s)) holding.push_back(cell);
    }
    sheet.Sum(holding);
    // "Only" repeats the single-scheme combination: the two cells are one number.
    for (const auto& [set, cell] : combination_cells) {
      if (set == (1u << s)) sheet.Sum({only[s], cell});
    }
  }
  sheet.Sum(with_column);
  sheet.Sum(only_column);
  sheet.Suppress(input.policy.suppression_threshold);

  for (size_t s = 0; s < n; ++s) {
    auto* row = report.add_schemes();
    row->set_scheme_id(schemes[s].id);
    row->set_scheme_name(schemes[s].name);
    sheet.Fill(with[s], row->mutable_households());
    sheet.Fill(only[s], row->mutable_households_only());
    if (!sheet.suppressed(with[s]) && !sheet.suppressed(only[s]) && sheet.value(with[s]) > 0) {
      row->set_has_share_only(true);
      row->set_share_only_percent(100.0 * static_cast<double>(sheet.value(only[s])) /
                                  static_cast<double>(sheet.value(with[s])));
    }
  }
  sheet.Fill(total_with_cell, report.mutable_total_scheme_households());
  sheet.Fill(total_only_cell, report.mutable_total_households_only());
  sheet.Fill(any_cell, report.mutable_households_with_any_scheme());

  std::sort(combination_cells.begin(), combination_cells.end(), [n](const auto& a, const auto& b) {
    // Compare the scheme index lists lexicographically: a prefix first.
    std::vector<size_t> la, lb;
    for (size_t s = 0; s < n; ++s) {
      if (a.first & (1u << s)) la.push_back(s);
      if (b.first & (1u << s)) lb.push_back(s);
    }
    return la < lb;
  });
  for (const auto& [set, cell] : combination_cells) {
    auto* row = report.add_combinations();
    std::string label;
    for (size_t s = 0; s < n; ++s) {
      if (!(set & (1u << s))) continue;
      row->add_scheme_ids(schemes[s].id);
      if (!label.empty()) label += " - ";
      label += schemes[s].name;
    }
    row->set_label(label);
    sheet.Fill(cell, row->mutable_households());
  }
  return report;
}

hub::v1::DeadlinesReport MakeDeadlines(const ReportInput& input, int at_risk_days) {
  hub::v1::DeadlinesReport report;
  FillHeader(input, report.mutable_header());
  const std::string day = input.as_of.ToString();
  const std::string horizon = input.as_of.AddDays(at_risk_days).ToString();
  const std::string first = input.period_start.ToString();
  const std::string last = input.period_end.ToString();

  struct Row {
    size_t open, overdue, at_risk, on_track, met, missed;
  };
  Sheet sheet;
  std::map<int, Row> rows;
  for (int kind = DEADLINE_KIND_MELDING_ONDERZOEK; kind <= DEADLINE_KIND_DIRECTIVE; ++kind) {
    Row row{sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add()};
    sheet.Sum({row.open, row.overdue, row.at_risk, row.on_track});
    rows[kind] = row;
  }
  for (const auto& items : input.households) {
    for (const ReportItem* item : items) {
      if (!item->has_deadline()) continue;
      const auto& d = item->deadline();
      const auto it = rows.find(d.kind());
      if (it == rows.end() || d.opened_on().empty()) continue;
      const Row& row = it->second;
      if (d.opened_on() <= day && (d.closed_on().empty() || d.closed_on() > day)) {
        sheet[row.open]++;
        if (!d.due().empty() && d.due() < day) {
          sheet[row.overdue]++;
        } else if (!d.due().empty() && d.due() <= horizon) {
          sheet[row.at_risk]++;
        } else {
          sheet[row.on_track]++;
        }
      }
      if (!d.cancelled() && InRange(d.closed_on(), first, last)) {
        if (d.due().empty() || d.closed_on() <= d.due()) {
          sheet[row.met]++;
        } else {
          sheet[row.missed]++;
        }
      }
    }
  }
  sheet.Suppress(input.policy.suppression_threshold);
  for (const auto& [kind, row] : rows) {
    auto* out = report.add_rows();
    out->set_kind(static_cast<hub::v1::ReportDeadlineKind>(kind));
    sheet.Fill(row.open, out->mutable_open());
    sheet.Fill(row.overdue, out->mutable_overdue());
    sheet.Fill(row.at_risk, out->mutable_at_risk());
    sheet.Fill(row.on_track, out->mutable_on_track());
    sheet.Fill(row.met, out->mutable_met());
    sheet.Fill(row.missed, out->mutable_missed());
  }
  return report;
}

hub::v1::ProcesregieReport MakeProcesregie(const ReportInput& input) {
  hub::v1::ProcesregieReport report;
  FillHeader(input, report.mutable_header());
  const std::string day = input.as_of.ToString();
  const std::string first = input.period_start.ToString();
  const std::string last = input.period_end.ToString();
  Sheet sheet;
  const size_t with_plan = sheet.Add(), under = sheet.Add(), started = sheet.Add();
  for (const auto& items : input.households) {
    bool plan = false, regie = false;
    for (const ReportItem* item : items) {
      if (item->has_plan() && Running(item->plan(), day)) plan = true;
      if (item->has_procesregie()) {
        if (Running(item->procesregie(), day)) regie = true;
        if (InRange(item->procesregie().start(), first, last)) sheet[started]++;
      }
    }
    if (plan) sheet[with_plan]++;
    if (plan && regie) sheet[under]++;
  }
  sheet.Suppress(input.policy.suppression_threshold);
  sheet.Fill(with_plan, report.mutable_households_with_plan());
  sheet.Fill(under, report.mutable_under_procesregie());
  sheet.Fill(started, report.mutable_procesregie_started());
  if (!sheet.suppressed(with_plan) && !sheet.suppressed(under) && sheet.value(with_plan) > 0) {
    report.set_has_share(true);
    report.set_share_percent(100.0 * static_cast<double>(sheet.value(under)) /
                             static_cast<double>(sheet.value(with_plan)));
  }
  return report;
}

namespace {

// The q-quantile of sorted values by linear interpolation between closest ranks.
double Quantile(const std::vector<int>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(position);
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

hub::v1::ReferralAnswerTimesReport MakeReferralAnswerTimes(const ReportInput& input) {
  hub::v1::ReferralAnswerTimesReport report;
  FillHeader(input, report.mutable_header());
  const std::string first = input.period_start.ToString();
  const std::string last = input.period_end.ToString();
  struct Row {
    size_t requested, accepted, declined, expired, on_time;
    std::vector<int> days;
  };
  Sheet sheet;
  std::map<int, Row> rows;
  for (int kind = hub::v1::RECEIVER_KIND_WORK_AND_INCOME; kind <= hub::v1::RECEIVER_KIND_CONSULTATION; ++kind) {
    rows[kind] = Row{sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), {}};
  }
  const domain::WorkingDayCalendar fallback;
  const domain::WorkingDayCalendar& calendar = input.calendar != nullptr ? *input.calendar : fallback;
  for (const auto& items : input.households) {
    for (const ReportItem* item : items) {
      if (!item->has_referral()) continue;
      const auto& r = item->referral();
      auto it = rows.find(r.receiver_kind());
      if (it == rows.end()) continue;
      Row& row = it->second;
      if (InRange(r.requested_on(), first, last)) sheet[row.requested]++;
      if (!InRange(r.answered_on(), first, last)) continue;
      if (r.answer() == "EXPIRED") {
        sheet[row.expired]++;
        continue;
      }
      if (r.answer() != "ACCEPTED" && r.answer() != "DECLINED") continue;
      sheet[r.answer() == "ACCEPTED" ? row.accepted : row.declined]++;
      if (!r.answer_due().empty() && r.answered_on() <= r.answer_due()) sheet[row.on_time]++;
      const auto requested = Date::Parse(r.requested_on());
      const auto answered = Date::Parse(r.answered_on());
      if (requested.ok() && answered.ok()) {
        row.days.push_back(domain::WorkingDaysBetween(calendar, *requested, *answered));
      }
    }
  }
  sheet.Suppress(input.policy.suppression_threshold);
  for (auto& [kind, row] : rows) {
    auto* out = report.add_rows();
    out->set_receiver_kind(std::string(hub::v1::ReceiverKind_Name(kind)).substr(sizeof("RECEIVER_KIND_") - 1));
    sheet.Fill(row.requested, out->mutable_requested());
    sheet.Fill(row.accepted, out->mutable_accepted());
    sheet.Fill(row.declined, out->mutable_declined());
    sheet.Fill(row.expired, out->mutable_expired());
    sheet.Fill(row.on_time, out->mutable_answered_on_time());
    // Times over fewer answers than the threshold would describe identifiable referrals.
    if (static_cast<int>(row.days.size()) >= input.policy.suppression_threshold) {
      std::sort(row.days.begin(), row.days.end());
      out->set_has_answer_days(true);
      out->set_median_answer_working_days(Quantile(row.days, 0.5));
      out->set_p90_answer_working_days(Quantile(row.days, 0.9));
    }
  }
  return report;
}

hub::v1::BezwarenReport MakeBezwaren(const ReportInput& input) {
  hub::v1::BezwarenReport report;
  FillHeader(input, report.mutable_header());
  const std::string first = input.period_start.ToString();
  const std::string last = input.period_end.ToString();
  struct Row {
    std::string law;
    size_t issued, filed, well_founded, unfounded, on_time, late, pending;
  };
  Sheet sheet;
  auto add_row = [&](std::string law) {
    return Row{std::move(law), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add(), sheet.Add()};
  };
  std::map<int, Row> rows;
  rows.emplace(hub::v1::LAW_WMO, add_row("WMO"));
  rows.emplace(hub::v1::LAW_JEUGDWET, add_row("JEUGDWET"));
  rows.emplace(hub::v1::LAW_PARTICIPATIEWET, add_row("PARTICIPATIEWET"));
  const Row total = add_row("TOTAL");
  for (const auto& items : input.households) {
    for (const ReportItem* item : items) {
      if (item->has_beschikking()) {
        const auto it = rows.find(item->beschikking().law());
        if (it != rows.end() && InRange(item->beschikking().issued_on(), first, last)) sheet[it->second.issued]++;
        continue;
      }
      if (!item->has_bezwaar()) continue;
      const auto& b = item->bezwaar();
      const auto it = rows.find(b.law());
      if (it == rows.end()) continue;
      const Row& row = it->second;
      if (InRange(b.filed_on(), first, last)) sheet[row.filed]++;
      if (InRange(b.decided_on(), first, last)) {
        sheet[b.decision() == hub::v1::BEZWAAR_DECISION_WELL_FOUNDED ? row.well_founded : row.unfounded]++;
        sheet[b.decided_on() <= b.decision_due() || b.decision_due().empty() ? row.on_time : row.late]++;
      }
      if (!b.filed_on().empty() && b.filed_on() <= last && (b.decided_on().empty() || b.decided_on() > last)) {
        sheet[row.pending]++;
      }
    }
  }
  // The total row sums the law rows, column by column; decided on time + late = well-founded +
  // unfounded in every row.
  const std::vector<size_t Row::*> columns = {&Row::issued,  &Row::filed,   &Row::well_founded, &Row::unfounded,
                                              &Row::on_time, &Row::late,    &Row::pending};
  for (const auto column : columns) {
    int64_t sum = 0;
    std::vector<size_t> members{total.*column};
    for (const auto& [law, row] : rows) {
      sum += sheet.value(row.*column);
      members.push_back(row.*column);
    }
    sheet[total.*column] = sum;
    sheet.Sum(members);
  }
  std::vector<const Row*> all;
  for (const auto& [law, row] : rows) all.push_back(&row);
  all.push_back(&total);
  for (const Row* row : all) sheet.Sum({row->on_time, row->late, row->well_founded, row->unfounded});
  sheet.Suppress(input.policy.suppression_threshold);
  for (const Row* row : all) {
    auto* out = report.add_rows();
    out->set_law(row->law);
    sheet.Fill(row->issued, out->mutable_beschikkingen_issued());
    sheet.Fill(row->filed, out->mutable_filed());
    sheet.Fill(row->well_founded, out->mutable_decided_well_founded());
    sheet.Fill(row->unfounded, out->mutable_decided_unfounded());
    sheet.Fill(row->on_time, out->mutable_decided_on_time());
    sheet.Fill(row->late, out->mutable_decided_late());
    sheet.Fill(row->pending, out->mutable_pending());
  }
  return report;
}

}  // namespace hub::audit

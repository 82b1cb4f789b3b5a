// IntakeIndex: the intake service's query-side projection, beside the household state.
//
//   - persons by BSN pseudonym per tenant, so a melding about a known person joins their household
//     (matched by pseudonym, never by clear BSN);
//   - meldingen per tenant ordered by state and onderzoek due date, for ListMeldingen and the
//     deadline metrics.
// Deterministic like every projection: rebuilt from the intake topic it yields the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/date.h"
#include "common/es/projection.h"

namespace hub::intake {

struct PersonLocation {
  std::string household_id;
  std::string person_id;
};

struct MeldingEntry {
  std::string household_id;
  std::string melding_id;
  bool open = true;
  std::string onderzoek_due;  // YYYY-MM-DD
  std::string registered_on;  // YYYY-MM-DD
};

struct MeldingQuery {
  std::string tenant;
  std::optional<bool> open;              // nullopt: open and closed
  std::optional<domain::Date> due_before;  // inclusive
  int page_size = 50;
  std::string page_token;  // opaque; from the previous page
};

struct MeldingPage {
  std::vector<MeldingEntry> meldingen;
  std::string next_page_token;  // empty on the last page
};

struct DeadlineCounts {
  int64_t overdue = 0;         // open, due before today
  int64_t due_within_week = 0;  // open, due today or within 7 days
};

class IntakeIndex : public es::Projection {
 public:
  std::vector<std::string> Families() const override;
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;

  // Where a person with this BSN pseudonym lives in `tenant`, or nullopt.
  absl::StatusOr<std::optional<PersonLocation>> FindPerson(std::string_view tenant,
                                                           std::string_view bsn_pseudonym) const;
  // INVALID_ARGUMENT for a page token that this index did not hand out.
  absl::StatusOr<MeldingPage> ListMeldingen(const MeldingQuery& query) const;
  absl::StatusOr<DeadlineCounts> CountDeadlines(std::string_view tenant, domain::Date today) const;

 private:
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* persons_ = nullptr;   // tenant|pseudonym -> household|person
  rocksdb::ColumnFamilyHandle* meldingen_ = nullptr; // tenant|state|due|household|melding -> registered_on
  rocksdb::ColumnFamilyHandle* melding_keys_ = nullptr;  // household|melding -> its key in meldingen_
};

}  // namespace hub::intake

// ReferralIndex: the referral service's query-side projection, beside the households' referral
// state.
//
//   - one summary per referral (parties, status, dates);
//   - per tenant and organisation, the referrals it sent and the ones it received (its inbox), for
//     ListReferrals with paging;
//   - the unanswered referrals by answer_due, for the sweep that records expiries.
// Deterministic like every projection: rebuilt from the referral topic it yields the same bytes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/date.h"
#include "common/es/projection.h"
#include "services/referral/referral_state.pb.h"

namespace hub::referral {

struct ReferralQuery {
  std::string tenant;
  std::string organisation_id;
  bool as_receiver = false;  // the organisation's inbox; otherwise what it sent
  std::optional<hub::v1::ReferralStatus> status;  // as of `today` (an unanswered one past due is EXPIRED)
  bool overdue = false;
  domain::Date today;
  int page_size = 50;
  std::string page_token;
};

struct ReferralPage {
  std::vector<ReferralSummaryRecord> referrals;
  std::string next_page_token;
};

struct ReferralCounts {
  // By (status as of today, receiver kind).
  std::map<std::pair<hub::v1::ReferralStatus, hub::v1::ReceiverKind>, int64_t> by_status_and_kind;
};

// The summary's status on `today` (an unanswered referral past answer_due is EXPIRED), and whether
// its handover meeting day has passed without completion.
hub::v1::ReferralStatus SummaryStatusOn(const ReferralSummaryRecord& summary, domain::Date today);
bool SummaryOverdue(const ReferralSummaryRecord& summary, domain::Date today);

class ReferralIndex : public es::Projection {
 public:
  std::vector<std::string> Families() const override;
  void Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) override;
  absl::Status Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) override;

  // The summary of one referral, or nullopt.
  absl::StatusOr<std::optional<ReferralSummaryRecord>> Find(std::string_view referral_id) const;
  // INVALID_ARGUMENT for a page token that this index did not hand out.
  absl::StatusOr<ReferralPage> List(const ReferralQuery& query) const;
  // Unanswered referrals whose answer_due lies before `today`, oldest due first, at most `limit`.
  absl::StatusOr<std::vector<ReferralSummaryRecord>> DueForExpiry(domain::Date today, size_t limit) const;
  // Counts per tenant, in one pass.
  absl::StatusOr<std::map<std::string, ReferralCounts>> Count(domain::Date today) const;

 private:
  absl::StatusOr<std::optional<ReferralSummaryRecord>> Load(es::ProjectionWriter& writer,
                                                            const std::string& referral_id) const;

  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* summaries_ = nullptr;  // referral_id -> ReferralSummaryRecord
  rocksdb::ColumnFamilyHandle* parties_ = nullptr;    // tenant|organisation|S or R|referral_id -> ""
  rocksdb::ColumnFamilyHandle* unanswered_ = nullptr; // answer_due|referral_id -> ""
};

}  // namespace hub::referral

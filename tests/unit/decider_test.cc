// The given/when/then helpers, shown on the ConsentLedger test decider, and shown to fail when the
// decider does not do what the test says.
#include "common/es/decider_testing.h"

#include "common/es/rejection_payload.h"
#include "gtest/gtest-spi.h"
#include "tests/testing/consent_ledger.h"
#include "tests/testing/ledger_harness.h"

namespace hub::testing {
namespace {

using es::Rejection;
using es::testing::DeciderSpec;
using Event = hub::v1::IntakeEvent;

Event Recorded(const std::string& id) {
  Event e;
  *e.mutable_consent_recorded() = RecordConsent(id).record();
  return e;
}

Event Withdrawn(const std::string& id) {
  Event e;
  e.mutable_consent_withdrawn()->set_consent_id(id);
  e.mutable_consent_withdrawn()->set_person_id("person-1");
  return e;
}

TEST(DeciderSpec, GivenNothingWhenRecordingThenConsentRecorded) {
  DeciderSpec<ConsentLedger>().Given({}).When(RecordConsent("c1")).ThenEvents({Recorded("c1")});
}

TEST(DeciderSpec, GivenARecordedConsentWhenRecordingItAgainThenAlreadyExists) {
  DeciderSpec<ConsentLedger>()
      .Given({Recorded("c1")})
      .When(RecordConsent("c1"))
      .ThenRejected(Rejection::Kind::kAlreadyExists, "CONSENT_EXISTS");
}

TEST(DeciderSpec, GivenAWithdrawnConsentWhenWithdrawingAgainThenFailedPrecondition) {
  ConsentLedgerCommand withdraw;
  withdraw.set_withdraw_consent_id("c1");
  DeciderSpec<ConsentLedger>()
      .Given({Recorded("c1"), Withdrawn("c1")})
      .When(withdraw)
      .ThenRejected(Rejection::Kind::kFailedPrecondition, "CONSENT_NOT_ACTIVE");
}

TEST(DeciderSpec, InvalidArgumentNamesTheField) {
  DeciderSpec<ConsentLedger>().When(RecordConsent("")).ThenRejected(Rejection::Kind::kInvalidArgument, "consent_id");
}

TEST(DeciderSpec, ThenStateFoldsHistoryAndDecidedEvents) {
  ConsentLedgerState expected;
  (*expected.mutable_active())["c2"] = RecordConsent("c2").record();
  expected.set_withdrawn_count(1);
  ConsentLedgerCommand withdraw;
  withdraw.set_withdraw_consent_id("c1");
  DeciderSpec<ConsentLedger>().Given({Recorded("c1"), Recorded("c2")}).When(withdraw).ThenState(expected);
}

// The helpers themselves must be able to fail, or the tests above would prove nothing.
TEST(DeciderSpec, ReportsWrongEventsWrongRejectionsAndUnexpectedAcceptance) {
  EXPECT_NONFATAL_FAILURE(DeciderSpec<ConsentLedger>().When(RecordConsent("c1")).ThenEvents({Recorded("c2")}),
                          "consent_id");
  EXPECT_NONFATAL_FAILURE(
      DeciderSpec<ConsentLedger>().Given({Recorded("c1")}).When(RecordConsent("c1")).ThenEvents({Recorded("c1")}),
      "CONSENT_EXISTS");
  EXPECT_NONFATAL_FAILURE(
      DeciderSpec<ConsentLedger>().When(RecordConsent("c1")).ThenRejected(Rejection::Kind::kAlreadyExists, "X"),
      "were decided");
  EXPECT_NONFATAL_FAILURE(DeciderSpec<ConsentLedger>()
                              .Given({Recorded("c1")})
                              .When(RecordConsent("c1"))
                              .ThenRejected(Rejection::Kind::kAlreadyExists, "OTHER_REASON"),
                          "OTHER_REASON");
}

TEST(Rejection, BecomesTheMatchingStatusWithReasonAndField) {
  auto s = es::ToStatus(Rejection::InvalidArgument("persons[0].bsn", "fails the elfproef"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()), "persons[0].bsn: fails the elfproef");
  s = es::ToStatus(Rejection::FailedPrecondition("PLAN_ALREADY_OPEN", "one open plan per household"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.GetPayload(es::kReasonPayloadUrl).value(), "PLAN_ALREADY_OPEN");
  EXPECT_EQ(es::ToStatus(Rejection::PermissionDenied("ROLE", "no")).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(es::ToStatus(Rejection::NotFound("NONE", "no")).code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hub::testing

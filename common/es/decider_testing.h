// Given/when/then for deciders: a test reads as the rule it proves.
//
//   DeciderSpec<IntakeDecider>()
//       .Given({melding_registered})
//       .When(complete_triage)
//       .ThenEvents({triage_completed});
//
// Events and states that are protobuf messages are compared field by field and a mismatch is
// printed as a diff; other types use operator==. For use in GoogleTest tests only.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/es/decider.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace hub::es::testing {

template <class T>
::testing::AssertionResult SameValue(const T& expected, const T& actual) {
  if constexpr (std::is_base_of_v<google::protobuf::Message, T>) {
    std::string diff;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << diff;
  } else {
    if (expected == actual) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "values differ";
  }
}

inline const char* KindName(Rejection::Kind kind) {
  switch (kind) {
    case Rejection::Kind::kInvalidArgument: return "INVALID_ARGUMENT";
    case Rejection::Kind::kFailedPrecondition: return "FAILED_PRECONDITION";
    case Rejection::Kind::kNotFound: return "NOT_FOUND";
    case Rejection::Kind::kAlreadyExists: return "ALREADY_EXISTS";
    case Rejection::Kind::kPermissionDenied: return "PERMISSION_DENIED";
  }
  return "?";
}

template <Decider D>
class DeciderSpec {
 public:
  using Event = typename D::Event;
  using Command = typename D::Command;
  using State = typename D::State;

  DeciderSpec& Given(std::vector<Event> history) {
    history_ = std::move(history);
    return *this;
  }

  DeciderSpec& When(Command command) {
    command_.emplace(std::move(command));
    return *this;
  }

  // Expects the command to be accepted with exactly `expected`, in order.
  void ThenEvents(const std::vector<Event>& expected) {
    auto decision = Decide();
    if (!decision.accepted()) {
      ADD_FAILURE() << "expected events, but the command was rejected: "
                    << KindName(decision.rejection().kind) << " " << decision.rejection().reason << " "
                    << decision.rejection().field << " " << decision.rejection().message;
      return;
    }
    const auto& actual = decision.events();
    ASSERT_EQ(actual.size(), expected.size()) << "number of events";
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_TRUE(SameValue(expected[i], actual[i])) << "event " << i;
    }
  }

  // Expects a rejection of `kind`; `reason_or_field` is the reason code, or for kInvalidArgument
  // the field it names.
  void ThenRejected(Rejection::Kind kind, std::string_view reason_or_field) {
    auto decision = Decide();
    if (decision.accepted()) {
      ADD_FAILURE() << "expected " << KindName(kind) << " " << reason_or_field << ", but "
                    << decision.events().size() << " event(s) were decided";
      return;
    }
    const Rejection& r = decision.rejection();
    EXPECT_EQ(KindName(r.kind), std::string(KindName(kind))) << r.message;
    EXPECT_EQ(kind == Rejection::Kind::kInvalidArgument ? r.field : r.reason, reason_or_field) << r.message;
    EXPECT_FALSE(r.message.empty()) << "a rejection must say why";
  }

  // Expects the state after the history (and, if accepted, the decided events) to equal `expected`.
  void ThenState(const State& expected) {
    State state = Fold<D>(history_);
    if (command_) {
      auto decision = D::Decide(*command_, state);
      if (decision.accepted()) {
        for (const auto& e : decision.events()) state = D::Evolve(std::move(state), e);
      }
    }
    EXPECT_TRUE(SameValue(expected, state));
  }

 private:
  Decision<Event> Decide() {
    if (!command_) {
      ADD_FAILURE() << "When(command) was not called";
      return Rejection::FailedPrecondition("NO_COMMAND", "no command");
    }
    const State state = Fold<D>(history_);
    auto first = D::Decide(*command_, state);
    // Deciders must be deterministic: the same input twice gives the same output.
    auto second = D::Decide(*command_, state);
    EXPECT_EQ(first.accepted(), second.accepted()) << "Decide is not deterministic";
    if (first.accepted() && second.accepted()) {
      EXPECT_EQ(first.events().size(), second.events().size()) << "Decide is not deterministic";
      for (size_t i = 0; i < std::min(first.events().size(), second.events().size()); ++i) {
        EXPECT_TRUE(SameValue(first.events()[i], second.events()[i])) << "Decide is not deterministic";
      }
    }
    return first;
  }

  std::vector<Event> history_;
  std::optional<Command> command_;
};

}  // namespace hub::es::testing

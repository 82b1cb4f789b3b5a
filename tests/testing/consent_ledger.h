// ConsentLedger: a toy EnvelopedDecider over intake's consent events, for testing the core.
#pragma once

#include "common/es/enveloped_decider.h"
#include "tests/testing/consent_ledger.pb.h"

namespace hub::testing {

struct ConsentLedger {
  using State = ConsentLedgerState;
  using Command = ConsentLedgerCommand;
  using Event = hub::v1::IntakeEvent;
  static constexpr std::string_view kProducer = "ledger";
  static constexpr uint32_t kSchemaVersion = 1;

  static State Initial() { return {}; }

  static es::Decision<Event> Decide(const Command& command, const State& state) {
    std::vector<Event> events;
    auto record = [&](const hub::v1::ConsentRecorded& c) -> std::optional<es::Rejection> {
      if (c.consent_id().empty()) return es::Rejection::InvalidArgument("consent_id", "must not be empty");
      if (state.active().contains(c.consent_id())) {
        return es::Rejection::AlreadyExists("CONSENT_EXISTS", "this consent is already recorded");
      }
      *events.emplace_back().mutable_consent_recorded() = c;
      return std::nullopt;
    };
    switch (command.kind_case()) {
      case Command::kRecord:
        if (auto r = record(command.record())) return *r;
        return events;
      case Command::kRecordMany:
        for (const auto& c : command.record_many().consents()) {
          if (auto r = record(c)) return *r;
        }
        return events;
      case Command::kWithdrawConsentId: {
        auto it = state.active().find(command.withdraw_consent_id());
        if (it == state.active().end()) {
          return es::Rejection::FailedPrecondition("CONSENT_NOT_ACTIVE", "no active consent with this id");
        }
        auto* w = events.emplace_back().mutable_consent_withdrawn();
        w->set_consent_id(it->first);
        w->set_person_id(it->second.person_id());
        return events;
      }
      case Command::KIND_NOT_SET:
        break;
    }
    return es::Rejection::InvalidArgument("kind", "a command must say what to do");
  }

  static State Evolve(State state, const Event& event) {
    if (event.has_consent_recorded()) {
      (*state.mutable_active())[event.consent_recorded().consent_id()] = event.consent_recorded();
    } else if (event.has_consent_withdrawn()) {
      state.mutable_active()->erase(event.consent_withdrawn().consent_id());
      state.set_withdrawn_count(state.withdrawn_count() + 1);
    }
    return state;
  }

  static const Event* EventOf(const hub::v1::EventEnvelope& envelope) {
    return envelope.has_intake() ? &envelope.intake() : nullptr;
  }
  static void PutEvent(const Event& event, hub::v1::EventEnvelope* envelope) {
    *envelope->mutable_intake() = event;
  }
};

static_assert(es::EnvelopedDecider<ConsentLedger>);

}  // namespace hub::testing

// Time travel: a household's state per service, folded from chosen events with each service's own
// Evolve (intake::IntakeDecider, plan::PlanDecider, referral::ReferralDecider,
// beschikking::BeschikkingDecider), so the audit shows exactly what the service itself would
// have derived from those events. Pure: no I/O, no clock. Sealed values stay sealed.
#pragma once

#include <vector>

#include "hub/v1/audit.pb.h"
#include "hub/v1/envelope.pb.h"

namespace hub::audit {

// Folds `events` (every service's events of one household, each service's in stream order; other
// payloads are ignored) into one ServiceState per service that has at least one event, in the
// order intake, plan, referral, beschikking.
hub::v1::HouseholdView FoldHousehold(const std::vector<const hub::v1::EventEnvelope*>& events);

}  // namespace hub::audit

#include "services/audit/history.h"

#include "common/es/enveloped_decider.h"
#include "google/protobuf/util/json_util.h"
#include "services/beschikking/decider.h"
#include "services/intake/decider.h"
#include "services/plan/decider.h"
#include "services/referral/decider.h"

namespace hub::audit {
namespace {

template <es::EnvelopedDecider D>
void Fold(const std::vector<const hub::v1::EventEnvelope*>& events, hub::v1::HouseholdView* view) {
  typename D::State state = D::Initial();
  int64_t version = 0;
  int64_t folded = 0;
  for (const auto* envelope : events) {
    const typename D::Event* payload = D::EventOf(*envelope);
    if (payload == nullptr) continue;
    state = D::Evolve(std::move(state), *payload);
    version = static_cast<int64_t>(envelope->stream_version());
    ++folded;
  }
  if (folded == 0) return;
  auto* service = view->add_services();
  service->set_service(std::string(D::kProducer));
  service->set_topic(es::TopicFor(D::kProducer));
  service->set_stream_version(version);
  service->set_events(folded);
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(state, &json, options).ok()) json = "{}";
  service->set_state_json(std::move(json));
}

}  // namespace

hub::v1::HouseholdView FoldHousehold(const std::vector<const hub::v1::EventEnvelope*>& events) {
  hub::v1::HouseholdView view;
  Fold<intake::IntakeDecider>(events, &view);
  Fold<plan::PlanDecider>(events, &view);
  Fold<referral::ReferralDecider>(events, &view);
  Fold<beschikking::BeschikkingDecider>(events, &view);
  return view;
}

}  // namespace hub::audit

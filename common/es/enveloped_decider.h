// EnvelopedDecider: a Decider whose events travel in the hub's EventEnvelope.
//
// Besides the Decider functions, the type names its producing service and how its Event sits in
// the envelope's payload oneof. State and Event are protobuf messages, so state can be stored in a
// projection and events on the log.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>

#include "common/es/decider.h"
#include "google/protobuf/message.h"
#include "hub/v1/envelope.pb.h"

namespace hub::es {

//   static constexpr std::string_view kProducer = "intake";   // topic hub.<producer>.events.v1
//   static constexpr uint32_t kSchemaVersion = 1;
//   static const Event* EventOf(const hub::v1::EventEnvelope&);  // nullptr if not this service's
//   static void PutEvent(const Event&, hub::v1::EventEnvelope*);
template <class D>
concept EnvelopedDecider =
    Decider<D> && std::is_base_of_v<google::protobuf::Message, typename D::State> &&
    std::is_base_of_v<google::protobuf::Message, typename D::Event> &&
    requires(const hub::v1::EventEnvelope& envelope, hub::v1::EventEnvelope* out, const typename D::Event& event) {
      { D::kProducer } -> std::convertible_to<std::string_view>;
      { D::kSchemaVersion } -> std::convertible_to<uint32_t>;
      { D::EventOf(envelope) } -> std::same_as<const typename D::Event*>;
      { D::PutEvent(event, out) };
    };

// The topic a producer's events go to.
inline std::string TopicFor(std::string_view producer) {
  return "hub." + std::string(producer) + ".events.v1";
}

}  // namespace hub::es

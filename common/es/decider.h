// The decider: the shape of every piece of business logic in the hub.
//
//   decide(command, state) -> events | rejection     evolve(state, event) -> state
//
// Both are pure, total and deterministic: no clock, no I/O, no randomness. Whatever time or ids a
// command needs arrive inside the command. A service adapter loads state, calls Decide, appends the
// events and maps a Rejection to a gRPC status; it holds no business rule of its own.
#pragma once

#include <concepts>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace hub::es {

// Why a command was refused. A value, not an exception.
struct Rejection {
  enum class Kind {
    kInvalidArgument,     // the command is malformed; `field` names the offending field
    kFailedPrecondition,  // a business rule forbids it now; `reason` is a stable code
    kNotFound,
    kAlreadyExists,
    kPermissionDenied,
  };
  Kind kind = Kind::kFailedPrecondition;
  std::string reason;   // machine-readable, UPPER_SNAKE_CASE, stable across releases
  std::string field;    // for kInvalidArgument: the field path, e.g. "persons[0].bsn"
  std::string message;  // for people; never contains personal data

  static Rejection InvalidArgument(std::string field, std::string message);
  static Rejection FailedPrecondition(std::string reason, std::string message);
  static Rejection NotFound(std::string reason, std::string message);
  static Rejection AlreadyExists(std::string reason, std::string message);
  static Rejection PermissionDenied(std::string reason, std::string message);

  bool operator==(const Rejection&) const = default;
};

// The absl status a rejection becomes at a module boundary; the reason and field travel as
// payloads (rejection_payload.h) so the gRPC layer can add details.
absl::Status ToStatus(const Rejection& rejection);

// The outcome of Decide: the events that happen, or why nothing happens.
template <class Event>
class Decision {
 public:
  Decision(std::vector<Event> events) : value_(std::move(events)) {}  // NOLINT: implicit on purpose
  Decision(Rejection rejection) : value_(std::move(rejection)) {}    // NOLINT: implicit on purpose

  bool accepted() const { return std::holds_alternative<std::vector<Event>>(value_); }
  const std::vector<Event>& events() const { return std::get<std::vector<Event>>(value_); }
  std::vector<Event>& events() { return std::get<std::vector<Event>>(value_); }
  const Rejection& rejection() const { return std::get<Rejection>(value_); }

 private:
  std::variant<std::vector<Event>, Rejection> value_;
};

// A decider type D names its types and provides three static functions:
//   static State Initial();
//   static Decision<Event> Decide(const Command&, const State&);
//   static State Evolve(State, const Event&);
template <class D>
concept Decider = requires(const typename D::Command& command, const typename D::State& state,
                           typename D::State owned, const typename D::Event& event) {
  { D::Initial() } -> std::same_as<typename D::State>;
  { D::Decide(command, state) } -> std::same_as<Decision<typename D::Event>>;
  { D::Evolve(std::move(owned), event) } -> std::same_as<typename D::State>;
};

// Folds a history into a state, starting from D::Initial().
template <Decider D>
typename D::State Fold(const std::vector<typename D::Event>& history) {
  typename D::State state = D::Initial();
  for (const auto& event : history) state = D::Evolve(std::move(state), event);
  return state;
}

}  // namespace hub::es

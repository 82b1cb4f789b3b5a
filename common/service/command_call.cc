#include "common/service/command_call.h"

#include <algorithm>
#include <cctype>

#include "common/crypto/hash_chain.h"
#include "common/crypto/sealing.h"
#include "common/es/envelope.h"
#include "fmt/format.h"

namespace hub::service {

using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {
constexpr auto kDefaultDeadline = std::chrono::seconds(30);
}  // namespace

absl::Status Invalid(std::string_view field, std::string_view reason) {
  return es::ToStatus(es::Rejection::InvalidArgument(std::string(field), std::string(reason)));
}

absl::Status Allow(const rpc::Caller& caller, std::initializer_list<config::OrganisationKind> kinds,
                   std::string_view action) {
  const config::OrganisationKind kind = caller.organisation->kind;
  if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      fmt::format("an organisation of kind {} may not {}", config::KindName(kind), action));
}

absl::Status CheckId(std::string_view field, const std::string& value) {
  if (value.empty()) return Invalid(field, "must not be empty");
  if (value.size() > 128) return Invalid(field, "longer than 128 characters");
  return absl::OkStatus();
}

absl::Status CheckText(std::string_view field, const std::string& value, bool required) {
  constexpr size_t kMaxText = 20'000;
  if (required && value.empty()) return Invalid(field, "must not be empty");
  if (value.size() > kMaxText) return Invalid(field, fmt::format("longer than {} characters", kMaxText));
  return absl::OkStatus();
}

std::string OpenOrEmpty(crypto::KeyStore& keys, std::string_view tenant, const hub::v1::SealedValue& sealed,
                        std::string_view associated_data) {
  if (sealed.ciphertext().empty()) return {};
  auto plain = keys.OpenFrom(tenant, sealed, associated_data);
  return plain.ok() ? *plain : std::string();
}

steady_clock::time_point DeadlineOf(const grpc::ServerContext* context) {
  const auto deadline = context->deadline();
  const auto now = system_clock::now();
  if (deadline <= now) return steady_clock::now();
  if (deadline - now > std::chrono::hours(1)) return steady_clock::now() + kDefaultDeadline;  // "infinite"
  return steady_clock::now() + std::chrono::duration_cast<steady_clock::duration>(deadline - now);
}

std::string Metadata(const grpc::ServerContext* context, std::string_view key) {
  auto it = context->client_metadata().find(grpc::string_ref(key.data(), key.size()));
  if (it == context->client_metadata().end()) return {};
  return std::string(it->second.data(), it->second.size());
}

std::string TraceId(const grpc::ServerContext* context) {
  // "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"
  const std::string traceparent = Metadata(context, "traceparent");
  if (traceparent.size() >= 55 && traceparent[2] == '-' && traceparent[35] == '-') {
    std::string id = traceparent.substr(3, 32);
    if (std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      return id;
    }
  }
  return crypto::ToHex(crypto::RandomBytes(16));
}

std::vector<log::Position> Positions(const google::protobuf::RepeatedPtrField<hub::v1::Position>& positions) {
  std::vector<log::Position> out;
  for (const auto& p : positions) out.push_back({p.topic(), p.partition(), p.offset()});
  return out;
}

void FillReply(const es::CommandOutcome& outcome, hub::v1::CommandReply* reply) {
  reply->set_household_id(outcome.household_id);
  reply->set_version(outcome.stream_version);
  reply->set_replayed(outcome.replayed);
  if (outcome.last_position) {
    auto* p = reply->add_positions();
    p->set_topic(outcome.last_position->topic);
    p->set_partition(outcome.last_position->partition);
    p->set_offset(outcome.last_position->offset);
  }
  for (const auto& e : outcome.events) reply->add_event_ids(e.event_id());
}

absl::StatusOr<PreparedCommand> PrepareCommand(grpc::ServerContext* context, const hub::v1::CommandHeader& header,
                                               const config::Register& organisations, const es::Clock& clock,
                                               es::ProjectionRunner& runner,
                                               std::initializer_list<config::OrganisationKind> allowed,
                                               std::string_view action) {
  auto caller = rpc::CallerFromMetadata(context->client_metadata(), organisations);
  if (!caller.ok()) return caller.status();
  if (auto s = Allow(*caller, allowed, action); !s.ok()) return s;
  if (auto s = CheckId("header.request_id", header.request_id()); !s.ok()) return s;
  PreparedCommand prepared{std::move(*caller), {}};
  auto& ctx = prepared.context;
  ctx.deadline = DeadlineOf(context);
  const auto now = clock.Now();
  if (header.has_occurred_at()) {
    const auto occurred = es::FromTimestamp(header.occurred_at());
    if (occurred > now + std::chrono::minutes(5)) return Invalid("header.occurred_at", "lies in the future");
    ctx.metadata.occurred_at = occurred;
  }
  if (header.has_expected_version()) {
    if (header.expected_version() < 0) return Invalid("header.expected_version", "must not be negative");
    ctx.expected_version = header.expected_version();
  }
  if (!header.min_positions().empty()) {
    if (auto s = runner.WaitFor(Positions(header.min_positions()), ctx.deadline); !s.ok()) return s;
  }
  auto& meta = ctx.metadata;
  meta.tenant = prepared.caller.tenant;
  meta.actor.set_organisation_id(prepared.caller.organisation_id);
  meta.actor.set_role(prepared.caller.role);
  meta.actor.set_user_pseudonym(prepared.caller.user_pseudonym);
  meta.actor.set_on_behalf_of(Metadata(context, "x-hub-on-behalf-of"));
  meta.request_id = header.request_id();
  meta.correlation_id = header.correlation_id().empty() ? header.request_id() : header.correlation_id();
  meta.trace_id = TraceId(context);
  return prepared;
}

}  // namespace hub::service

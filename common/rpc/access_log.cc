#include "common/rpc/access_log.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>

#include "common/rpc/metrics_interceptor.h"
#include "fmt/format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/string_ref.h"

namespace hub::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxValue = 256;  // metadata values are untrusted: bounded before they are kept

std::string RandomHex(size_t bytes) {
  std::array<unsigned char, 16> raw{};
  RAND_bytes(raw.data(), static_cast<int>(bytes));
  std::string out;
  for (size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", raw[i]);
  return out;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string Bounded(std::string_view value) { return std::string(value.substr(0, kMaxValue)); }

void ToTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out) {
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  out->set_seconds(nanos / 1'000'000'000);
  out->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
}

// A top-level string field `name` of `message`, or empty.
std::string StringField(const google::protobuf::Message& message, std::string_view name) {
  const auto* field = message.GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->is_repeated() || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return {};
  }
  return message.GetReflection()->GetString(message, field);
}

// The household a reply names: its household_id, or that of its CommandReply `result`.
std::string ReplyHousehold(const google::protobuf::Message& reply) {
  if (std::string id = StringField(reply, "household_id"); !id.empty()) return id;
  const auto* field = reply.GetDescriptor()->FindFieldByName("result");
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
      field->is_repeated() || !reply.GetReflection()->HasField(reply, field)) {
    return {};
  }
  return StringField(reply.GetReflection()->GetMessage(reply, field), "household_id");
}

class AccessLogInterceptor : public grpc::experimental::Interceptor {
 public:
  AccessLogInterceptor(AccessLogWriter* writer, const std::string& resource, std::string service, std::string method)
      : writer_(writer), start_(std::chrono::system_clock::now()) {
    record_.set_resource(resource);
    record_.set_operation(Bounded(fmt::format("{}/{}", service, method)));
    record_.set_action(ActionOf(method));
    record_.set_processing_activity(DefaultProcessingActivity(service));
    record_.set_span_id(RandomHex(8));
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ReadMetadata(methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      if (const void* request = methods->GetRecvMessage(); request != nullptr && record_.data_subject_id().empty()) {
        // Every hub service speaks protobuf: the request is a generated Message.
        const auto* message = static_cast<const google::protobuf::Message*>(request);
        if (std::string id = StringField(*message, "household_id"); !id.empty()) {
          SetSubject(id, "HOUSEHOLD");
        } else if (std::string subject = StringField(*message, "data_subject_id"); !subject.empty()) {
          SetSubject(subject, "SUBJECT");
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      if (const void* reply = methods->GetSendMessage(); reply != nullptr && record_.data_subject_id().empty()) {
        const std::string id = ReplyHousehold(*static_cast<const google::protobuf::Message*>(reply));
        if (!id.empty()) SetSubject(id, "HOUSEHOLD");
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && !written_) {
      written_ = true;
      record_.set_outcome(std::string(GrpcCodeName(methods->GetSendStatus().error_code())));
      ToTimestamp(start_, record_.mutable_start_time());
      ToTimestamp(std::chrono::system_clock::now(), record_.mutable_end_time());
      if (absl::Status s = writer_->Write(record_); !s.ok()) {
        // No access record, no answer.
        methods->ModifySendStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                               "the access log cannot be written; the call is refused"));
      }
    }
    methods->Proceed();
  }

 private:
  void SetSubject(const std::string& id, std::string_view type) {
    record_.set_data_subject_id(Bounded(id));
    record_.set_data_subject_id_type(std::string(type));
  }

  void ReadMetadata(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    if (metadata == nullptr) return;
    auto get = [&](std::string_view key) -> std::string {
      auto it = metadata->find(grpc::string_ref(key.data(), key.size()));
      return it == metadata->end() ? std::string() : Bounded(std::string_view(it->second.data(), it->second.size()));
    };
    record_.set_tenant(get("x-hub-tenant"));
    record_.set_organisation_id(get("x-hub-organisation"));
    record_.set_role(get("x-hub-role"));
    record_.set_user_pseudonym(get("x-hub-user"));
    record_.set_on_behalf_of(get("x-hub-on-behalf-of"));
    if (std::string activity = get("x-hub-processing-activity"); activity.starts_with("urn:")) {
      record_.set_processing_activity(activity);
    }
    // "00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>"
    const std::string traceparent = get("traceparent");
    if (traceparent.size() >= 55 && traceparent[2] == '-' && traceparent[35] == '-' && traceparent[52] == '-' &&
        IsHex(traceparent.substr(3, 32)) && IsHex(traceparent.substr(36, 16))) {
      record_.set_trace_id(traceparent.substr(3, 32));
      record_.set_parent_span_id(traceparent.substr(36, 16));
      return;
    }
    // None (or malformed): start a trace here and hand it to the handler through the metadata.
    record_.set_trace_id(RandomHex(16));
    traceparent_ = fmt::format("00-{}-{}-01", record_.trace_id(), record_.span_id());
    if (auto it = metadata->find("traceparent"); it != metadata->end()) metadata->erase(it);
    metadata->emplace(grpc::string_ref(kTraceparentKey), grpc::string_ref(traceparent_));
  }

  static constexpr char kTraceparentKey[] = "traceparent";
  AccessLogWriter* writer_;
  const std::chrono::system_clock::time_point start_;
  hub::v1::AccessRecorded record_;
  std::string traceparent_;  // outlives the call: the metadata map refers to it
  bool written_ = false;      // the hooks of one call run one at a time
};

}  // namespace

hub::v1::AccessAction ActionOf(std::string_view method) {
  auto starts = [&](std::string_view prefix) { return method.starts_with(prefix); };
  if (starts("Get") || starts("Replay")) return hub::v1::ACCESS_ACTION_READ;
  if (starts("List")) return hub::v1::ACCESS_ACTION_SEARCH;
  if (starts("Export")) return hub::v1::ACCESS_ACTION_EXPORT;
  for (std::string_view prefix : {"Register", "Request", "Submit", "Draft", "Add", "Record", "Issue", "File", "Import",
                                  "Escalate", "Report"}) {
    if (starts(prefix)) return hub::v1::ACCESS_ACTION_CREATE;
  }
  return hub::v1::ACCESS_ACTION_CHANGE;
}

std::string DefaultProcessingActivity(std::string_view service) {
  std::string_view name = service;
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) name = name.substr(dot + 1);
  if (name.ends_with("Service")) name.remove_suffix(std::string_view("Service").size());
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return fmt::format("urn:hub:verwerking:{}", lower);
}

grpc::experimental::Interceptor* AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // "/hub.v1.PlanService/GetPlan": only the hub's own services touch personal data; health and
  // reflection do not.
  std::string_view path = info->method() == nullptr ? "" : info->method();
  if (!path.starts_with("/hub.v1.")) return nullptr;
  path.remove_prefix(1);
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return nullptr;
  return new AccessLogInterceptor(writer_, resource_, std::string(path.substr(0, slash)),
                                  std::string(path.substr(slash + 1)));
}

}  // namespace hub::rpc

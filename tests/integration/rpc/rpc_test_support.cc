#include "tests/integration/rpc/rpc_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "common/es/decider.h"
#include "common/rpc/caller.h"
#include "common/rpc/metrics_interceptor.h"
#include "common/rpc/status.h"
#include "fmt/format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "tests/integration/rpc/health.grpc.pb.h"

namespace hub::rpc::testing {

grpc::Status ProbeService::Run(grpc::ServerContext* context,
                               const hub::test::v1::RunRequest* request,
                               hub::test::v1::RunReply* reply) {
  absl::StatusOr<Caller> caller = CallerFromMetadata(context->client_metadata(), register_);
  if (!caller.ok()) return Fail(context, caller.status());
  if (!request->reject_reason().empty()) {
    return Fail(context, es::ToStatus(es::Rejection::FailedPrecondition(
                             request->reject_reason(), "the probe was asked to refuse")));
  }
  if (!request->reject_field().empty()) {
    return Fail(context, es::ToStatus(es::Rejection::InvalidArgument(
                             request->reject_field(), "the probe was asked to refuse this field")));
  }
  reply->set_organisation_id(caller->organisation_id);
  reply->set_tenant(caller->tenant);
  reply->set_role(caller->role);
  return grpc::Status::OK;
}

config::Register ShippedRegister() {
  absl::StatusOr<config::Register> reg = config::Register::LoadFile(
      std::string(HUB_SOURCE_DIR) + "/deploy/config/organisations.json");
  if (!reg.ok()) {
    fmt::print(stderr, "cannot load the shipped register: {}\n", reg.status().ToString());
    std::abort();
  }
  return *std::move(reg);
}

void AddGoodCaller(grpc::ClientContext* context) {
  context->AddMetadata(kTenantKey, "GM0632");
  context->AddMetadata(kOrganisationKey, "woerdenwijzer");
  context->AddMetadata(kRoleKey, "casusregisseur");
  context->AddMetadata(kUserKey, "5f2b9c0e41d8a7c3");
}

absl::StatusOr<std::string> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  // Closes the socket on every return path.
  const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* p) {
    close(*p);
    delete p;
  });
  timeval timeout{.tv_sec = 5, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return absl::UnavailableError(fmt::format("cannot connect to 127.0.0.1:{}", port));
  }
  // HTTP/1.0: the server closes the connection after the response, so reading to EOF is enough.
  const std::string request = fmt::format("GET {} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", path);
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return absl::UnavailableError("send failed");
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) return absl::DeadlineExceededError("recv failed or timed out");
    if (n == 0) break;
    response.append(buffer, static_cast<size_t>(n));
  }
  const size_t body = response.find("\r\n\r\n");
  if (body == std::string::npos) return absl::DataLossError("no HTTP header end");
  const std::string status_line = response.substr(0, response.find("\r\n"));
  if (status_line.find(" 200 ") == std::string::npos) {
    return absl::NotFoundError(fmt::format("HTTP answer: {}", status_line));
  }
  return response.substr(body + 4);
}

std::string HealthStatus(const std::shared_ptr<grpc::Channel>& channel,
                         const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return std::string(GrpcCodeName(status.error_code()));
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

namespace {

// Waits for the completion of `tag` on `cq`; false if the operation failed or timed out.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  if (cq.AsyncNext(&got, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) return false;
  return got == tag && ok;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReflectionServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  // The Debian packages ship no reflection.pb.h, but libgrpc++_reflection registers the
  // descriptors of grpc.reflection.v1alpha in the generated pool; dynamic messages built from them
  // plus a generic stub make a complete client without a copy of the .proto.
  namespace pb = google::protobuf;
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::Descriptor* request_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const pb::Descriptor* response_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) {
    return absl::NotFoundError("reflection descriptors are not in the generated pool");
  }
  pb::DynamicMessageFactory factory(pool);
  std::unique_ptr<pb::Message> request(factory.GetPrototype(request_type)->New());
  request->GetReflection()->SetString(request.get(), request_type->FindFieldByName("list_services"),
                                      "*");
  std::string request_bytes;
  request->SerializeToString(&request_bytes);

  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  int tags[5];
  call->StartCall(&tags[0]);
  if (!Await(cq, &tags[0])) return absl::UnavailableError("reflection call did not start");
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, &tags[1]);
  if (!Await(cq, &tags[1])) return absl::UnavailableError("reflection write failed");
  grpc::ByteBuffer in;
  call->Read(&in, &tags[2]);
  const bool read = Await(cq, &tags[2]);
  call->WritesDone(&tags[3]);
  Await(cq, &tags[3]);
  grpc::Status status;
  call->Finish(&status, &tags[4]);
  Await(cq, &tags[4]);
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  if (!read) return absl::UnavailableError(fmt::format("reflection read failed: {}",
                                                       status.error_message()));

  std::vector<grpc::Slice> slices;
  if (!in.Dump(&slices).ok()) return absl::DataLossError("cannot read the reflection answer");
  std::string response_bytes;
  for (const grpc::Slice& s : slices) {
    response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  std::unique_ptr<pb::Message> response(factory.GetPrototype(response_type)->New());
  if (!response->ParseFromString(response_bytes)) {
    return absl::DataLossError("cannot parse the reflection answer");
  }
  const pb::Reflection* reflection = response->GetReflection();
  const pb::FieldDescriptor* list_field = response_type->FindFieldByName("list_services_response");
  if (!reflection->HasField(*response, list_field)) {
    return absl::DataLossError(fmt::format("no list_services_response in {}",
                                           response->ShortDebugString()));
  }
  const pb::Message& list = reflection->GetMessage(*response, list_field);
  const pb::FieldDescriptor* service_field = list.GetDescriptor()->FindFieldByName("service");
  const pb::FieldDescriptor* name_field =
      service_field->message_type()->FindFieldByName("name");
  std::vector<std::string> names;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
    const pb::Message& service = list.GetReflection()->GetRepeatedMessage(list, service_field, i);
    names.push_back(service.GetReflection()->GetString(service, name_field));
  }
  return names;
}

std::shared_ptr<grpc::Channel> LoopbackChannel(int port) {
  auto channel =
      grpc::CreateChannel(fmt::format("127.0.0.1:{}", port), grpc::InsecureChannelCredentials());
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return channel;
}

}  // namespace hub::rpc::testing

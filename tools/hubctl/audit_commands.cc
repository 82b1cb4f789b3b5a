#include "tools/hubctl/audit_commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "common/audit/export_verifier.h"
#include "fmt/format.h"
#include "google/protobuf/util/time_util.h"
#include "tools/hubctl/exit_codes.h"
#include "tools/hubctl/output.h"
#include "tools/hubctl/parse.h"
#include "tools/hubctl/run.h"
#include "tools/hubctl/table.h"

namespace hub::hubctl {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kProgressAfterEvents = 10'000;

std::string Moment(const google::protobuf::Timestamp& t) { return TimeUtil::ToString(t); }

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// "intake.melding_registered": the payload case and the event case inside it, by reflection, so
// every service's events print without a table here.
std::string EventKind(const hub::v1::EventEnvelope& envelope) {
  const auto* descriptor = envelope.GetDescriptor();
  const auto* payload = descriptor->FindOneofByName("payload");
  const auto* field = payload == nullptr ? nullptr : envelope.GetReflection()->GetOneofFieldDescriptor(envelope, payload);
  if (field == nullptr) return "-";
  const auto& inner = envelope.GetReflection()->GetMessage(envelope, field);
  const auto* event_oneof = inner.GetDescriptor()->FindOneofByName("event");
  const auto* event = event_oneof == nullptr ? nullptr : inner.GetReflection()->GetOneofFieldDescriptor(inner, event_oneof);
  return event == nullptr ? field->name() : field->name() + "." + event->name();
}

std::string ActionName(hub::v1::AccessAction action) {
  return std::string(absl::StripPrefix(hub::v1::AccessAction_Name(action), "ACCESS_ACTION_"));
}

std::string KindName(hub::v1::ChainBreakKind kind) {
  return std::string(absl::StripPrefix(hub::v1::ChainBreakKind_Name(kind), "CHAIN_BREAK_KIND_"));
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

// A one-line progress bar on stderr, drawn at most ten times a second, once past 10,000 events.
class ProgressBar {
 public:
  ProgressBar(uint64_t total_bytes, bool enabled) : total_(total_bytes), enabled_(enabled) {}
  void Update(uint64_t bytes, int64_t events) {
    if (!enabled_ || events <= kProgressAfterEvents || total_ == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const double share = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
    constexpr int kWidth = 40;
    const int filled = static_cast<int>(share * kWidth);
    std::cerr << fmt::format("\rverifying [{}{}] {:3.0f}%  {} events", std::string(static_cast<size_t>(filled), '#'),
                             std::string(static_cast<size_t>(kWidth - filled), ' '), share * 100, events)
              << std::flush;
  }
  void Done() {
    if (drawn_) std::cerr << "\r" << std::string(80, ' ') << "\r" << std::flush;
  }

 private:
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

int Usage(const std::string& message) {
  std::cerr << "hubctl: " << message << "\n";
  return kExitUsage;
}

}  // namespace

int AuditVerify(const Globals& globals, const AuditVerifyArgs& args) {
  std::string key;
  if (!args.public_key_hex.empty()) {
    if (args.public_key_hex.size() != 64 ||
        args.public_key_hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return Usage("--public-key: 64 hexadecimal digits (the 32-byte Ed25519 key `hubctl audit key` prints)");
    }
    key = absl::HexStringToBytes(args.public_key_hex);
  }
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::cerr << "hubctl: cannot open " << args.file << "\n";
    return kExitOther;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0, std::ios::beg);
  ProgressBar progress(size, isatty(STDERR_FILENO) == 1);
  audit::ExportVerifier verifier(key);
  const absl::Status read = audit::ReadExportItems(in, [&](const hub::v1::ExportItem& item) {
    const bool go_on = verifier.Add(item);
    if (item.has_event()) progress.Update(static_cast<uint64_t>(std::max<std::streamoff>(0, in.tellg())), verifier.events());
    return go_on;
  });
  progress.Done();
  // A file that stops decoding is reported as such, unless an earlier item already failed a check.
  const bool unreadable = !read.ok() && !verifier.failed();
  audit::ExportSummary summary = verifier.Finish();
  for (const auto& warning : summary.warnings) std::cerr << "hubctl: warning: " << warning << "\n";
  if (unreadable) {
    std::cout << "NOT VERIFIED: " << args.file << ": " << read.message() << "\n";
    return kExitOther;
  }
  if (globals.json) {
    std::cout << fmt::format(
        "{{\"verified\": {}, \"events\": {}, \"streams\": {}, \"checkpoints\": {}, \"proofs\": {}, \"failure\": {}}}\n",
        summary.ok() ? "true" : "false", summary.events, summary.streams, summary.checkpoints, summary.proofs,
        summary.ok() ? "null" : "\"" + absl::CEscape(summary.failure->Describe()) + "\"");
  } else if (summary.ok()) {
    std::cout << fmt::format("verified: {} events in {} streams, {} inclusion proofs against {} signed checkpoints\n",
                             summary.events, summary.streams, summary.proofs, summary.checkpoints);
  } else {
    std::cout << "NOT VERIFIED: " << summary.failure->Describe() << "\n";
  }
  return summary.ok() ? kExitOk : kExitOther;
}

int AuditExport(const Globals& globals, const AuditExportArgs& args) {
  hub::v1::ExportHistoryRequest request;
  if (!args.household_id.empty()) {
    request.set_household_id(args.household_id);
  } else {
    request.set_tenant(args.tenant);
  }
  std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "hubctl: cannot write " << args.output << "\n";
    return kExitOther;
  }
  int64_t events = 0;
  int64_t checkpoints = 0;
  std::string key_id;
  bool written = true;
  Client client(globals.client);
  const CallResult result = client.ExportHistory(request, [&](const hub::v1::ExportItem& item) {
    if (item.has_header()) key_id = item.header().key_id();
    events += item.has_event() ? 1 : 0;
    checkpoints += item.has_checkpoint() ? 1 : 0;
    written = audit::WriteExportItem(item, out);
    return written;
  });
  out.close();
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (!written || !out) {
    std::cerr << "hubctl: writing " << args.output << " failed\n";
    return kExitOther;
  }
  std::cout << fmt::format("wrote {}: {} events, {} checkpoints, signed with key {}\n", args.output, events,
                           checkpoints, key_id);
  return kExitOk;
}

int AuditReplay(const Globals& globals, const AuditReplayArgs& args) {
  hub::v1::ReplayHouseholdRequest request;
  request.set_household_id(args.household_id);
  if (!args.until.empty()) *request.mutable_up_to_record_time() = *ParseMoment(args.until);
  Table table({"RECORDED", "OCCURRED", "TOPIC", "POSITION", "VERSION", "EVENT", "BY"});
  bool printed = true;
  Client client(globals.client);
  const CallResult result = client.ReplayHousehold(request, [&](const hub::v1::ReplayedEvent& event) {
    if (globals.json) {
      printed = PrintJson(event, std::cout);
      return printed;
    }
    const auto& e = event.envelope();
    table.AddRow({Moment(e.recorded_at()), Moment(e.occurred_at()), event.topic(),
                  fmt::format("{}@{}", event.partition(), event.offset()), std::to_string(e.stream_version()),
                  EventKind(e), fmt::format("{}/{}", OrDash(e.actor().organisation_id()), OrDash(e.actor().role()))});
    return true;
  });
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (!globals.json) {
    if (table.empty()) {
      std::cout << "no events\n";
    } else {
      table.Print(std::cout);
    }
  }
  std::cout.flush();
  return printed && std::cout.good() ? kExitOk : kExitOther;
}

int AuditAsOf(const Globals& globals, const AuditAsOfArgs& args) {
  hub::v1::GetHouseholdAsOfRequest request;
  request.set_household_id(args.household_id);
  if (!args.record_time.empty()) *request.mutable_record_time() = *ParseMoment(args.record_time);
  if (!args.valid_time.empty()) *request.mutable_valid_time() = *ParseMoment(args.valid_time);
  hub::v1::HouseholdAsOf reply;
  Client client(globals.client);
  const CallResult result = client.GetHouseholdAsOf(request, &reply);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (globals.json) return PrintJson(reply, std::cout) ? kExitOk : kExitOther;
  KeyValues lines;
  lines.Add("household", reply.household_id());
  lines.Add("tenant", reply.tenant());
  lines.Add("record time", Moment(reply.record_time()));
  lines.Add("valid time", Moment(reply.valid_time()));
  lines.Print(std::cout);
  auto print_view = [](const std::string& title, const hub::v1::HouseholdView& view) {
    std::cout << "\n" << title << "\n";
    if (view.services().empty()) std::cout << "  no events\n";
    for (const auto& s : view.services()) {
      std::cout << fmt::format("  {} (version {}, {} events)\n    {}\n", s.service(), s.stream_version(), s.events(),
                               s.state_json());
    }
  };
  print_view("As the hub knew it at the record time:", reply.as_recorded());
  print_view("As it was valid at the valid time (known at the record time):", reply.as_valid());
  return std::cout.good() ? kExitOk : kExitOther;
}

int AuditAccessLog(const Globals& globals, const AuditAccessLogArgs& args) {
  hub::v1::GetAccessLogRequest request;
  request.set_data_subject_id(args.subject);
  request.set_resident_view(args.resident_view);
  request.set_chronological(args.chronological);
  request.mutable_page()->set_page_size(args.page_size);
  request.mutable_page()->set_page_token(args.page_token);
  hub::v1::AccessLogPage all;
  Client client(globals.client);
  for (;;) {
    hub::v1::AccessLogPage page;
    const CallResult result = client.GetAccessLog(request, &page);
    if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
    all.set_data_subject_id(page.data_subject_id());
    for (auto& e : *page.mutable_entries()) *all.add_entries() = std::move(e);
    all.set_next_page_token(page.next_page_token());
    if (!args.all || page.next_page_token().empty()) break;
    request.mutable_page()->set_page_token(page.next_page_token());
  }
  if (globals.json) return PrintJson(all, std::cout) ? kExitOk : kExitOther;
  if (all.entries().empty()) {
    std::cout << "no accesses recorded\n";
    return kExitOk;
  }
  if (args.resident_view) {
    Table table({"WHEN", "ORGANISATION", "ROLE", "WHAT", "PURPOSE"});
    for (const auto& e : all.entries()) {
      table.AddRow({Moment(e.start_time()), OrDash(e.organisation_name().empty() ? e.organisation_id() : e.organisation_name()),
                    OrDash(e.role()), ActionName(e.action()), OrDash(e.processing_activity())});
    }
    table.Print(std::cout);
  } else {
    Table table({"WHEN", "ORGANISATION", "ROLE", "USER", "ACTION", "OPERATION", "PURPOSE", "OUTCOME"});
    for (const auto& e : all.entries()) {
      table.AddRow({Moment(e.start_time()), OrDash(e.organisation_id()), OrDash(e.role()), OrDash(e.user_pseudonym()),
                    ActionName(e.action()), OrDash(e.operation()), OrDash(e.processing_activity()), OrDash(e.outcome())});
    }
    table.Print(std::cout);
  }
  if (!all.next_page_token().empty()) std::cout << "next page: --page-token " << all.next_page_token() << "\n";
  return std::cout.good() ? kExitOk : kExitOther;
}

int AuditChainStatus(const Globals& globals, const AuditChainStatusArgs& args) {
  hub::v1::GetChainStatusRequest request;
  request.set_topic(args.topic);
  request.mutable_page()->set_page_size(500);
  hub::v1::ChainStatus reply;
  Client client(globals.client);
  const CallResult result = client.GetChainStatus(request, &reply);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (globals.json) return PrintJson(reply, std::cout) ? kExitOk : kExitOther;
  Table topics({"TOPIC", "VERIFIED", "LAG", "BREAKS"});
  for (const auto& t : reply.topics()) {
    topics.AddRow({t.topic(), std::to_string(t.records_verified()), std::to_string(t.lag()), std::to_string(t.breaks())});
  }
  topics.Print(std::cout);
  if (reply.breaks().empty()) {
    std::cout << "\nno breaks: every hash chain is intact\n";
  } else {
    std::cout << "\n";
    Table breaks({"KIND", "TOPIC", "PARTITION", "OFFSET", "HOUSEHOLD", "EXPECTED", "FOUND"});
    for (const auto& b : reply.breaks()) {
      breaks.AddRow({KindName(b.kind()), b.topic(), std::to_string(b.partition()), std::to_string(b.offset()),
                     OrDash(b.household_id()),
                     fmt::format("v{} {}", b.expected_version(), Hex(b.expected_hash()).substr(0, 12)),
                     fmt::format("v{} {}", b.found_version(), Hex(b.found_hash()).substr(0, 12))});
    }
    breaks.Print(std::cout);
    if (!reply.next_page_token().empty()) std::cout << "(more breaks than shown)\n";
  }
  return std::cout.good() ? kExitOk : kExitOther;
}

int AuditKey(const Globals& globals) {
  hub::v1::CheckpointKey reply;
  Client client(globals.client);
  const CallResult result = client.GetCheckpointKey(hub::v1::GetCheckpointKeyRequest(), &reply);
  if (!result.ok()) return Failed(result, globals, /*is_command=*/false);
  if (globals.json) return PrintJson(reply, std::cout) ? kExitOk : kExitOther;
  KeyValues lines;
  lines.Add("algorithm", reply.algorithm());
  lines.Add("key id", reply.key_id());
  lines.Add("public key", Hex(reply.public_key()));
  lines.Print(std::cout);
  return std::cout.good() ? kExitOk : kExitOther;
}

}  // namespace hub::hubctl

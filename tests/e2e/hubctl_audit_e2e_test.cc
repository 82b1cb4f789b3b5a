// hubctl's audit commands against a real hubd, the binaries themselves as child processes: an
// export written by `audit export` verifies offline with `audit verify` against the key `audit key`
// prints, and a changed byte makes it fail (exit 1) naming where; replay, as-of, the access log
// (also in the resident's view) and the chain status print what the hub holds; who may do what and
// the usage errors follow hubctl's exit codes.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/process.h"
#include "tests/testing/temp_dir.h"

namespace hub::e2e {
namespace {

using ::testing::HasSubstr;

constexpr char kHubd[] = HUBD_PATH;
constexpr char kHubctl[] = HUBCTL_PATH;
constexpr char kOrganisations[] = HUB_SOURCE_DIR "/deploy/config/organisations.json";
constexpr char kParent[] = "111222333,1984-03-12,Anna de Vries,parent";

constexpr int kExitOk = 0;
constexpr int kExitOther = 1;
constexpr int kExitUsage = 2;
constexpr int kExitDenied = 7;

const std::vector<std::string> kAsAuditor = {"--organisation", "accountant-gm0632", "--role", "auditor"};
const std::vector<std::string> kAsOperator = {"--organisation", "it-beheer-woerden", "--role", "operator"};

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Lowercase hex of the standard base64 protobuf's JSON mapping gives bytes fields.
std::string Base64ToHex(const std::string& b64) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  int bits = 0;
  uint32_t buffer = 0;
  for (char c : b64) {
    const size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;  // padding
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  std::string hex;
  for (unsigned char b : bytes) {
    static const char kDigits[] = "0123456789abcdef";
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0xf]);
  }
  return hex;
}

class HubctlAuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    hubd_ = Hubd::Start(kHubd, data_.Sub("hub"), kOrganisations, &error);
    ASSERT_NE(hubd_, nullptr) << error;
    const RunResult r = Hubctl({"melding", "register", "--person", kParent, "--channel", "phone", "--source", "school",
                                "--question", "Zorgen over de huur", "--life-domain", "FINANCIEN", "--json"});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
    const auto reply = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_TRUE(reply.is_object()) << Describe(r);
    household_ = reply["result"]["household_id"].get<std::string>();
  }

  void TearDown() override {
    if (hubd_ != nullptr && HasFailure()) std::cerr << "--- hubd stderr\n" << hubd_->log();
    hubd_.reset();
  }

  RunResult Hubctl(std::vector<std::string> args) {
    args.insert(args.begin(), {kHubctl, "--server", hubd_->address()});
    return RunProcess(args);
  }

  // `audit verify` needs no hub: run without --server.
  static RunResult Verify(const std::vector<std::string>& args) {
    return RunProcess(Concat({kHubctl, "audit", "verify"}, args));
  }

  testing::TempDir data_;
  std::unique_ptr<Hubd> hubd_;
  std::string household_;
};

TEST_F(HubctlAuditE2eTest, AnExportVerifiesOfflineAndAChangedByteIsNamed) {
  RunResult r = Hubctl(Concat(kAsAuditor, {"audit", "key", "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto key = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(key.is_object()) << Describe(r);
  const std::string public_key = Base64ToHex(key["public_key"].get<std::string>());
  ASSERT_EQ(public_key.size(), 64u);
  // The same key the service printed when it started.
  EXPECT_THAT(hubd_->log(), HasSubstr("public key " + public_key));

  const std::string file = data_.Sub("household.export");
  r = Hubctl(Concat(kAsAuditor, {"audit", "export", "--household", household_, "-o", file}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("1 events"));

  r = Verify({file, "--public-key", public_key});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("verified: 1 events in 1 streams, 1 inclusion proofs"));
  // Without a trusted key: verified against the export's own key, with a warning.
  r = Verify({file});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("no trusted public key"));
  // Against another key: not verified.
  r = Verify({file, "--public-key", std::string(64, '1')});
  EXPECT_EQ(r.exit_code, kExitOther) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("NOT VERIFIED"));

  // Change one byte of the event: its envelope carries the tenant code as text, and it is the first
  // "GM0632" after the checkpoint (whose stream is "hub.intake.events.v1/<partition>").
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const size_t checkpoint = bytes.find("hub.intake.events.v1/");
  ASSERT_NE(checkpoint, std::string::npos);
  const size_t at = bytes.find("GM0632", checkpoint);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 5] = '3';
  const std::string tampered = data_.Sub("tampered.export");
  std::ofstream(tampered, std::ios::binary) << bytes;
  r = Verify({tampered, "--public-key", public_key});
  EXPECT_EQ(r.exit_code, kExitOther) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("NOT VERIFIED: item"));
  EXPECT_THAT(r.out, HasSubstr("hub.intake.events.v1 partition"));
  EXPECT_THAT(r.out, HasSubstr(household_));

  // The tenant's export verifies too; the auditor acts for the tenant it names.
  const std::string tenant_file = data_.Sub("tenant.export");
  r = Hubctl(Concat(kAsAuditor, {"audit", "export", "--tenant", "GM0632", "-o", tenant_file}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  r = Verify({tenant_file, "--public-key", public_key, "--json"});
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto summary = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << Describe(r);
  EXPECT_EQ(summary["verified"], true);
  EXPECT_EQ(summary["events"], 1);
}

TEST_F(HubctlAuditE2eTest, ReplayAsOfAccessLogAndChainStatus) {
  RunResult r = Hubctl(Concat(kAsAuditor, {"audit", "replay", "--household", household_}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("intake.melding_registered"));
  EXPECT_THAT(r.out, HasSubstr("woerdenwijzer/consulent"));
  r = Hubctl(Concat(kAsAuditor, {"audit", "replay", "--household", household_, "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  std::istringstream lines(r.out);
  std::string line;
  int events = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(event.is_object()) << line;
    EXPECT_EQ(event["envelope"]["household_id"], household_);
    ++events;
  }
  EXPECT_EQ(events, 1);
  r = Hubctl(Concat(kAsAuditor, {"audit", "replay", "--household", household_, "--until", "2000-01-01T00:00:00Z"}));
  EXPECT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("no events"));

  r = Hubctl(Concat(kAsAuditor, {"audit", "as-of", "--household", household_}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("As the hub knew it at the record time:"));
  EXPECT_THAT(r.out, HasSubstr("intake (version 1, 1 events)"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("Anna")));  // sealed values stay sealed

  r = Hubctl(Concat(kAsAuditor, {"audit", "access-log", "--subject", household_, "--chronological"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("hub.v1.IntakeService/RegisterMelding"));
  EXPECT_THAT(r.out, HasSubstr("hub.v1.AuditService/ReplayHousehold"));
  // The resident asks at the desk: organisations by name, no users.
  r = Hubctl({"audit", "access-log", "--subject", household_, "--resident-view"});
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("WoerdenWijzer"));
  EXPECT_THAT(r.out, HasSubstr("Accountant gemeente Woerden"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("USER")));

  r = Hubctl(Concat(kAsOperator, {"audit", "chain-status"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("hub.intake.events.v1"));
  EXPECT_THAT(r.out, HasSubstr("no breaks"));
}

TEST_F(HubctlAuditE2eTest, PolicyReportsCountHouseholdsAndSuppressSmallCounts) {
  // One household: every count is under the threshold and reads "<5".
  RunResult r = Hubctl(Concat(kAsAuditor, {"report", "deadlines"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.out, HasSubstr("(<5 households; counts under 5 suppressed)"));
  const size_t row = r.out.find("\nMELDING_ONDERZOEK ");
  ASSERT_NE(row, std::string::npos) << Describe(r);
  const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
  EXPECT_THAT(line, ::testing::StartsWith("MELDING_ONDERZOEK"));
  EXPECT_THAT(line, HasSubstr(" <5 "));

  // Six households: the open onderzoeken are published.
  for (const char* bsn : {"100000009", "100000010", "100000022", "100000034", "100000046"}) {
    r = Hubctl({"melding", "register", "--person", std::string(bsn) + ",1980-01-01,Inwoner,parent", "--channel",
                "phone", "--source", "school", "--question", "Zorgen", "--life-domain", "FINANCIEN"});
    ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  }
  r = Hubctl(Concat(kAsAuditor, {"report", "deadlines", "--json"}));
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  const auto deadlines = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(deadlines.is_object()) << Describe(r);
  EXPECT_EQ(deadlines["header"]["households"]["count"], "6");
  EXPECT_EQ(deadlines["rows"][0]["kind"], "REPORT_DEADLINE_KIND_MELDING_ONDERZOEK");
  EXPECT_EQ(deadlines["rows"][0]["open"]["count"], "6");

  // The stapeling in the back-office layout; meldingen alone are no scheme.
  r = Hubctl({"report", "stapeling"});  // the social team may ask too
  ASSERT_EQ(r.exit_code, kExitOk) << Describe(r);
  for (const char* line : {"Stapeling van zorg, GM0632", "REGELING", "Jeugd", "Schuldhelpverlening", "Werk en inkomen",
                           "WMO Begeleiding", "WMO Voorzieningen", "Eindtotaal", "Met minstens een regeling"}) {
    EXPECT_THAT(r.out, HasSubstr(line));
  }
  for (const char* report : {"procesregie", "referrals", "bezwaren"}) {
    r = Hubctl(Concat(kAsAuditor, {"report", report, "--as-of", "2026-06-30", "--from", "2026-01-01"}));
    EXPECT_EQ(r.exit_code, kExitOk) << report << ": " << Describe(r);
  }

  // Not for an operator; a bad date names the field; a bad moment is a usage error.
  r = Hubctl(Concat(kAsOperator, {"report", "stapeling"}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  r = Hubctl(Concat(kAsAuditor, {"report", "stapeling", "--as-of", "2026-02-30"}));
  EXPECT_NE(r.exit_code, kExitOk) << Describe(r);
  EXPECT_THAT(r.err, HasSubstr("scope.as_of"));
  r = Hubctl(Concat(kAsAuditor, {"report", "stapeling", "--known-at", "yesterday"}));
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
}

TEST_F(HubctlAuditE2eTest, WhoMayAndUsageErrors) {
  RunResult r = Hubctl({"audit", "replay", "--household", household_});  // the social team
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  r = Hubctl(Concat(kAsOperator, {"audit", "as-of", "--household", household_}));
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);
  r = Hubctl({"audit", "access-log", "--subject", household_});  // social team without the resident's view
  EXPECT_EQ(r.exit_code, kExitDenied) << Describe(r);

  r = Hubctl(Concat(kAsAuditor, {"audit", "export", "-o", data_.Sub("x")}));
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Hubctl(Concat(kAsAuditor, {"audit", "replay", "--household", household_, "--until", "yesterday"}));
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Verify({data_.Sub("x"), "--public-key", "abc"});
  EXPECT_EQ(r.exit_code, kExitUsage) << Describe(r);
  r = Verify({data_.Sub("missing.export")});
  EXPECT_EQ(r.exit_code, kExitOther) << Describe(r);
}

}  // namespace
}  // namespace hub::e2e

#include "services/intake/projection.h"

#include "absl/strings/escaping.h"
#include "common/store/store.h"
#include "fmt/format.h"
#include "rocksdb/db.h"

namespace hub::intake {
namespace {

constexpr char kSep = '\x1f';  // unit separator: never part of an id, code or date
constexpr char kOpen[] = "O";
constexpr char kClosed[] = "C";

std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out.push_back(kSep);
    out.append(p);
  }
  return out;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == kSep) {
      parts.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

std::vector<std::string> IntakeIndex::Families() const {
  return {"intake_persons", "intake_meldingen", "intake_melding_keys"};
}

void IntakeIndex::Bind(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  db_ = db;
  persons_ = families.at(0);
  meldingen_ = families.at(1);
  melding_keys_ = families.at(2);
}

absl::Status IntakeIndex::Apply(const es::LoggedEvent& event, es::ProjectionWriter& writer) {
  const auto& envelope = event.envelope;
  if (!envelope.has_intake()) return absl::OkStatus();
  const auto& intake = envelope.intake();
  const std::string& tenant = envelope.tenant();
  const std::string& household = envelope.household_id();
  if (intake.has_melding_registered()) {
    const auto& e = intake.melding_registered();
    for (const auto& p : e.persons()) {
      writer.Put(persons_, Join({tenant, p.bsn_pseudonym()}), Join({household, p.person_id()}));
    }
    const std::string key = Join({tenant, kOpen, e.onderzoek_due(), household, e.melding_id()});
    writer.Put(meldingen_, key, e.registered_on());
    writer.Put(melding_keys_, Join({household, e.melding_id()}), key);
  } else if (intake.has_melding_closed()) {
    const std::string ref = Join({household, intake.melding_closed().melding_id()});
    auto old_key = writer.Get(melding_keys_, ref);
    if (!old_key.ok()) return absl::DataLossError("melding closed that was never registered");
    auto registered_on = writer.Get(meldingen_, *old_key);
    if (!registered_on.ok()) return registered_on.status();
    auto parts = Split(*old_key);
    const std::string key = Join({parts[0], kClosed, parts[2], parts[3], parts[4]});
    writer.Delete(meldingen_, *old_key);
    writer.Put(meldingen_, key, *registered_on);
    writer.Put(melding_keys_, ref, key);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<PersonLocation>> IntakeIndex::FindPerson(std::string_view tenant,
                                                                      std::string_view bsn_pseudonym) const {
  std::string value;
  auto s = db_->Get({}, persons_, Join({tenant, bsn_pseudonym}), &value);
  if (s.IsNotFound()) return std::optional<PersonLocation>();
  if (!s.ok()) return store::ToStatus(s, "person index");
  auto parts = Split(value);
  if (parts.size() != 2) return absl::DataLossError("undecodable person index entry");
  return std::optional<PersonLocation>(PersonLocation{parts[0], parts[1]});
}

absl::StatusOr<MeldingPage> IntakeIndex::ListMeldingen(const MeldingQuery& query) const {
  MeldingPage page;
  const int limit = query.page_size <= 0 ? 50 : std::min(query.page_size, 500);
  std::string resume;
  if (!query.page_token.empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(query.page_token, &decoded) || !decoded.starts_with(query.tenant + kSep)) {
      return absl::InvalidArgumentError("page.page_token: not a token from this list");
    }
    resume = decoded;
  }
  // Keys sort closed ("C") before open ("O"); each state is scanned in due-date order, and the
  // token names the last entry handed out, so a page resumes right after it.
  std::vector<std::string> states;
  if (!query.open.has_value() || !*query.open) states.push_back(kClosed);
  if (!query.open.has_value() || *query.open) states.push_back(kOpen);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, meldingen_));
  std::string last_key;
  for (const auto& state : states) {
    const std::string prefix = Join({query.tenant, state}) + kSep;
    std::string start = prefix;
    if (!resume.empty()) {
      if (resume.substr(0, prefix.size()) > prefix) continue;  // this state's page is done
      if (resume.starts_with(prefix)) start = resume;
    }
    for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string key = it->key().ToString();
      if (key == resume) continue;
      auto parts = Split(key);
      if (query.due_before && parts[2] > query.due_before->ToString()) break;  // ordered by due date
      if (static_cast<int>(page.meldingen.size()) == limit) {
        page.next_page_token = absl::WebSafeBase64Escape(last_key);
        return page;
      }
      page.meldingen.push_back({parts[3], parts[4], state == kOpen, parts[2], it->value().ToString()});
      last_key = key;
    }
    if (!it->status().ok()) return store::ToStatus(it->status(), "list meldingen");
  }
  return page;
}

absl::StatusOr<DeadlineCounts> IntakeIndex::CountDeadlines(std::string_view tenant, domain::Date today) const {
  DeadlineCounts counts;
  const std::string prefix = Join({tenant, kOpen}) + kSep;
  const std::string today_s = today.ToString();
  const std::string week_s = today.AddDays(7).ToString();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, meldingen_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const auto parts = Split(it->key().ToStringView());
    if (parts[2] < today_s) {
      counts.overdue++;
    } else if (parts[2] <= week_s) {
      counts.due_within_week++;
    } else {
      break;
    }
  }
  if (!it->status().ok()) return store::ToStatus(it->status(), "count deadlines");
  return counts;
}

}  // namespace hub::intake

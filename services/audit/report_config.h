// ReportConfig: how the policy reports are made per tenant: which granted products and which
// accepted referrals make up each scheme of the stapeling van zorg, in which order the schemes are
// shown, and the threshold under which a count is suppressed.
//
// Configuration, not data: loaded once at start-up from deploy/config/reports.json (format in
// deploy/config/README.md) and immutable afterwards, so it is safe to read from many threads.
// Loading is strict like the other configuration files (common/config/strict_json.h): every
// problem is reported at once with its JSON path. A tenant without its own entry gets the defaults.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hub::audit {

// Granted products of one law (hub.v1.Law), of the listed productcategorieën (all when empty).
struct ProductRule {
  int law = 0;
  std::set<std::string> categories;

  bool Matches(int product_law, const std::string& category) const;
};

// One scheme ("regeling") of the stapeling van zorg. A household has it on a date when a product
// line matching one of `products` is in force then, or a referral to a receiver of one of
// `referral_kinds` (hub.v1.ReceiverKind) was accepted and has not ended.
struct Scheme {
  std::string id;    // upper case, e.g. WMO_BEGELEIDING
  std::string name;  // as the table shows it, e.g. "WMO Begeleiding"
  std::vector<ProductRule> products;
  std::set<int> referral_kinds;
};

struct ReportPolicy {
  // Counts from 1 up to threshold - 1 are suppressed.
  int suppression_threshold = 5;
  std::vector<Scheme> schemes;
};

class ReportConfig {
 public:
  // The five schemes of Woerden's back-office table (seeds/004) and threshold 5; what
  // deploy/config/reports.json ships with.
  static ReportConfig Default();
  static absl::StatusOr<ReportConfig> FromJson(std::string_view text);
  static absl::StatusOr<ReportConfig> LoadFile(const std::string& path);

  // The tenant's policy: its own entry, or the defaults.
  const ReportPolicy& For(const std::string& tenant) const;

 private:
  ReportPolicy defaults_;
  std::map<std::string, ReportPolicy> tenants_;
};

}  // namespace hub::audit

// The closed vocabularies of the social domain: ZRM life domains, data categories, triage classes
// and teams. Codes are stable UPPER_SNAKE_CASE strings on the wire and in events, so adding a code
// never renumbers anything; these functions say which codes exist.
#pragma once

#include <span>
#include <string_view>

namespace hub::domain {

// The 13 life domains of the Zelfredzaamheidsmatrix (ZRM).
std::span<const std::string_view> LifeDomains();
bool IsLifeDomain(std::string_view code);
// Domains whose content is medical: a signal giver may never send them.
bool IsMedicalLifeDomain(std::string_view code);

// Categories of personal data a consent can cover and a signal can carry.
std::span<const std::string_view> DataCategories();
bool IsDataCategory(std::string_view code);
inline constexpr std::string_view kMedicalCategory = "MEDICAL";

// ENKELVOUDIG, MEERVOUDIG, MULTICOMPLEX, CRISIS.
bool IsTriageClass(std::string_view code);
// JEUGD (under 18) or WMO (18 and over).
bool IsTeam(std::string_view code);

// A ZRM score: 1 (acute problems) to 5 (fully self-reliant).
inline constexpr int kZrmMin = 1;
inline constexpr int kZrmMax = 5;

}  // namespace hub::domain

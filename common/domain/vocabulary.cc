#include "common/domain/vocabulary.h"

#include <algorithm>
#include <array>

namespace hub::domain {
namespace {

constexpr std::array<std::string_view, 13> kLifeDomains = {
    "FINANCIEN",          "WERK_OPLEIDING",          "TIJDSBESTEDING",  "HUISVESTING",
    "HUISELIJKE_RELATIES", "GEESTELIJKE_GEZONDHEID", "LICHAMELIJKE_GEZONDHEID",
    "MIDDELENGEBRUIK",    "BASALE_ADL",              "INSTRUMENTELE_ADL", "SOCIAAL_NETWERK",
    "MAATSCHAPPELIJKE_PARTICIPATIE", "JUSTITIE"};

constexpr std::array<std::string_view, 3> kMedicalLifeDomains = {"GEESTELIJKE_GEZONDHEID",
                                                                 "LICHAMELIJKE_GEZONDHEID", "MIDDELENGEBRUIK"};

constexpr std::array<std::string_view, 7> kDataCategories = {
    "CONTACT", "HOUSEHOLD_COMPOSITION", "TRIAGE", "PLAN", "FINANCIAL", "MEDICAL", "JUDICIAL"};

constexpr std::array<std::string_view, 4> kTriageClasses = {"ENKELVOUDIG", "MEERVOUDIG", "MULTICOMPLEX",
                                                            "CRISIS"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view code) {
  return std::find(list.begin(), list.end(), code) != list.end();
}

}  // namespace

std::span<const std::string_view> LifeDomains() { return kLifeDomains; }
bool IsLifeDomain(std::string_view code) { return Contains(kLifeDomains, code); }
bool IsMedicalLifeDomain(std::string_view code) { return Contains(kMedicalLifeDomains, code); }
std::span<const std::string_view> DataCategories() { return kDataCategories; }
bool IsDataCategory(std::string_view code) { return Contains(kDataCategories, code); }
bool IsTriageClass(std::string_view code) { return Contains(kTriageClasses, code); }
bool IsTeam(std::string_view code) { return code == "JEUGD" || code == "WMO"; }

}  // namespace hub::domain

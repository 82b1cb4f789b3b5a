#include "common/domain/local_date.h"

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hub::domain {

Date DutchDate(std::chrono::system_clock::time_point moment) {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    // Without tzdata the fixed CET offset is the best approximation; tzdata is a listed dependency.
    if (!absl::LoadTimeZone("Europe/Amsterdam", &tz)) tz = absl::FixedTimeZone(3600);
    return tz;
  }();
  const absl::CivilDay day = absl::ToCivilDay(absl::FromChrono(moment), zone);
  return *Date::FromCivil(static_cast<int>(day.year()), day.month(), day.day());
}

}  // namespace hub::domain

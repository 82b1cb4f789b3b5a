// The civil date in the Netherlands of a moment. Legal terms count Dutch calendar days, so a melding
// at 00:30 on a Tuesday in Woerden is a Tuesday melding, whatever the server's time zone.
#pragma once

#include <chrono>

#include "common/domain/date.h"

namespace hub::domain {

// The date in Europe/Amsterdam (CET/CEST) at `moment`.
Date DutchDate(std::chrono::system_clock::time_point moment);

}  // namespace hub::domain

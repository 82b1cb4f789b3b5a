// Test helper: turns an ISO literal into a Date, failing the current test (instead of crashing)
// when the literal is not a real day.

#ifndef HUB_TESTS_UNIT_DOMAIN_TEST_DATES_H_
#define HUB_TESTS_UNIT_DOMAIN_TEST_DATES_H_

#include <string_view>

#include "common/domain/date.h"
#include "gtest/gtest.h"

namespace hub::domain::testing {

inline Date D(std::string_view iso) {
  absl::StatusOr<Date> date = Date::Parse(iso);
  if (!date.ok()) {
    ADD_FAILURE() << "bad date literal in test: " << iso << ": " << date.status();
    return Date();
  }
  return *date;
}

}  // namespace hub::domain::testing

#endif  // HUB_TESTS_UNIT_DOMAIN_TEST_DATES_H_

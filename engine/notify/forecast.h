#pragma once

// Looking ahead (预警预测): what falls due and which ladder steps fire in the
// next days, against the live data, changing nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/escalation.h"
#include "engine/store/store.h"

namespace qingling::notify {

struct ForecastFiring {
  Issue issue;
  std::string step;       // code
  std::string step_name;  // 督查通报
  int period = 0;
  Instant due{};
  bool overdue = false;  // due already: fires at the next wake-up
  std::optional<Level> level;
  std::vector<std::string> notify;  // unit names (and roles) it goes to
};

struct Forecast {
  Instant from{};
  Instant to{};
  std::vector<Issue> deadlines;         // open problems whose deadline falls in the window
  std::vector<ForecastFiring> firings;  // in time order
};

// Everything in (now, now + days] for the problems in `jurisdiction`.
Forecast forecast(store::ReadView& view, const RuleSet& rules, const UnitTree& units,
                  const std::string& jurisdiction, Instant now, int days);

}  // namespace qingling::notify

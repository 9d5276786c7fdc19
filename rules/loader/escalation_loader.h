#pragma once

// Private to rules/loader: reads escalation.yaml (the ladder) into
// `rules.escalation`, checking names against what the pack has so far.

#include <yaml-cpp/yaml.h>

#include "engine/core/rule_set.h"
#include "rules/loader/yaml_support.h"

namespace qingling::rules {

// `rules` must already hold roles, states, categories and severities;
// `has_calendar` says whether working days can be counted.
void read_escalation(const YAML::Node& root, ErrorSink& sink, bool has_calendar, RuleSet& rules);

}  // namespace qingling::rules

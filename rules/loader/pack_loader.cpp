#include "rules/loader/pack_loader.h"
#include "rules/loader/yaml_support.h"

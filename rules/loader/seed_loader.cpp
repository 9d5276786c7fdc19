#include "rules/loader/seed_loader.h"

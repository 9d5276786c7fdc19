#include "web/demo/demo_data.h"

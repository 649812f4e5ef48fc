#include "common/LogCategories.h"

Q_LOGGING_CATEGORY(lcScheduler, "jc.scheduler", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlerts, "jc.alerts", QtInfoMsg)

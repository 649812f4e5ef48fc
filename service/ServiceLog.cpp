#include "service/ServiceLog.h"

Q_LOGGING_CATEGORY(lcMetrics, "jc.metrics", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlerts, "jc.alerts", QtInfoMsg)

#include "service/ServiceLog.h"

Q_LOGGING_CATEGORY(lcMetrics, "jc.metrics", QtInfoMsg)

#pragma once

#include <QLoggingCategory>

#include "common/LogCategories.h" // lcAlerts, shared with core/alerts

// The categories service/ logs through: "jc.metrics" (the endpoint's address, refused
// connections; each request at debug level) and core's "jc.alerts" (each alert sent, retried
// or given up on, with the webhook's answer).
Q_DECLARE_LOGGING_CATEGORY(lcMetrics)

#pragma once

#include <QLoggingCategory>

// The category service/ logs through: "jc.metrics" (the endpoint's address, refused
// connections; each request at debug level).
Q_DECLARE_LOGGING_CATEGORY(lcMetrics)

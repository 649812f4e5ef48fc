#pragma once

#include <QLoggingCategory>

// The named categories core logs through. Enable with QT_LOGGING_RULES, e.g.
// "jc.scheduler.debug=true". Jobs log through their own category, jc.job.<slug>.
Q_DECLARE_LOGGING_CATEGORY(lcScheduler)
// "jc.alerts": what alerts were judged by, and (service/) each alert sent, retried or given
// up on, with the webhook's answer.
Q_DECLARE_LOGGING_CATEGORY(lcAlerts)

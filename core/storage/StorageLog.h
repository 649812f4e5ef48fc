#pragma once

#include <QLoggingCategory>

// The storage layer's category: connections, migrations, stores. Enable its debug output with
// QT_LOGGING_RULES="jc.storage.debug=true". Passwords never reach it.
Q_DECLARE_LOGGING_CATEGORY(lcStorage)

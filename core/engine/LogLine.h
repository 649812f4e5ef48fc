#pragma once

#include <QString>
#include <QVariantMap>
#include <QtGlobal>

namespace jc {

enum class LogLevel { Debug, Info, Warning, Error };

QString toText(LogLevel level);

// One line a run wrote: kept with the run so an admin can read it afterwards.
struct LogLine
{
    qint64 timeMSecs = 0; // since the epoch, UTC
    LogLevel level = LogLevel::Info;
    QString message;
    QVariantMap fields;
};

} // namespace jc

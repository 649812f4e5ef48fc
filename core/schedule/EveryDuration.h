#pragma once

#include "common/Expected.h"
#include "schedule/ScheduleError.h"

#include <QString>
#include <QtGlobal>

namespace jc {

// The duration of "@every <duration>": whole days, hours, minutes and seconds written in that
// order ("90s", "15m", "1h30m", "1d12h"), at least one second.
class EveryDuration
{
public:
    static constexpr qint64 MaxSeconds = qint64(36500) * 86400; // 100 years is plenty

    // text: the part after "@every", e.g. "1h30m"; any case, white space ignored.
    static Expected<EveryDuration, ScheduleError> parse(const QString &text);

    [[nodiscard]] qint64 milliseconds() const { return m_seconds * 1000; }
    [[nodiscard]] QString text() const { return m_text; } // normalized: "1h30m"

private:
    EveryDuration(qint64 seconds, QString text);

    qint64 m_seconds = 0;
    QString m_text;
};

} // namespace jc

#pragma once

// A timestamp as the web app's drivers write it on SQLite — "2025-11-30 23:00:00.5-08:00",
// "...Z", "...T...", or no zone at all (UTC, as CURRENT_TIMESTAMP) — taken apart for writing
// the same instant into MySQL, which has no timestamp literal with an offset: the wall time (to
// whole seconds, as the app's TIMESTAMP columns keep it) and the offset. Needs Qt Core only.
#include <QDateTime>
#include <QRegularExpression>
#include <QString>

namespace jc::test {

struct AppTimeText
{
    QString wall;          // "2025-11-30 23:00:00"
    int offsetMinutes = 0; // -480 for "-08:00"
    bool valid = false;

    static AppTimeText parse(const QString &text)
    {
        static const QRegularExpression form(QStringLiteral(
            R"(^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?(Z|([+-])(\d\d):(\d\d))?$)"));
        const auto match = form.match(text);
        if (!match.hasMatch())
            return {};
        AppTimeText parsed{match.captured(1) + u' ' + match.captured(2), 0, true};
        if (match.hasCaptured(4)) {
            const int sign = match.captured(4) == QLatin1String("-") ? -1 : 1;
            parsed.offsetMinutes =
                sign * (match.captured(5).toInt() * 60 + match.captured(6).toInt());
        }
        return parsed;
    }

    // The offset as MySQL's time_zone takes it: "-08:00".
    QString zone() const
    {
        const int minutes = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
        return QStringLiteral("%1%2:%3")
            .arg(offsetMinutes < 0 ? QChar(u'-') : QChar(u'+'))
            .arg(minutes / 60, 2, 10, QLatin1Char('0'))
            .arg(minutes % 60, 2, 10, QLatin1Char('0'));
    }

    // The same instant's wall time in UTC. By hand: QTimeZone takes offsets up to 14:00 only,
    // and SQLite reads (and the tests write) up to 14:59.
    QString utcWall() const
    {
        const QDateTime local = QDateTime::fromString(wall, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        return QDateTime(local.date(), local.time(), Qt::UTC)
            .addSecs(-qint64(offsetMinutes) * 60)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
};

} // namespace jc::test

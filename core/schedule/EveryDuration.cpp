#include "schedule/EveryDuration.h"

#include <array>

namespace jc {

namespace {

constexpr std::array<qint64, 4> UnitSeconds = {86400, 3600, 60, 1};

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

ScheduleError everyError(const QString &reason)
{
    return ScheduleError{QStringLiteral("@every"), reason};
}

} // namespace

EveryDuration::EveryDuration(qint64 seconds, QString text)
    : m_seconds(seconds)
    , m_text(std::move(text))
{}

Expected<EveryDuration, ScheduleError> EveryDuration::parse(const QString &text)
{
    // Spaces may separate components ("1h 30m") but never split a number: "1 5m" must not
    // silently become 15m.
    const QString lowered = text.toLower().trimmed();
    if (lowered.isEmpty())
        return Unexpected(everyError(QStringLiteral("missing duration, as in \"@every 15m\"")));
    if (lowered.startsWith(QLatin1Char('-')))
        return Unexpected(everyError(QStringLiteral("the duration must be positive")));

    const QString units = QStringLiteral("dhms");
    qsizetype previousUnit = -1;
    qint64 total = 0;
    QString normalized;
    for (qsizetype i = 0; i < lowered.size();) {
        while (i < lowered.size() && lowered[i].isSpace())
            ++i;
        qsizetype j = i;
        while (j < lowered.size() && isDigit(lowered[j]))
            ++j;
        qsizetype k = j;
        while (k < lowered.size() && !isDigit(lowered[k]) && !lowered[k].isSpace())
            ++k;
        const QString number = lowered.mid(i, j - i);
        const QString unit = lowered.mid(j, k - j);
        if (number.isEmpty())
            return Unexpected(
                everyError(QStringLiteral("\"%1\" has no number before it").arg(unit)));
        if (unit.isEmpty())
            return Unexpected(
                everyError(QStringLiteral("%1 has no unit (use d, h, m, s)").arg(number)));
        const qsizetype index = unit.size() == 1 ? units.indexOf(unit) : -1;
        if (index < 0)
            return Unexpected(
                everyError(QStringLiteral("unknown unit \"%1\" (use d, h, m, s)").arg(unit)));
        if (index <= previousUnit) {
            return Unexpected(
                everyError(QStringLiteral("units must come in the order d, h, m, s, each at "
                                          "most once, as in 1h30m; got \"%1\"")
                               .arg(lowered)));
        }
        // Over 12 digits is too long in any unit and could overflow.
        total += number.size() > 12
                     ? EveryDuration::MaxSeconds + 1
                     : number.toLongLong() * UnitSeconds[static_cast<std::size_t>(index)];
        if (total > MaxSeconds) {
            return Unexpected(everyError(QStringLiteral("%1 is too long (at most %2d)")
                                             .arg(normalized + number + unit)
                                             .arg(MaxSeconds / 86400)));
        }
        normalized += number + unit;
        previousUnit = index;
        i = k;
    }
    if (total < 1)
        return Unexpected(everyError(QStringLiteral("the duration must be at least 1s")));
    return EveryDuration(total, normalized);
}

} // namespace jc

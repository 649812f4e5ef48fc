#include "common/RepeatedFailure.h"

#include <QDateTime>
#include <QMutexLocker>

namespace jc {

RepeatedFailure::RepeatedFailure(qint64 remindEveryMSecs)
    : m_remindEveryMSecs(remindEveryMSecs)
{}

std::optional<QString> RepeatedFailure::failed(const QString &what, const QString &error,
                                               qint64 nowMSecs)
{
    const QMutexLocker lock(&m_mutex);
    Streak &streak = m_streaks[what];
    ++streak.failures;
    if (streak.failures == 1) {
        streak.firstAtMSecs = nowMSecs;
        streak.lastLoggedAtMSecs = nowMSecs;
        return QStringLiteral("%1: %2").arg(what, error);
    }
    if (nowMSecs - streak.lastLoggedAtMSecs < m_remindEveryMSecs)
        return std::nullopt;
    streak.lastLoggedAtMSecs = nowMSecs;
    return QStringLiteral("%1: %2 (still failing: %3 times since %4)")
        .arg(what, error, QString::number(streak.failures), clockTime(streak.firstAtMSecs));
}

std::optional<QString> RepeatedFailure::succeeded(const QString &what)
{
    const QMutexLocker lock(&m_mutex);
    const auto streak = m_streaks.constFind(what);
    if (streak == m_streaks.cend())
        return std::nullopt;
    const QString line =
        QStringLiteral("No longer failing (%1 time(s) since %2): %3")
            .arg(QString::number(streak->failures), clockTime(streak->firstAtMSecs), what);
    m_streaks.erase(streak);
    return line;
}

void RepeatedFailure::note(const QLoggingCategory &category, const QString &what,
                           const std::optional<QString> &error, qint64 nowMSecs)
{
    const auto line = error ? failed(what, *error, nowMSecs) : succeeded(what);
    if (line && error)
        qCWarning(category).noquote() << *line;
    else if (line)
        qCInfo(category).noquote() << *line;
}

QString RepeatedFailure::clockTime(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(QStringLiteral("HH:mm:ss")) +
           QStringLiteral(" UTC");
}

} // namespace jc

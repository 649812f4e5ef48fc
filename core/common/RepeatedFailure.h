#pragma once

#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QString>

#include <optional>

namespace jc {

// Warnings that an outage would repeat every few seconds (a heartbeat, a poll, an alert
// check): each kind (`what`) is logged when it first fails, then at most once every
// `remindEveryMSecs` while it keeps failing, saying how often and since when; and once when it
// works again. A database outage of an hour then writes a few lines per instance instead of a
// thousand, and its end is on record (the service tester's round 2, defect 8: ~60 lines a
// minute per instance).
//
// The caller logs the lines it is given, in its own category. Instants are milliseconds since
// the epoch, from the caller's clock. Thread: any; the kinds are shared under a mutex.
class RepeatedFailure
{
public:
    static constexpr qint64 defaultRemindEveryMSecs = 300'000; // 5 minutes

    explicit RepeatedFailure(qint64 remindEveryMSecs = defaultRemindEveryMSecs);

    // `what` failed at `nowMSecs` with `error`. The line to log now, or nothing:
    //  - the first failure: "<what>: <error>";
    //  - a reminder: "<what>: <error> (still failing: 61 times since 03:32:27 UTC)".
    [[nodiscard]] std::optional<QString> failed(const QString &what, const QString &error,
                                                qint64 nowMSecs);
    // `what` worked. After failures, the line saying so ("No longer failing (61 time(s) since
    // 03:32:27 UTC): <what>"); otherwise nothing.
    [[nodiscard]] std::optional<QString> succeeded(const QString &what);

    // The outcome of a step (`error`: it failed), logged to `category` as the two above decide:
    // the failures as warnings, the end of one as information.
    void note(const QLoggingCategory &category, const QString &what,
              const std::optional<QString> &error, qint64 nowMSecs);

private:
    struct Streak
    {
        qint64 firstAtMSecs = 0;
        qint64 lastLoggedAtMSecs = 0;
        qint64 failures = 0;
    };

    static QString clockTime(qint64 msecs);

    const qint64 m_remindEveryMSecs;
    QMutex m_mutex;
    QHash<QString, Streak> m_streaks;
};

} // namespace jc

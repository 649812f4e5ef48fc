#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <optional>

namespace jc {

// What an alert is about. The run outcomes that are problems, occurrences missed, a success
// after an alerted streak of problems, a job without a success for too long, and a run
// going on far longer than usual.
enum class AlertKind {
    Failed,
    TimedOut,
    Interrupted,
    Abandoned,
    Missed,
    Recovered,
    NoSuccess,
    Slow
};

QString toText(AlertKind kind); // "failed", "timed_out", ..., "recovered": the JSON's `kind`
std::optional<AlertKind> alertKindFromString(const QString &text);

// One alert: an event of a job that someone should hear of, as `jobctl serve` posts it to
// its webhooks (toJson()) and records it once across instances (AlertStore::claim()).
struct Alert
{
    QString job;
    AlertKind kind = AlertKind::Failed;
    QString outcome;      // the run's outcome ("failed"), "missed" or "succeeded" (recovered)
    QString message;      // the error's first line, or what was missed, in words
    qint64 runId = 0;     // the run it is about (0: none, a missed occurrence)
    QDateTime occurrence; // no-success: the last success (invalid: never)
    QString instance;     // the instance that saw it
    QDateTime at;         // when it was seen
    // failures in a row (failed…, recovered), occurrences missed (missed), hours without a
    // success (no_success), minutes running (slow)
    int count = 1;

    // The event it reports, the same on every instance that sees it: "run:42",
    // "recovered:43", "missed:JOB:1764806400000", "no-success:JOB:1764806400000" (since that
    // success; 0: never), "slow:44". Recorded once (AlertStore::claim()).
    [[nodiscard]] QString eventKey() const;
    // One line a person reads as is (chat tools such as Slack show the JSON's `text`):
    // "Stale Credit Purchase Cleanup failed (3rd time in a row): disk full — run 42,
    // occurrence 2026-12-04T00:00:00Z".
    [[nodiscard]] QString text() const;
    // What happened, without the job's name and the run: "failed (3rd time in a row): disk
    // full" (the console's tray, which names the job its own way).
    [[nodiscard]] QString event() const;
    // {job, kind, outcome, message, run_id, occurrence, instance, at, count, text}; run_id
    // and occurrence are null when unknown, times are ISO 8601 in UTC.
    [[nodiscard]] QJsonObject toJson() const;
    // What toJson() wrote (an unknown kind reads as Failed).
    static Alert fromJson(const QJsonObject &json);
};

} // namespace jc

Q_DECLARE_METATYPE(jc::Alert)

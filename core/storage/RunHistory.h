#pragma once

#include "common/Expected.h"
#include "engine/LogLine.h"
#include "engine/RunOutcome.h"
#include "engine/RunProgress.h"
#include "engine/RunTrigger.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <memory>
#include <optional>

namespace jc {

struct PerJobStatement;

// One jc_runs row as the console and jobctl show it. Times are in Qt::UTC; invalid where the
// column is NULL.
struct StoredRun
{
    qint64 id = 0;
    QString job;
    RunTrigger trigger = RunTrigger::Scheduled;
    QDateTime occurrence;
    QString occurrenceKey;
    RunOutcome outcome = RunOutcome::Running; // the `status` column
    QDateTime startedAt;
    QDateTime finishedAt;
    QDateTime heartbeatAt;
    QString error;
    int attempts = 0;
    QString instanceId;
    QString requestedBy;
    QString reason;
    bool dryRun = false;
    QJsonObject summary;
    RunProgress progress; // as of the last heartbeat (kept after the run ended)
    QDateTime cancelRequestedAt;
    QString cancelRequestedBy;
    int missedCount = 0;    // skipped and missed rows: how many occurrences the row stands for
    QString holder;         // who runs it (ProcessIdentity); empty for rows of older builds
    qint64 leaseMSecs = 0;  // the lease it runs under; 0: not recorded (RunLiveness)
    qint64 sessionLock = 0; // its holder's presence lock (InstancePresence); 0: none
    // Read with the row, for a running row: the database says its holder's session has ended
    // (HolderSessions). Always false on SQLite and for rows without a session lock.
    bool sessionEnded = false;
};

// One line of a run's log.
struct StoredLogLine
{
    qint64 runId = 0;
    int seq = 0;
    QDateTime loggedAt; // Qt::UTC
    LogLevel level = LogLevel::Info;
    QString message;
    QVariantMap fields;
};

// What changes whenever a per-job answer of RunHistory may change: a new row (the newest id),
// a run starting, heartbeating, progressing, being asked to cancel or ending (the running
// rows), a settings change (its newest id). Equal marks: the per-job answers are the same, and
// a console need not read them again.
struct RunsMark
{
    qint64 newestRunId = 0;
    qint64 running = 0;       // how many rows are running
    qint64 runningDigest = 0; // a sum over the running rows' ids, heartbeats, progress, cancels
    qint64 newestChangeId = 0;

    friend bool operator==(const RunsMark &, const RunsMark &) = default;
};

// Which runs to list, newest first. Every filter is optional and they combine with AND.
// Every member has an initializer so that designated initializers may name any subset
// (`history.runs({.job = name, .limit = 20})`) without -Wmissing-field-initializers.
struct RunQuery
{
    QString job{};                // exact job name; empty: every job
    QList<RunOutcome> outcomes{}; // empty: every status
    QDateTime since{};            // started at or after; invalid: no bound
    QDateTime until{};            // started before (exclusive); invalid: no bound
    QString errorContains{};      // case-insensitive substring of the error text, literally
                                  // (%, _ and \ match themselves). SQLite folds ASCII case only.
    qint64 beforeId = 0;          // keyset paging: only ids below this; 0: from the newest
    int limit = 100;              // at most this many rows; clamped to 1..10000
};

// The read side of run history, for jobctl and the console.
//
// Paging is by keyset: runs() returns rows in id DESC order, and the next page is asked for
// with beforeId = the last id of this one. Each page is an index range scan, so the millionth
// row costs what the first does (OFFSET would read and discard every row before it).
//
// The per-job reads (latest run, last success, last occurrence) seek an index once per job and
// answer (PerJobReads), so a year of history costs what a week does.
//
// Thread: any member from any thread; each call uses the calling thread's own connection.
// Errors are values: a message saying what could not be read and why.
class RunHistory
{
public:
    explicit RunHistory(std::shared_ptr<ConnectionFactory> connections);

    [[nodiscard]] Expected<QList<StoredRun>, QString> runs(const RunQuery &query) const;
    [[nodiscard]] Expected<std::optional<StoredRun>, QString> run(qint64 id) const;

    // Lines with seq > afterSeq, in seq order, at most `limit` (clamped to 1..10000). Page on
    // with afterSeq = the last seq returned; -1 starts at the first line.
    [[nodiscard]] Expected<QList<StoredLogLine>, QString> logLines(qint64 runId, int afterSeq,
                                                                   int limit) const;

    // Per job, its latest run that did run: running or ended, not skipped or missed. "Latest"
    // by start time (a retry re-opens an older row), then by id. For `jobctl list`.
    [[nodiscard]] Expected<QHash<QString, StoredRun>, QString> latestRunPerJob() const;

    // Per job, when its last real (not dry) run succeeded: finished_at of the newest
    // succeeded row. Jobs that never succeeded are absent. For the "last success" column.
    [[nodiscard]] Expected<QHash<QString, QDateTime>, QString> lastSuccessPerJob() const;

    // Per job, the newest occurrence (epoch ms) the scheduler has dealt with: the largest
    // occurrence of its scheduled, catch-up, retry and backfill rows, which include the
    // skipped and missed rows it recorded. Manual runs do not count: their occurrence is when
    // someone asked. For missed-run detection at start-up, and for JobHealth's "overdue".
    [[nodiscard]] Expected<QHash<QString, qint64>, QString> lastOccurrencePerJob() const;

    // Per job, its last occurrence (as above) when it did not get done: the row under its own
    // key failed, timed out, was interrupted or abandoned, or is `missed` because the database
    // could not be reached to claim it; and no real run of that occurrence succeeded since.
    // Jobs whose last occurrence is done (or never ran) are absent. Start-up catch-up runs
    // these again (Scheduler::setUnfinishedOccurrences).
    [[nodiscard]] Expected<QHash<QString, qint64>, QString> unfinishedLastOccurrencePerJob() const;

    // The mark of the run history as of now (see RunsMark): four index seeks, however many
    // runs there are. The console reads it on every poll and the per-job answers only when it
    // moved, so an idle console reads next to nothing.
    [[nodiscard]] Expected<RunsMark, QString> mark() const;

    // The names of the jobs that have rows, in name order.
    [[nodiscard]] Expected<QStringList, QString> jobsWithRuns() const;

private:
    template <typename Value, typename Read>
    Expected<QHash<QString, Value>, QString>
    perJob(const PerJobStatement &statement, Read read,
           const QHash<QString, qint64> *only = nullptr) const;

    std::shared_ptr<ConnectionFactory> m_connections;
};

} // namespace jc

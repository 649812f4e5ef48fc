#include "storage/RunHistory.h"

#include "storage/HolderSessions.h"
#include "storage/PerJobReads.h"
#include "storage/RunPages.h"
#include "storage/SqlTime.h"
#include "storage/StorageLog.h"

#include <QJsonDocument>
#include <QStringList>
#include <QVariant>

#include <algorithm>

namespace jc {

namespace {

constexpr int MaxLimit = 10000;

// The columns readRun() reads, in its order.
const QString RunColumns = QStringLiteral(
    "id, job_name, \"trigger\", occurrence_ms, occurrence_key, status, started_at_ms, "
    "finished_at_ms, heartbeat_at_ms, error, attempts, instance_id, requested_by, reason, "
    "dry_run, summary, progress_done, progress_total, progress_text, cancel_requested_at_ms, "
    "cancel_requested_by, missed_count, holder, lease_ms, session_lock");

// A status or trigger this program does not know can only come from a newer one, which a
// newer schema would normally keep away; it reads as Failed / Scheduled rather than failing
// the whole page.
RunOutcome outcomeOf(const QString &text)
{
    if (const auto outcome = runOutcomeFromString(text))
        return *outcome;
    qCWarning(lcStorage) << "unknown run status" << text << "read as failed";
    return RunOutcome::Failed;
}

RunTrigger triggerOf(const QString &text)
{
    if (const auto trigger = runTriggerFromString(text))
        return *trigger;
    qCWarning(lcStorage) << "unknown run trigger" << text << "read as scheduled";
    return RunTrigger::Scheduled;
}

LogLevel levelOf(const QString &text)
{
    for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error}) {
        if (toText(level) == text)
            return level;
    }
    return LogLevel::Info;
}

QJsonObject jsonObject(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

StoredRun readRun(const SqlStatement &query)
{
    StoredRun run;
    run.id = query.value(0).toLongLong();
    run.job = query.value(1).toString();
    run.trigger = triggerOf(query.value(2).toString());
    run.occurrence = SqlTime::fromMsecs(query.value(3));
    run.occurrenceKey = query.value(4).toString();
    run.outcome = outcomeOf(query.value(5).toString());
    run.startedAt = SqlTime::fromMsecs(query.value(6));
    run.finishedAt = SqlTime::fromMsecs(query.value(7));
    run.heartbeatAt = SqlTime::fromMsecs(query.value(8));
    run.error = query.value(9).toString();
    run.attempts = query.value(10).toInt();
    run.instanceId = query.value(11).toString();
    run.requestedBy = query.value(12).toString();
    run.reason = query.value(13).toString();
    run.dryRun = query.value(14).toBool();
    run.summary = jsonObject(query.value(15));
    run.progress = {query.value(16).toLongLong(), query.value(17).toLongLong(),
                    query.value(18).toString()};
    run.cancelRequestedAt = SqlTime::fromMsecs(query.value(19));
    run.cancelRequestedBy = query.value(20).toString();
    run.missedCount = query.value(21).toInt();
    run.holder = query.value(22).toString();
    run.leaseMSecs = query.value(23).toLongLong();
    run.sessionLock = query.value(24).toLongLong();
    return run;
}

// Runs a read-only statement on the calling thread's connection; the query stays positioned
// before its first row.
Expected<SqlStatement, QString> select(ConnectionFactory &connections, const QString &sql,
                                       const SqlStatement::Values &values, const QString &what)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement statement(db.value(), sql);
    if (const auto failed = statement.exec(values))
        return Unexpected(QStringLiteral("Could not read %1: %2").arg(what, failed->text()));
    return statement;
}

Expected<QList<StoredRun>, QString> readRuns(Expected<SqlStatement, QString> query)
{
    if (!query)
        return Unexpected(query.error());
    QList<StoredRun> runs;
    while (query.value().next())
        runs.append(readRun(query.value()));
    return runs;
}

// Sets StoredRun::sessionEnded on the running runs in `runs` whose holder's session the
// database no longer has (PostgreSQL): one more statement, only when such a run was read.
template <typename Runs>
std::optional<QString> markEndedSessions(ConnectionFactory &connections, Runs &runs)
{
    const auto holdsSession = [](const StoredRun &run) {
        return run.outcome == RunOutcome::Running && run.sessionLock > 0;
    };
    if (std::none_of(runs.cbegin(), runs.cend(), holdsSession))
        return std::nullopt;
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return db.error();
    const auto sessions = HolderSessions::read(db.value(), connections.dialect());
    if (!sessions)
        return sessions.error();
    for (StoredRun &run : runs) {
        if (holdsSession(run))
            run.sessionEnded = sessions->ended(run.sessionLock).value_or(false);
    }
    return std::nullopt;
}

template <typename Runs>
Expected<Runs, QString> withSessions(ConnectionFactory &connections, Expected<Runs, QString> runs)
{
    if (!runs)
        return runs;
    if (auto error = markEndedSessions(connections, runs.value()))
        return Unexpected(*error);
    return runs;
}

} // namespace

RunHistory::RunHistory(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<QList<StoredRun>, QString> RunHistory::runs(const RunQuery &query) const
{
    RunQuery clamped = query;
    clamped.limit = std::clamp(query.limit, 1, MaxLimit);
    const RunPageStatement page = RunPages::page(clamped, m_connections->dialect(), RunColumns);
    return withSessions(*m_connections, readRuns(select(*m_connections, page.sql, page.values,
                                                        QStringLiteral("the run history"))));
}

Expected<std::optional<StoredRun>, QString> RunHistory::run(qint64 id) const
{
    const auto found = withSessions(
        *m_connections,
        readRuns(select(*m_connections,
                        QStringLiteral("SELECT %1 FROM jc_runs WHERE id = :run").arg(RunColumns),
                        {{QStringLiteral(":run"), id}}, QStringLiteral("run %1").arg(id))));
    if (!found)
        return Unexpected(found.error());
    if (found->isEmpty())
        return std::optional<StoredRun>();
    return std::optional<StoredRun>(found->constFirst());
}

Expected<QList<StoredLogLine>, QString> RunHistory::logLines(qint64 runId, int afterSeq,
                                                             int limit) const
{
    auto query = select(*m_connections,
                        QStringLiteral("SELECT seq, logged_at_ms, level, message, fields FROM "
                                       "jc_run_logs WHERE run_id = :run AND seq > :after ORDER BY "
                                       "seq LIMIT :limit"),
                        {{QStringLiteral(":run"), runId},
                         {QStringLiteral(":after"), afterSeq},
                         {QStringLiteral(":limit"), std::clamp(limit, 1, MaxLimit)}},
                        QStringLiteral("the log of run %1").arg(runId));
    if (!query)
        return Unexpected(query.error());
    QList<StoredLogLine> lines;
    SqlStatement &rows = query.value();
    while (rows.next()) {
        lines.append({runId, rows.value(0).toInt(), SqlTime::fromMsecs(rows.value(1)),
                      levelOf(rows.value(2).toString()), rows.value(3).toString(),
                      jsonObject(rows.value(4)).toVariantMap()});
    }
    return lines;
}

Expected<RunsMark, QString> RunHistory::mark() const
{
    // The running rows come from ix_jc_runs_status_started; the newest ids from the keys.
    auto query = select(
        *m_connections,
        QStringLiteral("SELECT (SELECT MAX(id) FROM jc_runs), (SELECT COUNT(*) FROM jc_runs WHERE "
                       "status = :running), (SELECT SUM(id + COALESCE(heartbeat_at_ms, 0) + "
                       "COALESCE(progress_done, 0) + COALESCE(cancel_requested_at_ms, 0) + "
                       "attempts) FROM jc_runs WHERE status = :running), (SELECT MAX(id) FROM "
                       "jc_job_changes)"),
        {{QStringLiteral(":running"), toText(RunOutcome::Running)}},
        QStringLiteral("whether the run history changed"));
    if (!query)
        return Unexpected(query.error());
    if (!query.value().next())
        return Unexpected(QStringLiteral("Could not read whether the run history changed: no row"));
    const SqlStatement &row = query.value();
    // PostgreSQL's SUM of bigint is numeric, which arrives as text: toLongLong reads both.
    return RunsMark{row.value(0).toLongLong(), row.value(1).toLongLong(), row.value(2).toLongLong(),
                    row.value(3).toLongLong()};
}

Expected<QStringList, QString> RunHistory::jobsWithRuns() const
{
    const PerJobStatement statement = PerJobReads::jobs(m_connections->dialect());
    auto query = select(*m_connections, statement.sql, statement.values, statement.what);
    if (!query)
        return Unexpected(query.error());
    QStringList jobs;
    while (query.value().next())
        jobs.append(query.value().value(0).toString());
    return jobs;
}

// Runs `statement` once per job with rows (or per job of `only`, with its value bound
// second); `read` turns the first row into the job's answer. Jobs without a row are absent.
template <typename Value, typename Read>
Expected<QHash<QString, Value>, QString>
RunHistory::perJob(const PerJobStatement &statement, Read read,
                   const QHash<QString, qint64> *only) const
{
    QStringList jobs;
    if (only) {
        jobs = only->keys();
    } else if (const auto found = jobsWithRuns(); found) {
        jobs = found.value();
    } else {
        return Unexpected(found.error());
    }
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    // Prepared once, executed per job: on PostgreSQL each prepare is a round trip of its own.
    SqlStatement query(db.value(), statement.sql);
    QHash<QString, Value> answers;
    SqlStatement::Values values = statement.values;
    for (const QString &job : std::as_const(jobs)) {
        values.insert(QStringLiteral(":job"), job);
        if (only)
            values.insert(QStringLiteral(":occurrence"), only->value(job));
        if (const auto failed = query.exec(values))
            return Unexpected(
                QStringLiteral("Could not read %1: %2").arg(statement.what, failed->text()));
        if (query.next())
            answers.insert(job, read(query));
        query.finish();
    }
    return answers;
}

Expected<QHash<QString, StoredRun>, QString> RunHistory::latestRunPerJob() const
{
    return withSessions(*m_connections,
                        perJob<StoredRun>(PerJobReads::latestRun(RunColumns), readRun));
}

Expected<QHash<QString, QDateTime>, QString> RunHistory::lastSuccessPerJob() const
{
    return perJob<QDateTime>(PerJobReads::lastSuccess(), [](const SqlStatement &row) {
        return SqlTime::fromMsecs(row.value(0));
    });
}

Expected<QHash<QString, qint64>, QString> RunHistory::lastOccurrencePerJob() const
{
    return perJob<qint64>(PerJobReads::lastOccurrence(),
                          [](const SqlStatement &row) { return row.value(0).toLongLong(); });
}

Expected<QHash<QString, qint64>, QString> RunHistory::unfinishedLastOccurrencePerJob() const
{
    const auto last = lastOccurrencePerJob();
    if (!last)
        return Unexpected(last.error());
    const QHash<QString, qint64> &occurrences = last.value();
    return perJob<qint64>(
        PerJobReads::unfinishedOccurrence(),
        [&occurrences](const SqlStatement &row) {
            return occurrences.value(row.value(0).toString());
        },
        &occurrences);
}

} // namespace jc

#include "storage/RunHistory.h"

#include "engine/SkipReason.h"
#include "storage/SqlErrors.h"
#include "storage/SqlTime.h"
#include "storage/StorageLog.h"

#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <algorithm>

namespace jc {

namespace {

constexpr int MaxLimit = 10000;

// The columns readRun() reads, in its order.
const QString RunColumns = QStringLiteral(
    "id, job_name, trigger, occurrence_ms, occurrence_key, status, started_at_ms, "
    "finished_at_ms, heartbeat_at_ms, error, attempts, instance_id, requested_by, reason, "
    "dry_run, summary, progress_done, progress_total, progress_text, cancel_requested_at_ms, "
    "cancel_requested_by, missed_count");

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

StoredRun readRun(const QSqlQuery &query)
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
    return run;
}

// The pattern for "contains `text` literally": %, _ and the escape character itself are
// escaped with a backslash, which is bound as the ESCAPE character (no quoting in the SQL).
QString containsPattern(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += u'%';
    for (const QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped += u'\\';
        escaped += c;
    }
    escaped += u'%';
    return escaped;
}

// The WHERE clause of a RunQuery: fixed SQL text per filter, every value bound.
struct Where
{
    QStringList conditions;
    QVariantList values;

    void add(const QString &condition, const QVariantList &bound)
    {
        conditions.append(condition);
        values.append(bound);
    }
    QString sql() const
    {
        return conditions.isEmpty()
                   ? QString()
                   : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    }
};

Where whereFor(const RunQuery &query, SqlDialect dialect)
{
    Where where;
    if (!query.job.isEmpty())
        where.add(QStringLiteral("job_name = ?"), {query.job});
    if (!query.outcomes.isEmpty()) {
        QStringList marks;
        QVariantList statuses;
        for (const RunOutcome outcome : query.outcomes) {
            marks.append(QStringLiteral("?"));
            statuses.append(toText(outcome));
        }
        where.add(QStringLiteral("status IN (%1)").arg(marks.join(QStringLiteral(", "))), statuses);
    }
    if (query.since.isValid())
        where.add(QStringLiteral("started_at_ms >= ?"), {query.since.toMSecsSinceEpoch()});
    if (query.until.isValid())
        where.add(QStringLiteral("started_at_ms < ?"), {query.until.toMSecsSinceEpoch()});
    if (!query.errorContains.isEmpty()) {
        // SQLite's LIKE ignores ASCII case; PostgreSQL's needs ILIKE.
        where.add(dialect == SqlDialect::Postgres ? QStringLiteral("error ILIKE ? ESCAPE ?")
                                                  : QStringLiteral("error LIKE ? ESCAPE ?"),
                  {containsPattern(query.errorContains), QStringLiteral("\\")});
    }
    if (query.beforeId > 0)
        where.add(QStringLiteral("id < ?"), {query.beforeId});
    return where;
}

// Runs a read-only statement on the calling thread's connection; the query stays positioned
// before its first row.
Expected<QSqlQuery, QString> select(ConnectionFactory &connections, const QString &sql,
                                    const QVariantList &values, const QString &what)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    query.setForwardOnly(true);
    bool ok = query.prepare(sql);
    for (int i = 0; ok && i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (ok && query.exec())
        return query;
    return QStringLiteral("Could not read %1: %2").arg(what, SqlErrors::text(query.lastError()));
}

Expected<QList<StoredRun>, QString> readRuns(Expected<QSqlQuery, QString> query)
{
    if (!query)
        return query.error();
    QList<StoredRun> runs;
    while (query.value().next())
        runs.append(readRun(query.value()));
    return runs;
}

template <typename Value, typename Read>
Expected<QHash<QString, Value>, QString> readPerJob(Expected<QSqlQuery, QString> query, Read read)
{
    if (!query)
        return query.error();
    QHash<QString, Value> perJob;
    while (query.value().next())
        perJob.insert(query.value().value(0).toString(), read(query.value()));
    return perJob;
}

} // namespace

RunHistory::RunHistory(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

Expected<QList<StoredRun>, QString> RunHistory::runs(const RunQuery &query) const
{
    const Where where = whereFor(query, m_connections->dialect());
    const QString sql = QStringLiteral("SELECT %1 FROM jc_runs%2 ORDER BY id DESC LIMIT ?")
                            .arg(RunColumns, where.sql());
    return readRuns(select(*m_connections, sql,
                           where.values + QVariantList{std::clamp(query.limit, 1, MaxLimit)},
                           QStringLiteral("the run history")));
}

Expected<std::optional<StoredRun>, QString> RunHistory::run(qint64 id) const
{
    const auto found = readRuns(select(
        *m_connections, QStringLiteral("SELECT %1 FROM jc_runs WHERE id = ?").arg(RunColumns), {id},
        QStringLiteral("run %1").arg(id)));
    if (!found)
        return found.error();
    if (found->isEmpty())
        return std::optional<StoredRun>();
    return std::optional<StoredRun>(found->constFirst());
}

Expected<QList<StoredLogLine>, QString> RunHistory::logLines(qint64 runId, int afterSeq,
                                                             int limit) const
{
    auto query = select(*m_connections,
                        QStringLiteral("SELECT seq, logged_at_ms, level, message, fields FROM "
                                       "jc_run_logs WHERE run_id = ? AND seq > ? ORDER BY seq "
                                       "LIMIT ?"),
                        {runId, afterSeq, std::clamp(limit, 1, MaxLimit)},
                        QStringLiteral("the log of run %1").arg(runId));
    if (!query)
        return query.error();
    QList<StoredLogLine> lines;
    QSqlQuery &rows = query.value();
    while (rows.next()) {
        lines.append({runId, rows.value(0).toInt(), SqlTime::fromMsecs(rows.value(1)),
                      levelOf(rows.value(2).toString()), rows.value(3).toString(),
                      jsonObject(rows.value(4)).toVariantMap()});
    }
    return lines;
}

Expected<QHash<QString, StoredRun>, QString> RunHistory::latestRunPerJob() const
{
    // COALESCE: PostgreSQL sorts NULLs first in DESC order, SQLite last.
    const QString sql =
        QStringLiteral("SELECT %1 FROM (SELECT %1, ROW_NUMBER() OVER (PARTITION BY job_name "
                       "ORDER BY COALESCE(started_at_ms, occurrence_ms) DESC, id DESC) AS "
                       "position FROM jc_runs WHERE status NOT IN (?, ?)) ranked "
                       "WHERE position = 1")
            .arg(RunColumns);
    const auto latest = readRuns(select(*m_connections, sql,
                                        {toText(RunOutcome::Skipped), toText(RunOutcome::Missed)},
                                        QStringLiteral("the latest run of each job")));
    if (!latest)
        return latest.error();
    QHash<QString, StoredRun> perJob;
    for (const StoredRun &run : latest.value())
        perJob.insert(run.job, run);
    return perJob;
}

Expected<QHash<QString, QDateTime>, QString> RunHistory::lastSuccessPerJob() const
{
    return readPerJob<QDateTime>(
        select(*m_connections,
               QStringLiteral("SELECT job_name, MAX(finished_at_ms) FROM jc_runs WHERE status = "
                              "? AND dry_run = ? GROUP BY job_name"),
               {toText(RunOutcome::Succeeded), false},
               QStringLiteral("the last success of each job")),
        [](const QSqlQuery &row) { return SqlTime::fromMsecs(row.value(1)); });
}

Expected<QHash<QString, qint64>, QString> RunHistory::lastOccurrencePerJob() const
{
    return readPerJob<qint64>(
        select(*m_connections,
               QStringLiteral("SELECT job_name, MAX(occurrence_ms) FROM jc_runs WHERE trigger "
                              "IN (?, ?, ?, ?) GROUP BY job_name"),
               {toText(RunTrigger::Scheduled), toText(RunTrigger::CatchUp),
                toText(RunTrigger::Retry), toText(RunTrigger::Backfill)},
               QStringLiteral("the last occurrence of each job")),
        [](const QSqlQuery &row) { return row.value(1).toLongLong(); });
}

Expected<QHash<QString, qint64>, QString> RunHistory::unfinishedLastOccurrencePerJob() const
{
    const QString scheduled = toText(RunTrigger::Scheduled);
    const QString catchUp = toText(RunTrigger::CatchUp);
    const QString retry = toText(RunTrigger::Retry);
    const QString backfill = toText(RunTrigger::Backfill);
    // The row under the occurrence's own key (coalesced rows have keys of their own), and no
    // real run of the same occurrence (a backfill, say) that succeeded since.
    return readPerJob<qint64>(
        select(*m_connections,
               QStringLiteral(
                   "SELECT r.job_name, r.occurrence_ms FROM jc_runs r JOIN (SELECT job_name, "
                   "MAX(occurrence_ms) AS last_ms FROM jc_runs WHERE trigger IN (?, ?, ?, ?) "
                   "GROUP BY job_name) l ON r.job_name = l.job_name AND r.occurrence_ms = "
                   "l.last_ms WHERE r.trigger IN (?, ?, ?, ?) AND r.occurrence_key NOT LIKE "
                   "'skipped:%' AND "
                   "(r.status IN (?, ?, ?, ?) OR (r.status = ? AND r.skip_reason = ?)) AND NOT "
                   "EXISTS (SELECT 1 FROM jc_runs s WHERE s.job_name = r.job_name AND "
                   "s.occurrence_ms = r.occurrence_ms AND s.status = ? AND s.dry_run = ?)"),
               {scheduled, catchUp, retry, backfill, scheduled, catchUp, retry, backfill,
                toText(RunOutcome::Failed), toText(RunOutcome::TimedOut),
                toText(RunOutcome::Interrupted), toText(RunOutcome::Abandoned),
                toText(RunOutcome::Missed), toText(SkipReason::DatabaseUnavailable),
                toText(RunOutcome::Succeeded), false},
               QStringLiteral("the unfinished last occurrence of each job")),
        [](const QSqlQuery &row) { return row.value(1).toLongLong(); });
}

} // namespace jc

#include "storage/RunRows.h"

#include "engine/RunOutcome.h"
#include "storage/HolderSessions.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace jc {

namespace {

Expected<std::optional<RunHolder>, QString> firstHolder(QSqlDatabase &db, const QString &where,
                                                        const SqlStatement::Values &values)
{
    SqlStatement select(db,
                        u"SELECT id, status, attempts, instance_id FROM jc_runs WHERE "_s + where);
    if (const auto failed = select.exec(values))
        return Unexpected(failed->text());
    if (!select.next())
        return std::optional<RunHolder>();
    return std::optional<RunHolder>(RunHolder{select.value(0).toLongLong(),
                                              select.value(1).toString(), select.value(2).toInt(),
                                              select.value(3).toString()});
}

// What the database knows of the holders' sessions, read once and only when a row has a
// session lock; then each row's liveness.
std::optional<QString> judge(QSqlDatabase &db, SqlDialect dialect, QList<RunningRow> &rows,
                             qint64 nowMSecs)
{
    HolderSessions sessions;
    if (std::any_of(rows.cbegin(), rows.cend(),
                    [](const RunningRow &row) { return row.sessionLock > 0; })) {
        auto read = HolderSessions::read(db, dialect);
        if (!read)
            return read.error();
        sessions = std::move(read).value();
    }
    for (RunningRow &row : rows)
        row.state = RunLiveness::of(row.holderText, sessions.ended(row.sessionLock).value_or(false),
                                    row.heartbeatMSecs, row.leaseMSecs, nowMSecs);
    return std::nullopt;
}

} // namespace

QString RunHolder::where() const
{
    return instanceId.isEmpty() ? u"on an unknown instance"_s : u"on instance %1"_s.arg(instanceId);
}

// ON CONFLICT keeps a PostgreSQL transaction usable (a unique violation would abort it) and
// keeps the expected collisions of several instances out of the server's error log. MySQL: an
// update that changes nothing stands for DO NOTHING (0 rows affected); INSERT IGNORE would
// also swallow every other error of the row.
Expected<std::optional<qint64>, QSqlError> RunRows::insert(QSqlDatabase &db, SqlDialect dialect,
                                                           const NewRunRow &row)
{
    const bool pg = dialect == SqlDialect::Postgres;
    const QString onTaken = dialect == SqlDialect::MySql
                                ? u" ON DUPLICATE KEY UPDATE id = id"_s
                                : u" ON CONFLICT (job_name, occurrence_key) DO NOTHING"_s;
    SqlStatement insert(
        db, u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, status, "
            "started_at_ms, finished_at_ms, heartbeat_at_ms, attempts, instance_id, requested_by, "
            "reason, error, dry_run, missed_count, skip_reason, holder, lease_ms, session_lock, "
            "summary, progress_done, progress_total, progress_text, cancel_requested_at_ms, "
            "cancel_requested_by) "
            "VALUES (:job, :trigger, :occurrence, :key, :status, :started, :finished, "
            ":heartbeat, :attempts, :instance, :requested_by, :reason, :error, :dry_run, "
            ":missed_count, :skip_reason, :holder, :lease, :session_lock, :summary, :done, "
            ":total, :progress_text, :cancel_at, :cancel_by)"_s +
                onTaken + (pg ? u" RETURNING id"_s : QString()));
    const auto text = &SqlStatement::nullIfEmpty;
    if (const auto failed = insert.exec({{u":job"_s, row.job},
                                         {u":trigger"_s, row.trigger},
                                         {u":occurrence"_s, row.occurrenceMSecs},
                                         {u":key"_s, row.occurrenceKey},
                                         {u":status"_s, row.status},
                                         {u":started"_s, row.startedAtMSecs},
                                         {u":finished"_s, row.finishedAtMSecs},
                                         {u":heartbeat"_s, row.heartbeatAtMSecs},
                                         {u":attempts"_s, row.attempts},
                                         {u":instance"_s, text(row.instanceId)},
                                         {u":requested_by"_s, text(row.requestedBy)},
                                         {u":reason"_s, text(row.reason)},
                                         {u":error"_s, text(row.error)},
                                         {u":dry_run"_s, row.dryRun},
                                         {u":missed_count"_s, row.missedCount},
                                         {u":skip_reason"_s, text(row.skipReason)},
                                         {u":holder"_s, text(row.holder)},
                                         {u":lease"_s, row.leaseMSecs},
                                         {u":session_lock"_s, row.sessionLock},
                                         {u":summary"_s, row.summary},
                                         {u":done"_s, row.progressDone},
                                         {u":total"_s, row.progressTotal},
                                         {u":progress_text"_s, text(row.progressText)},
                                         {u":cancel_at"_s, row.cancelRequestedAtMSecs},
                                         {u":cancel_by"_s, text(row.cancelRequestedBy)}}))
        return Unexpected(failed->error);
    if (pg)
        return insert.next() ? std::optional(insert.value(0).toLongLong()) : std::nullopt;
    if (insert.numRowsAffected() != 1)
        return std::optional<qint64>();
    return std::optional(insert.lastInsertId().toLongLong());
}

Expected<std::optional<RunHolder>, QString>
RunRows::byOccurrence(QSqlDatabase &db, const QString &job, const QString &key)
{
    return firstHolder(db, u"job_name = :job AND occurrence_key = :key"_s,
                       {{u":job"_s, job}, {u":key"_s, key}});
}

Expected<std::optional<RunHolder>, QString> RunRows::byId(QSqlDatabase &db, qint64 runId)
{
    return firstHolder(db, u"id = :run"_s, {{u":run"_s, runId}});
}

Expected<std::optional<QString>, QString> RunRows::statusOf(QSqlDatabase &db, qint64 runId)
{
    const auto holder = byId(db, runId);
    if (!holder)
        return Unexpected(holder.error());
    return *holder ? std::optional<QString>((*holder)->status) : std::nullopt;
}

Expected<QList<RunningRow>, QString> RunRows::running(QSqlDatabase &db, SqlDialect dialect,
                                                      const std::optional<QString> &job,
                                                      const QString &exceptKey,
                                                      qint64 defaultLeaseMSecs, qint64 nowMSecs)
{
    QString sql = u"SELECT id, status, attempts, instance_id, holder, COALESCE(heartbeat_at_ms, "
                  "started_at_ms), lease_ms, session_lock FROM jc_runs WHERE status = :running"_s;
    SqlStatement::Values values{{u":running"_s, toText(RunOutcome::Running)}};
    if (job) {
        sql += u" AND job_name = :job AND occurrence_key <> :key ORDER BY id DESC"_s;
        values.insert(u":job"_s, *job);
        values.insert(u":key"_s, exceptKey);
    }
    SqlStatement select(db, sql);
    if (const auto failed = select.exec(values))
        return Unexpected(failed->text());
    QList<RunningRow> rows;
    while (select.next()) {
        rows.append({RunHolder{select.value(0).toLongLong(), select.value(1).toString(),
                               select.value(2).toInt(), select.value(3).toString()},
                     select.value(4).toString(), select.value(7).toLongLong(),
                     select.value(5).toLongLong(),
                     select.value(6).isNull() ? defaultLeaseMSecs : select.value(6).toLongLong()});
    }
    if (auto error = judge(db, dialect, rows, nowMSecs))
        return Unexpected(*error);
    return rows;
}

// Its duration ends at its last heartbeat, the last moment it was known to run, not when it
// was found dead.
std::optional<QString> RunRows::markInterrupted(QSqlDatabase &db, qint64 runId,
                                                const QString &reason, int *count)
{
    SqlStatement update(db, u"UPDATE jc_runs SET status = :interrupted, finished_at_ms = "
                            "COALESCE(heartbeat_at_ms, started_at_ms), error = :reason "
                            "WHERE id = :run AND status = :running"_s);
    if (const auto failed = update.exec({{u":interrupted"_s, toText(RunOutcome::Interrupted)},
                                         {u":reason"_s, reason},
                                         {u":run"_s, runId},
                                         {u":running"_s, toText(RunOutcome::Running)}}))
        return failed->text();
    *count += update.numRowsAffected();
    return std::nullopt;
}

QString RunRows::readable(const QString &status)
{
    return QString(status).replace(u'_', u' ');
}

} // namespace jc

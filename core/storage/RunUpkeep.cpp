#include "storage/RunUpkeep.h"

#include "common/ProcessIdentity.h"
#include "engine/SystemClock.h"
#include "storage/RunLogBatch.h"
#include "storage/RunRows.h"
#include "storage/StatementReuse.h"
#include "storage/StorageLog.h"
#include "storage/WriteTransaction.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <numeric>

using namespace Qt::StringLiterals;

namespace jc {

namespace {

QVariant jsonOrNull(const QJsonObject &object)
{
    if (object.isEmpty())
        return SqlStatement::null<QString>();
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// The progress columns: how far a run got, as it goes or as it ended.
SqlStatement::Values progressOf(const RunProgress &progress)
{
    return {{u":done"_s, progress.done},
            {u":total"_s, progress.total},
            {u":text"_s, SqlStatement::nullIfEmpty(progress.text)}};
}

// The values of a progress write to the row of a run that this instance holds and that still
// runs: progressOf() and the row's `WHERE id = :run AND instance_id = :instance AND status =
// :running`.
SqlStatement::Values heldProgress(qint64 runId, const QString &instanceId,
                                  const RunProgress &progress)
{
    SqlStatement::Values values = progressOf(progress);
    values.insert({{u":run"_s, runId},
                   {u":instance"_s, instanceId},
                   {u":running"_s, toText(RunOutcome::Running)}});
    return values;
}

} // namespace

RunUpkeep::RunUpkeep(ConnectionFactory &connections)
    : m_connections(connections)
{}

Expected<RunJournal::HeartbeatReply, QString>
RunUpkeep::heartbeat(const QList<RunJournal::LiveRun> &runs, qint64 nowMSecs,
                     const QString &instanceId)
{
    RunJournal::HeartbeatReply reply;
    if (runs.isEmpty())
        return reply;
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    WriteTransaction transaction(*db, m_connections);
    auto error = transaction.begin(m_connections.dialect());
    RunLogBatch log;
    if (!error)
        error = refreshLeases(db.value(), runs, nowMSecs, instanceId, &log, &reply.lost);
    if (!error)
        error = log.write(db.value(), m_connections.dialect());
    if (error)
        return Unexpected(
            u"Could not refresh the heartbeat of %1 runs: %2"_s.arg(runs.size()).arg(*error));
    auto cancelled = cancelRequested(db.value(), runs);
    if (!cancelled)
        return Unexpected(cancelled.error());
    if (auto failed = transaction.commit())
        return Unexpected(u"Could not refresh the heartbeat: %1"_s.arg(*failed));
    reply.cancelRequested = std::move(cancelled).value();
    return reply;
}

// Refreshes the leases (one prepared statement, run per run, so that a run this instance no
// longer holds is noticed) and collects the log lines of the runs whose row still exists.
std::optional<QString> RunUpkeep::refreshLeases(QSqlDatabase &db,
                                                const QList<RunJournal::LiveRun> &runs,
                                                qint64 nowMSecs, const QString &instanceId,
                                                RunLogBatch *log,
                                                QList<RunJournal::HeartbeatReply::Lost> *lost)
{
    SqlStatement update(db, u"UPDATE jc_runs SET heartbeat_at_ms = :now, progress_done = :done, "
                            "progress_total = :total, progress_text = :text WHERE id = :run AND "
                            "instance_id = :instance AND status = :running"_s);
    for (const RunJournal::LiveRun &run : runs) {
        SqlStatement::Values values = heldProgress(run.storedRunId, instanceId, run.progress);
        values.insert(u":now"_s, nowMSecs);
        if (const auto failed = update.exec(values))
            return failed->text();
        if (update.numRowsAffected() != 1) {
            const auto holder = RunRows::byId(db, run.storedRunId);
            if (!holder)
                return holder.error();
            const QString now =
                *holder ? RunRows::readable((*holder)->status) + u' ' + (*holder)->where()
                        : QString();
            qCWarning(lcStorage).noquote()
                << u"Run %1 is not held by instance %2 any more: %3"_s.arg(
                       QString::number(run.storedRunId), instanceId,
                       *holder ? now : u"it is gone"_s);
            lost->append({run.storedRunId,
                          *holder ? u"the run is now %1"_s.arg(now) : u"its row is gone"_s});
            if (!*holder)
                continue; // its row is gone: its lines have nowhere to go
        }
        log->add(run.storedRunId, run.newLogLines, run.firstLogSeq);
    }
    return std::nullopt;
}

// `:id0, :id1, …` for the ids of `runs`, and their values.
QString RunUpkeep::idMarks(const QList<RunJournal::LiveRun> &runs, SqlStatement::Values *ids)
{
    QStringList marks;
    for (const RunJournal::LiveRun &run : runs) {
        const QString mark = u":id%1"_s.arg(marks.size());
        marks.append(mark);
        ids->insert(mark, run.storedRunId);
    }
    return marks.join(u", "_s);
}

Expected<QList<qint64>, QString> RunUpkeep::cancelRequested(QSqlDatabase &db,
                                                            const QList<RunJournal::LiveRun> &runs)
{
    SqlStatement::Values ids;
    SqlStatement select(db, u"SELECT id FROM jc_runs WHERE cancel_requested_at_ms IS NOT NULL "
                            "AND id IN (%1) ORDER BY id"_s.arg(idMarks(runs, &ids)));
    if (const auto failed = select.exec(ids))
        return Unexpected(failed->text());
    QList<qint64> cancelled;
    while (select.next())
        cancelled.append(select.value(0).toLongLong());
    return cancelled;
}

// The cancel requests are read first, outside any transaction: on SQLite a write waits for the
// database's one write lock, and a cancel must not wait for it, nor be lost when the write
// fails. The write then takes the rows still held, locked in id order on PostgreSQL and
// MySQL (see SchedulerJournal::liveRuns); with nothing to write there is no transaction.
Expected<RunJournal::LiveReply, QString>
RunUpkeep::shareLive(const QList<RunJournal::LiveRun> &runs, qint64 nowMSecs,
                     const QString &instanceId)
{
    RunJournal::LiveReply reply;
    if (runs.isEmpty())
        return reply;
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    const auto fail = [&](const QString &why) {
        return u"Could not share the news of %1 runs: %2"_s.arg(runs.size()).arg(why);
    };
    const auto held = heldRows(db.value(), m_connections.dialect(), runs, instanceId, false);
    if (!held)
        return Unexpected(fail(held.error()));
    reply.cancelRequested = held->cancelRequested;
    const bool writes = std::any_of(runs.cbegin(), runs.cend(), [&held](const auto &run) {
        return held->ids.contains(run.storedRunId) &&
               (run.progressChanged || !run.newLogLines.isEmpty());
    });
    if (!writes) {
        reply.shared = held->ids;
        return reply;
    }
    auto written = writeLive(db.value(), runs, nowMSecs, instanceId);
    if (written)
        reply.shared = std::move(written).value();
    else
        reply.writeError = fail(written.error());
    return reply;
}

// The rows of `runs` held by the instance and running, and those of them an admin asked to
// cancel. `forWrite`: inside the write's transaction, locked (PostgreSQL, MySQL) in id order.
Expected<RunUpkeep::HeldRows, QString> RunUpkeep::heldRows(QSqlDatabase &db, SqlDialect dialect,
                                                           const QList<RunJournal::LiveRun> &runs,
                                                           const QString &instanceId, bool forWrite)
{
    SqlStatement::Values values{{u":instance"_s, instanceId},
                                {u":running"_s, toText(RunOutcome::Running)}};
    const QString lock = forWrite && dialect != SqlDialect::Sqlite ? u" FOR UPDATE"_s : QString();
    SqlStatement select(db, u"SELECT id, cancel_requested_at_ms FROM jc_runs WHERE id IN (%1) "
                            "AND instance_id = :instance AND status = :running ORDER BY id%2"_s.arg(
                                idMarks(runs, &values), lock));
    if (const auto failed = select.exec(values))
        return Unexpected(failed->text());
    HeldRows rows;
    while (select.next()) {
        const qint64 id = select.value(0).toLongLong();
        rows.ids.insert(id);
        if (!select.value(1).isNull())
            rows.cancelRequested.append(id);
    }
    return rows;
}

// In one transaction, the changed progress and the new lines of the runs still held (the
// progress guarded as every progress write is), and their heartbeat; their ids.
Expected<QSet<qint64>, QString> RunUpkeep::writeLive(QSqlDatabase &db,
                                                     const QList<RunJournal::LiveRun> &runs,
                                                     qint64 nowMSecs, const QString &instanceId)
{
    const SqlDialect dialect = m_connections.dialect();
    WriteTransaction transaction(db, m_connections);
    if (auto error = transaction.begin(dialect))
        return Unexpected(*error);
    const auto held = heldRows(db, dialect, runs, instanceId, true);
    if (!held)
        return Unexpected(held.error());
    if (auto error = writeHeld(db, dialect, runs, held->ids, nowMSecs, instanceId))
        return Unexpected(*error);
    if (auto error = transaction.commit())
        return Unexpected(*error);
    return held->ids;
}

// Every held run with news gets the pass's time as its heartbeat; its progress is written
// whole, changed or not, which also has PostgreSQL tell the watching consoles of a pass that
// brought only log lines (its trigger fires on an update of the progress columns).
std::optional<QString> RunUpkeep::writeHeld(QSqlDatabase &db, SqlDialect dialect,
                                            const QList<RunJournal::LiveRun> &runs,
                                            const QSet<qint64> &held, qint64 nowMSecs,
                                            const QString &instanceId)
{
    SqlStatement update(db, u"UPDATE jc_runs SET heartbeat_at_ms = :now, progress_done = :done, "
                            "progress_total = :total, progress_text = :text WHERE id = :run AND "
                            "instance_id = :instance AND status = :running"_s);
    RunLogBatch log;
    for (const RunJournal::LiveRun &run : runs) {
        if (!held.contains(run.storedRunId) || (!run.progressChanged && run.newLogLines.isEmpty()))
            continue;
        SqlStatement::Values values = heldProgress(run.storedRunId, instanceId, run.progress);
        values.insert(u":now"_s, nowMSecs);
        if (const auto failed = update.exec(values))
            return failed->text();
        log.add(run.storedRunId, run.newLogLines, run.firstLogSeq);
    }
    return log.write(db, dialect);
}

Expected<void, QString> RunUpkeep::finish(qint64 storedRunId, const RunRecord &record,
                                          const QList<LogLine> &unwrittenLog, int firstLogSeq)
{
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    const auto fail = [&](const QString &why) {
        return u"Could not record how run %1 of \"%2\" ended: %3"_s.arg(
            QString::number(storedRunId), record.info.job, why);
    };
    WriteTransaction transaction(*db, m_connections);
    if (auto error = transaction.begin(m_connections.dialect()))
        return Unexpected(fail(*error));
    const auto refused = recordEnd(db.value(), storedRunId, record);
    std::optional<QString> error;
    if (!refused)
        error = refused.error();
    // The log lines are written even when the outcome was refused: they say what happened.
    // Not on a row another instance took over: its run's lines are numbered there now.
    RunLogBatch log;
    if (refused && !(*refused && (*refused)->takenOver))
        log.add(storedRunId, unwrittenLog, firstLogSeq);
    if (!error)
        error = log.write(db.value(), m_connections.dialect());
    if (!error)
        error = transaction.commit();
    if (error)
        return Unexpected(fail(*error));
    if (*refused)
        return Unexpected((*refused)->why);
    return {};
}

QList<Expected<void, QString>> RunUpkeep::finishAll(const QList<RunJournal::Finish> &finishes)
{
    QList<Expected<void, QString>> results;
    results.reserve(finishes.size());
    for (qsizetype first = 0; first < finishes.size(); first += maxFinishesPerTransaction) {
        const QList<RunJournal::Finish> batch = finishes.mid(first, maxFinishesPerTransaction);
        if (const auto written = batch.size() > 1 ? finishTogether(batch) : std::nullopt) {
            results.append(*written);
            continue;
        }
        for (const RunJournal::Finish &end : batch)
            results.append(finish(end.storedRunId, end.record, end.unwrittenLog, end.firstLogSeq));
    }
    return results;
}

std::optional<QList<Expected<void, QString>>>
RunUpkeep::finishTogether(const QList<RunJournal::Finish> &finishes)
{
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return std::nullopt;
    const StatementReuse reuse; // each statement prepared once for the whole batch
    WriteTransaction transaction(*db, m_connections);
    if (transaction.begin(m_connections.dialect()))
        return std::nullopt;
    // The rows in id order, as every write of several runs takes them (a live pass, a
    // heartbeat): on PostgreSQL and MySQL two such writes then never wait for each other.
    QList<qsizetype> order(finishes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&finishes](qsizetype a, qsizetype b) {
        return finishes.at(a).storedRunId < finishes.at(b).storedRunId;
    });
    QList<Expected<void, QString>> results(finishes.size());
    RunLogBatch log;
    for (const qsizetype i : order) {
        const RunJournal::Finish &end = finishes.at(i);
        const auto refused = recordEnd(db.value(), end.storedRunId, end.record);
        if (!refused)
            return std::nullopt;
        if (!*refused || !(*refused)->takenOver)
            log.add(end.storedRunId, end.unwrittenLog, end.firstLogSeq);
        if (*refused)
            results[i] = Unexpected((*refused)->why);
    }
    if (log.write(db.value(), m_connections.dialect()) || transaction.commit())
        return std::nullopt;
    return results;
}

Expected<std::optional<RunUpkeep::EndRefusal>, QString>
RunUpkeep::recordEnd(QSqlDatabase &db, qint64 storedRunId, const RunRecord &record)
{
    const qint64 finishedAtMSecs = record.finishedAt.isValid()
                                       ? record.finishedAt.toMSecsSinceEpoch()
                                       : SystemClock::wallMSecs();
    // A cancel asked in this process is kept as one asked from elsewhere is (requestCancel);
    // the first request stands. The row must still name this run's instance: once another
    // instance took the run for dead, it may have taken the row over to finish the occurrence.
    const QString heldHere =
        record.info.instanceId.isEmpty() ? QString() : u" AND instance_id = :instance"_s;
    SqlStatement update(db, u"UPDATE jc_runs SET status = :status, finished_at_ms = :finished, "
                            "error = :error, summary = :summary, attempts = :attempts, "
                            "progress_done = :done, progress_total = :total, progress_text = "
                            ":text, cancel_requested_at_ms = COALESCE(cancel_requested_at_ms, "
                            ":cancel_at), cancel_requested_by = COALESCE(cancel_requested_by, "
                            ":cancel_by) WHERE id = :run AND status = :running"_s +
                                heldHere);
    SqlStatement::Values values = progressOf(record.progress);
    values.insert({{u":status"_s, toText(record.outcome)},
                   {u":finished"_s, finishedAtMSecs},
                   {u":error"_s, SqlStatement::nullIfEmpty(record.error)},
                   {u":summary"_s, jsonOrNull(record.summary)},
                   {u":attempts"_s, record.info.attempt},
                   {u":run"_s, storedRunId},
                   {u":running"_s, toText(RunOutcome::Running)},
                   {u":cancel_at"_s, record.cancelRequestedAt.isValid()
                                         ? QVariant(record.cancelRequestedAt.toMSecsSinceEpoch())
                                         : SqlStatement::null<qint64>()},
                   {u":cancel_by"_s, SqlStatement::nullIfEmpty(record.cancelRequestedBy)}});
    if (!heldHere.isEmpty())
        values.insert(u":instance"_s, record.info.instanceId);
    if (const auto failed = update.exec(values))
        return Unexpected(failed->text());
    if (update.numRowsAffected() == 1)
        return std::optional<EndRefusal>();
    const auto holder = RunRows::byId(db, storedRunId);
    if (!holder || !*holder)
        return Unexpected(holder ? u"there is no such run"_s : holder.error());
    const RunHolder &now = **holder;
    if (now.status == toText(RunOutcome::Interrupted) &&
        record.outcome == RunOutcome::Interrupted) {
        if (auto error = addOwnAccount(db, storedRunId, record, finishedAtMSecs))
            return Unexpected(*error);
        return std::optional<EndRefusal>();
    }
    if (now.status == toText(RunOutcome::Running))
        return std::optional(EndRefusal{
            u"Run %1 of \"%2\" was taken over by another run %3 after this one was taken for "
            "dead, so its outcome (%4) was not recorded"_s.arg(
                QString::number(storedRunId), record.info.job, now.where(),
                RunRows::readable(toText(record.outcome))),
            true});
    return std::optional(EndRefusal{
        u"Run %1 of \"%2\" was already marked %3, so its outcome (%4) was not recorded"_s.arg(
            QString::number(storedRunId), record.info.job, RunRows::readable(now.status),
            RunRows::readable(toText(record.outcome))),
        false});
}

// A run that another instance took for dead, and that stopped when its heartbeat learned it
// (StopReason::LeaseLost): the row stays interrupted, with the finder's reason first, and now
// also says that the run was in fact alive, and when it really stopped.
std::optional<QString> RunUpkeep::addOwnAccount(QSqlDatabase &db, qint64 runId,
                                                const RunRecord &record, qint64 finishedAtMSecs)
{
    SqlStatement update(db, u"UPDATE jc_runs SET error = COALESCE(error, '') || :account, "
                            "finished_at_ms = :finished, progress_done = :done, progress_total = "
                            ":total, progress_text = :text WHERE id = :run AND status = "
                            ":interrupted"_s);
    SqlStatement::Values values = progressOf(record.progress);
    values.insert({{u":account"_s, u". Its instance was in fact alive: %1"_s.arg(record.error)},
                   {u":finished"_s, finishedAtMSecs},
                   {u":run"_s, runId},
                   {u":interrupted"_s, toText(RunOutcome::Interrupted)}});
    if (const auto failed = update.exec(values))
        return failed->text();
    return std::nullopt;
}

Expected<int, QString> RunUpkeep::interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                                 const QString &ownInstanceId)
{
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    WriteTransaction transaction(*db, m_connections);
    auto error = transaction.begin(m_connections.dialect());
    int count = 0;
    if (!error)
        error = interruptLeftOver(db.value(), m_connections.dialect(), nowMSecs, leaseMSecs,
                                  ownInstanceId, &count);
    if (!error)
        error = transaction.commit();
    if (error)
        return Unexpected(
            u"Could not mark the runs of dead instances interrupted: %1"_s.arg(*error));
    // The one line a sweep leaves, at start-up and at every heartbeat that finds any.
    if (count == 1)
        qCInfo(lcStorage) << "Marked 1 run of a dead or restarted instance interrupted";
    else if (count > 1)
        qCInfo(lcStorage).noquote()
            << u"Marked %1 runs of dead or restarted instances interrupted"_s.arg(count);
    return count;
}

// The status and start lead the index ix_jc_runs_status_started: only the unfinished rows
// since `sinceMSecs` are read, however long the history. A failed row is listed while its
// instance is neither this one nor announced in jc_instances within the lease (InstanceRegistry:
// each instance announces itself every few seconds, and withdraws when it stops cleanly).
Expected<QList<RunJournal::UnfinishedRun>, QString>
RunUpkeep::unfinishedSince(qint64 sinceMSecs, qint64 nowMSecs, qint64 leaseMSecs,
                           const QString &ownInstanceId)
{
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    SqlStatement select(
        db.value(),
        u"SELECT id, job_name, occurrence_ms, started_at_ms, status, instance_id FROM jc_runs r "
        "WHERE status IN (:interrupted, :failed, :timed_out) AND started_at_ms >= :since AND "
        "\"trigger\" IN (:scheduled, :catch_up, :retry) AND (status = :interrupted OR "
        "(instance_id <> :own AND NOT EXISTS (SELECT 1 FROM jc_instances i WHERE "
        "i.instance_id = r.instance_id AND i.heartbeat_at_ms >= :alive_since))) ORDER BY id"_s);
    if (const auto failed = select.exec({{u":interrupted"_s, toText(RunOutcome::Interrupted)},
                                         {u":failed"_s, toText(RunOutcome::Failed)},
                                         {u":timed_out"_s, toText(RunOutcome::TimedOut)},
                                         {u":since"_s, sinceMSecs},
                                         {u":scheduled"_s, toText(RunTrigger::Scheduled)},
                                         {u":catch_up"_s, toText(RunTrigger::CatchUp)},
                                         {u":retry"_s, toText(RunTrigger::Retry)},
                                         {u":own"_s, ownInstanceId},
                                         {u":alive_since"_s, nowMSecs - leaseMSecs}}))
        return Unexpected(u"Could not read the unfinished runs: %1"_s.arg(failed->text()));
    QList<RunJournal::UnfinishedRun> runs;
    while (select.next()) {
        const auto outcome = runOutcomeFromString(select.value(4).toString());
        runs.append({select.value(1).toString(), select.value(2).toLongLong(),
                     select.value(0).toLongLong(), select.value(3).toLongLong(),
                     outcome.value_or(RunOutcome::Interrupted), select.value(5).toString()});
    }
    return runs;
}

// One read of the running rows, each marked interrupted when it is left over:
//  - a run under this instance's own name is a previous life's, at once, with no lease to wait
//    out, and says so; unless a live process on this host holds it. Then another process runs
//    under the same name (two services given one `--instance`, two containers with one host
//    name), and the run is its own: marking it interrupted would have the catch-up run the
//    occurrence a second time beside it, in the same row, where its holder would never notice;
//  - any other run that RunLiveness finds dead: its holder is gone, or its lease expired and
//    its holder is not known to live. A holder alive on this host keeps its run however late
//    its heartbeat (a long write transaction may hold one back on SQLite).
std::optional<QString> RunUpkeep::interruptLeftOver(QSqlDatabase &db, SqlDialect dialect,
                                                    qint64 nowMSecs, qint64 leaseMSecs,
                                                    const QString &ownInstanceId, int *count)
{
    const auto rows = RunRows::running(db, dialect, std::nullopt, {}, leaseMSecs, nowMSecs);
    if (!rows)
        return rows.error();
    for (const RunningRow &row : rows.value()) {
        const bool own = !ownInstanceId.isEmpty() && row.holder.instanceId == ownInstanceId;
        const bool heldHere =
            ProcessIdentity::liveness(row.holderText) == ProcessIdentity::Liveness::Alive;
        if (own && heldHere) {
            qCWarning(lcStorage).noquote()
                << u"Run %1 is held by a live process (%2) under this instance's name \"%3\": "
                   "left to it. Give every instance its own --instance name."_s.arg(
                       QString::number(row.holder.id), ProcessIdentity::describe(row.holderText),
                       ownInstanceId);
            continue;
        }
        if (!own && row.state == RunLiveness::State::Alive)
            continue;
        const QString reason = own ? u"The instance was restarted while this run was going"_s
                                   : RunLiveness::reason(row.state, row.holderText, row.leaseMSecs);
        if (auto error = RunRows::markInterrupted(db, row.holder.id, reason, count))
            return error;
    }
    return std::nullopt;
}

Expected<void, QString> RunUpkeep::requestCancel(qint64 storedRunId, const QString &requestedBy,
                                                 qint64 nowMSecs)
{
    auto db = m_connections.connectionForCurrentThread();
    if (!db)
        return Unexpected(db.error());
    const auto fail = [storedRunId](const QString &why) {
        return u"Could not ask run %1 to cancel: %2"_s.arg(QString::number(storedRunId), why);
    };
    SqlStatement update(db.value(), u"UPDATE jc_runs SET cancel_requested_at_ms = :now, "
                                    "cancel_requested_by = :by WHERE id = :run AND status = "
                                    ":running AND cancel_requested_at_ms IS NULL"_s);
    if (const auto failed = update.exec({{u":now"_s, nowMSecs},
                                         {u":by"_s, SqlStatement::nullIfEmpty(requestedBy)},
                                         {u":run"_s, storedRunId},
                                         {u":running"_s, toText(RunOutcome::Running)}}))
        return Unexpected(fail(failed->text()));
    if (update.numRowsAffected() == 1)
        return {};
    const auto status = RunRows::statusOf(db.value(), storedRunId);
    if (!status)
        return Unexpected(fail(status.error()));
    if (!*status)
        return Unexpected(u"There is no run %1."_s.arg(storedRunId));
    if (**status == toText(RunOutcome::Running))
        return {}; // asked before: the first request stands
    return Unexpected(u"Run %1 is not running (it is %2), so there is nothing to cancel."_s.arg(
        QString::number(storedRunId), RunRows::readable(**status)));
}

} // namespace jc

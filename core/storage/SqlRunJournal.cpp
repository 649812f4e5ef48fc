#include "storage/SqlRunJournal.h"

#include "storage/WriteTransaction.h"

#include "common/IsoTime.h"
#include "engine/SystemClock.h"
#include "storage/HolderSessions.h"
#include "storage/RunLiveness.h"
#include "storage/SqlErrors.h"
#include "storage/StorageLog.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUuid>
#include <QVariant>

#include <algorithm>
#include <optional>

namespace jc {

namespace {

QString statusText(RunOutcome outcome)
{
    return toText(outcome);
}

// "timed_out" reads "timed out" in a sentence.
QString readable(const QString &status)
{
    return QString(status).replace(u'_', u' ');
}

QVariant nullIfEmpty(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant nullInt64()
{
    return QVariant(QMetaType::fromType<qint64>());
}

QVariant jsonOrNull(const QJsonObject &object)
{
    if (object.isEmpty())
        return nullIfEmpty({});
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Binds `values` in order to an already prepared query and runs it.
bool execWith(QSqlQuery &query, const QVariantList &values)
{
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    return query.exec();
}

// Prepares and runs one statement; the database's words when it failed.
std::optional<QString> execute(QSqlQuery &query, const QString &sql, const QVariantList &values)
{
    if (query.prepare(sql) && execWith(query, values))
        return std::nullopt;
    return SqlErrors::text(query.lastError());
}

// PostgreSQL: claims of one job queue behind each other until commit, across instances.
std::optional<QString> lockJob(QSqlDatabase &db, const QString &job)
{
    QSqlQuery query(db);
    return execute(query, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext(?))"),
                   {QString(QStringLiteral("jc.job:") + job)});
}

// MySQL's form of lockJob: a named lock (64 characters at most, so the job's name is hashed)
// held by the session, taken before the claim's transaction and released after it ends, so
// that two instances' overlap checks of one job never run at once. Waits at most 30 s, as a
// claim must not hang on a stuck instance.
class MySqlJobLock
{
public:
    MySqlJobLock(const QSqlDatabase &db, const QString &job)
        : m_db(db)
        , m_name(QStringLiteral("jc.job.") +
                 QString::fromLatin1(
                     QCryptographicHash::hash(job.toUtf8(), QCryptographicHash::Sha1).toHex()))
    {
        QSqlQuery query(m_db);
        if (!query.prepare(QStringLiteral("SELECT GET_LOCK(?, 30)")) ||
            !execWith(query, {m_name}) || !query.next()) {
            m_error = SqlErrors::text(query.lastError());
        } else if (query.value(0).toInt() != 1) {
            m_error = QStringLiteral("another instance has held the claim lock of \"%1\" for "
                                     "30 s")
                          .arg(job);
        }
    }
    ~MySqlJobLock()
    {
        if (!m_error.isEmpty())
            return;
        QSqlQuery query(m_db);
        if (!query.prepare(QStringLiteral("DO RELEASE_LOCK(?)")) || !execWith(query, {m_name}))
            qCWarning(lcStorage) << "releasing the claim lock failed:"
                                 << SqlErrors::text(query.lastError());
    }
    MySqlJobLock(const MySqlJobLock &) = delete;
    MySqlJobLock &operator=(const MySqlJobLock &) = delete;

    std::optional<QString> error() const
    {
        return m_error.isEmpty() ? std::nullopt : std::optional(m_error);
    }

private:
    QSqlDatabase m_db;
    QString m_name;
    QString m_error;
};

// The row that holds an occurrence, or the live run that makes a job busy.
struct Holder
{
    qint64 id = 0;
    QString status;
    int attempts = 0;
    QString instanceId;

    QString where() const
    {
        return instanceId.isEmpty() ? QStringLiteral("on an unknown instance")
                                    : QStringLiteral("on instance %1").arg(instanceId);
    }
};

Expected<std::optional<Holder>, QString> firstHolder(QSqlDatabase &db, const QString &sql,
                                                     const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (auto error = execute(query, sql, values))
        return *error;
    if (!query.next())
        return std::optional<Holder>();
    return std::optional<Holder>(Holder{query.value(0).toLongLong(), query.value(1).toString(),
                                        query.value(2).toInt(), query.value(3).toString()});
}

Expected<std::optional<Holder>, QString> occurrenceHolder(QSqlDatabase &db, const QString &job,
                                                          const QString &key)
{
    return firstHolder(db,
                       QStringLiteral("SELECT id, status, attempts, instance_id FROM jc_runs "
                                      "WHERE job_name = ? AND occurrence_key = ?"),
                       {job, key});
}

// Runs one UPDATE and adds the rows it changed to *count.
std::optional<QString> updateCounting(QSqlDatabase &db, const QString &sql,
                                      const QVariantList &values, int *count)
{
    QSqlQuery query(db);
    if (auto error = execute(query, sql, values))
        return error;
    *count += query.numRowsAffected();
    return std::nullopt;
}

// A running row and what RunLiveness needs to judge it.
struct RunningRow
{
    Holder holder;
    QString holderText;
    qint64 sessionLock = 0;    // the holder's presence lock (HolderSessions); 0: none
    qint64 heartbeatMSecs = 0; // the last heartbeat, else the start
    qint64 leaseMSecs = 0;     // the row's own lease, else the caller's
};

// The running rows that `sql` selects (id, status, attempts, instance_id, holder, last
// heartbeat, lease_ms, in that order).
Expected<QList<RunningRow>, QString> runningRows(QSqlDatabase &db, const QString &sql,
                                                 const QVariantList &values,
                                                 qint64 defaultLeaseMSecs)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (auto error = execute(query, sql, values))
        return *error;
    QList<RunningRow> rows;
    while (query.next()) {
        rows.append({Holder{query.value(0).toLongLong(), query.value(1).toString(),
                            query.value(2).toInt(), query.value(3).toString()},
                     query.value(4).toString(), query.value(7).toLongLong(),
                     query.value(5).toLongLong(),
                     query.value(6).isNull() ? defaultLeaseMSecs : query.value(6).toLongLong()});
    }
    return rows;
}

// The liveness of each row, with what the database knows of their holders' sessions (read
// once, and only when a row has a session lock).
Expected<QList<RunLiveness::State>, QString>
livenessOf(QSqlDatabase &db, SqlDialect dialect, const QList<RunningRow> &rows, qint64 nowMSecs)
{
    HolderSessions sessions;
    if (std::any_of(rows.cbegin(), rows.cend(),
                    [](const RunningRow &row) { return row.sessionLock > 0; })) {
        auto read = HolderSessions::read(db, dialect);
        if (!read)
            return read.error();
        sessions = std::move(read).value();
    }
    QList<RunLiveness::State> states;
    for (const RunningRow &row : rows)
        states.append(RunLiveness::of(row.holderText,
                                      sessions.ended(row.sessionLock).value_or(false),
                                      row.heartbeatMSecs, row.leaseMSecs, nowMSecs));
    return states;
}

const QString RunningColumns =
    QStringLiteral("SELECT id, status, attempts, instance_id, holder, COALESCE(heartbeat_at_ms, "
                   "started_at_ms), lease_ms, session_lock FROM jc_runs WHERE status = ?");

// Marks a running row interrupted for `reason`. Its duration ends at its last heartbeat, the
// last moment it was known to run, not when it was found dead.
std::optional<QString> markInterrupted(QSqlDatabase &db, qint64 runId, const QString &reason,
                                       int *count)
{
    return updateCounting(
        db,
        QStringLiteral("UPDATE jc_runs SET status = ?, finished_at_ms = "
                       "COALESCE(heartbeat_at_ms, started_at_ms), error = ? "
                       "WHERE id = ? AND status = ?"),
        {statusText(RunOutcome::Interrupted), reason, runId, statusText(RunOutcome::Running)},
        count);
}

// Another run of the job that is alive (RunLiveness). A live run of this very occurrence is
// not "another": it holds the key, and the claim is AlreadyClaimed. A run whose holder is gone
// is marked interrupted here, in the claim's transaction: the new run starts at once instead
// of waiting out a dead process's lease.
Expected<std::optional<Holder>, QString> liveRun(QSqlDatabase &db, SqlDialect dialect,
                                                 const RunJournal::ClaimRequest &request)
{
    const auto rows = runningRows(
        db,
        RunningColumns + QStringLiteral(" AND job_name = ? AND occurrence_key <> ? ORDER BY id "
                                        "DESC"),
        {statusText(RunOutcome::Running), request.run.job, request.occurrenceKey},
        request.leaseMSecs);
    if (!rows)
        return rows.error();
    const auto states = livenessOf(db, dialect, rows.value(), request.nowMSecs);
    if (!states)
        return states.error();
    std::optional<Holder> live;
    for (qsizetype i = 0; i < rows->size(); ++i) {
        const RunningRow &row = rows->at(i);
        const auto state = states->at(i);
        if (state == RunLiveness::State::Alive && !live)
            live = row.holder;
        // A lease that ran out is the sweep's to mark (it may be a hung holder coming back);
        // a holder known gone is marked here, so that the new run starts at once.
        if (state == RunLiveness::State::Alive || state == RunLiveness::State::LeaseExpired)
            continue;
        int count = 0;
        if (auto error =
                markInterrupted(db, row.holder.id,
                                RunLiveness::reason(state, row.holderText, row.leaseMSecs), &count))
            return *error;
    }
    return live;
}

// Marks every running row that RunLiveness finds dead interrupted: its holder is gone, or
// its lease expired and its holder is not known to live. A holder alive on this host keeps its
// run however late its heartbeat (a long write transaction may hold one back on SQLite).
std::optional<QString> interruptDead(QSqlDatabase &db, SqlDialect dialect, qint64 nowMSecs,
                                     qint64 leaseMSecs, int *count)
{
    const auto rows =
        runningRows(db, RunningColumns, {statusText(RunOutcome::Running)}, leaseMSecs);
    if (!rows)
        return rows.error();
    const auto states = livenessOf(db, dialect, rows.value(), nowMSecs);
    if (!states)
        return states.error();
    for (qsizetype i = 0; i < rows->size(); ++i) {
        const RunningRow &row = rows->at(i);
        const auto state = states->at(i);
        if (state == RunLiveness::State::Alive)
            continue;
        if (auto error =
                markInterrupted(db, row.holder.id,
                                RunLiveness::reason(state, row.holderText, row.leaseMSecs), count))
            return error;
    }
    return std::nullopt;
}

// A run that another instance took for dead, and that stopped when its heartbeat learned it
// (StopReason::LeaseLost): the row stays interrupted, with the finder's reason first, and now
// also says that the run was in fact alive, and when it really stopped.
std::optional<QString> addOwnAccount(QSqlDatabase &db, qint64 runId, const RunRecord &record,
                                     qint64 finishedAtMSecs)
{
    int changed = 0;
    return updateCounting(
        db,
        QStringLiteral("UPDATE jc_runs SET error = COALESCE(error, '') || ?, finished_at_ms = ?, "
                       "progress_done = ?, progress_total = ?, progress_text = ? "
                       "WHERE id = ? AND status = ?"),
        {QStringLiteral(". Its instance was in fact alive: %1").arg(record.error), finishedAtMSecs,
         record.progress.done, record.progress.total, nullIfEmpty(record.progress.text), runId,
         statusText(RunOutcome::Interrupted)},
        &changed);
}

Expected<std::optional<Holder>, QString> runById(QSqlDatabase &db, qint64 runId)
{
    return firstHolder(db,
                       QStringLiteral("SELECT id, status, attempts, instance_id FROM jc_runs "
                                      "WHERE id = ?"),
                       {runId});
}

Expected<std::optional<QString>, QString> statusOf(QSqlDatabase &db, qint64 runId)
{
    const auto holder = runById(db, runId);
    if (!holder)
        return holder.error();
    return *holder ? std::optional<QString>((*holder)->status) : std::nullopt;
}

// A jc_runs row to insert; NULL where a QVariant is null.
struct NewRow
{
    QString job;
    QString trigger;
    qint64 occurrenceMSecs = 0;
    QString occurrenceKey;
    QString status;
    qint64 startedAtMSecs = 0;
    QVariant finishedAtMSecs = nullInt64();
    QVariant heartbeatAtMSecs = nullInt64();
    int attempts = 1;
    QString instanceId;
    QString requestedBy;
    QString reason;
    QString error;
    bool dryRun = false;
    QVariant missedCount = QVariant(QMetaType::fromType<int>());
    QString skipReason;
    QString holder;                     // running rows: this process (ProcessIdentity)
    QVariant leaseMSecs = nullInt64();  // running rows: the lease it runs under
    QVariant sessionLock = nullInt64(); // running rows: the holder's presence lock, if any
};

// Inserts the row unless its (job, occurrence) key is taken. Returns its id, or nullopt when
// the key was taken: ON CONFLICT keeps a PostgreSQL transaction usable (a unique violation
// would abort it) and keeps the expected collisions of several instances out of the
// server's error log.
Expected<std::optional<qint64>, QSqlError> insertRow(QSqlDatabase &db, SqlDialect dialect,
                                                     const NewRow &row)
{
    const bool pg = dialect == SqlDialect::Postgres;
    QSqlQuery query(db);
    // MySQL: an update that changes nothing stands for DO NOTHING (0 rows affected); INSERT
    // IGNORE would also swallow every other error of the row.
    const QString onTaken =
        dialect == SqlDialect::MySql
            ? QStringLiteral(" ON DUPLICATE KEY UPDATE id = id")
            : QStringLiteral(" ON CONFLICT (job_name, occurrence_key) DO NOTHING");
    const QString sql =
        QStringLiteral("INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                       "status, started_at_ms, finished_at_ms, heartbeat_at_ms, attempts, "
                       "instance_id, requested_by, reason, error, dry_run, missed_count, "
                       "skip_reason, holder, lease_ms, session_lock) VALUES (?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") +
        onTaken + (pg ? QStringLiteral(" RETURNING id") : QString());
    const QVariantList values{row.job,
                              row.trigger,
                              row.occurrenceMSecs,
                              row.occurrenceKey,
                              row.status,
                              row.startedAtMSecs,
                              row.finishedAtMSecs,
                              row.heartbeatAtMSecs,
                              row.attempts,
                              nullIfEmpty(row.instanceId),
                              nullIfEmpty(row.requestedBy),
                              nullIfEmpty(row.reason),
                              nullIfEmpty(row.error),
                              row.dryRun,
                              row.missedCount,
                              nullIfEmpty(row.skipReason),
                              nullIfEmpty(row.holder),
                              row.leaseMSecs,
                              row.sessionLock};
    if (!query.prepare(sql) || !execWith(query, values))
        return query.lastError();
    if (pg)
        return query.next() ? std::optional(query.value(0).toLongLong()) : std::nullopt;
    if (query.numRowsAffected() != 1)
        return std::optional<qint64>();
    return std::optional(query.lastInsertId().toLongLong());
}

using Claim = RunJournal::Claim;
using ClaimRequest = RunJournal::ClaimRequest;

QString describeOccurrence(const ClaimRequest &request)
{
    if (request.run.trigger == RunTrigger::Manual || !request.run.occurrence.isValid())
        return request.occurrenceKey;
    return IsoTime::format(request.run.occurrence.toUTC());
}

Claim claimFailed(const ClaimRequest &request, const QString &error)
{
    const QString message = QStringLiteral("Could not claim the run of \"%1\" at %2: %3")
                                .arg(request.run.job, describeOccurrence(request), error);
    qCWarning(lcStorage).noquote() << message;
    return {Claim::Status::Failed, 0, message};
}

// Names who holds the occurrence, when that is cheap to find out.
Claim alreadyClaimed(QSqlDatabase &db, const ClaimRequest &request)
{
    QString message = QStringLiteral("The run of \"%1\" at %2 is already taken")
                          .arg(request.run.job, describeOccurrence(request));
    const auto holder = occurrenceHolder(db, request.run.job, request.occurrenceKey);
    if (holder && *holder) {
        const Holder &h = **holder;
        message += QStringLiteral(": run %1, %2 %3 (attempt %4)")
                       .arg(h.id)
                       .arg(readable(h.status), h.where())
                       .arg(h.attempts);
    }
    return {Claim::Status::AlreadyClaimed, holder && *holder ? (*holder)->id : 0, message};
}

QVariant sessionLockOf(const ClaimRequest &request)
{
    return request.sessionLock > 0 ? QVariant(request.sessionLock) : nullInt64();
}

NewRow rowFor(const ClaimRequest &request, const QString &status)
{
    const RunInfo &run = request.run;
    NewRow row;
    row.job = run.job;
    row.trigger = toText(run.trigger);
    row.occurrenceMSecs =
        run.occurrence.isValid() ? run.occurrence.toMSecsSinceEpoch() : request.nowMSecs;
    row.occurrenceKey = request.occurrenceKey;
    row.status = status;
    row.startedAtMSecs = request.nowMSecs;
    row.attempts = run.attempt;
    row.instanceId = request.instanceId;
    row.requestedBy = run.requestedBy;
    row.reason = run.reason;
    row.dryRun = run.dryRun;
    if (status == statusText(RunOutcome::Running)) {
        row.holder = request.holder;
        row.leaseMSecs = request.leaseMSecs;
        row.sessionLock = sessionLockOf(request);
    }
    return row;
}

Claim insertRunning(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request)
{
    NewRow row = rowFor(request, statusText(RunOutcome::Running));
    row.heartbeatAtMSecs = request.nowMSecs;
    const auto inserted = insertRow(db, dialect, row);
    if (!inserted) {
        if (SqlErrors::isUniqueViolation(inserted.error(), dialect))
            return {Claim::Status::AlreadyClaimed, 0, SqlErrors::text(inserted.error())};
        return claimFailed(request, SqlErrors::text(inserted.error()));
    }
    if (!*inserted)
        return alreadyClaimed(db, request);
    return {Claim::Status::Claimed, **inserted, {}};
}

// Overlap Skip and a live run elsewhere: the occurrence is recorded under its own key, so
// that no instance runs it later: `missed` (reason overlap) for a scheduled occurrence,
// `skipped` for a manual run (`jobctl run --wait` exits 3 for it). A retry has its row
// already (the failed attempt): it simply does not happen now.
Claim refuseBusy(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request,
                 const Holder &live)
{
    const QString message = QStringLiteral("another run of this job was still running (run %1 %2)")
                                .arg(QString::number(live.id), live.where());
    if (request.run.trigger == RunTrigger::Retry)
        return {Claim::Status::Busy, 0, message};
    // Asked for by a person (who is told at once): skipped, not a missed occurrence.
    const bool manual =
        request.run.trigger == RunTrigger::Manual || request.run.trigger == RunTrigger::Backfill;
    NewRow row = rowFor(request, statusText(manual ? RunOutcome::Skipped : RunOutcome::Missed));
    row.finishedAtMSecs = request.nowMSecs;
    row.attempts = 0;
    row.error = message;
    row.skipReason = toText(SkipReason::Overlap);
    if (row.reason.isEmpty())
        row.reason = message;
    row.missedCount = 1;
    const auto inserted = insertRow(db, dialect, row);
    if (!inserted)
        return claimFailed(request, SqlErrors::text(inserted.error()));
    if (!*inserted)
        return alreadyClaimed(db, request);
    return {Claim::Status::Busy, **inserted, message};
}

// A re-opened row keeps the log lines of its earlier attempts; the new attempt's lines go
// after them (the same seq would be dropped as already written).
Claim reopened(QSqlDatabase &db, const ClaimRequest &request, qint64 runId)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (const auto error = execute(
            query,
            QStringLiteral("SELECT COALESCE(MAX(seq) + 1, 0) FROM jc_run_logs WHERE run_id = ?"),
            {runId}))
        return claimFailed(request, *error);
    const int firstLogSeq = query.next() ? query.value(0).toInt() : 0;
    return {Claim::Status::Claimed, runId, {}, firstLogSeq};
}

// A retry (attempt n) re-opens the row that attempt n-1 left failed or timed out. Whoever
// re-opens it first runs it; the WHERE makes a second re-open of the same attempt find nothing.
Claim reopenForRetry(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request)
{
    const auto holder = occurrenceHolder(db, request.run.job, request.occurrenceKey);
    if (!holder)
        return claimFailed(request, holder.error());
    if (!*holder) // the first attempt left no row (it ran without a journal): start one
        return insertRunning(db, dialect, request);
    QSqlQuery query(db);
    const auto error =
        execute(query,
                QStringLiteral(
                    "UPDATE jc_runs SET status = ?, attempts = ?, \"trigger\" = ?, "
                    "started_at_ms = ?, heartbeat_at_ms = ?, finished_at_ms = NULL, "
                    "instance_id = ?, holder = ?, lease_ms = ?, session_lock = ?, progress_done = "
                    "NULL, progress_total = NULL, progress_text = NULL WHERE id = ? AND status "
                    "IN (?, ?) AND attempts = ?"),
                {statusText(RunOutcome::Running), request.run.attempt, toText(RunTrigger::Retry),
                 request.nowMSecs, request.nowMSecs, nullIfEmpty(request.instanceId),
                 nullIfEmpty(request.holder), request.leaseMSecs, sessionLockOf(request),
                 (*holder)->id, statusText(RunOutcome::Failed), statusText(RunOutcome::TimedOut),
                 request.run.attempt - 1});
    if (error)
        return claimFailed(request, *error);
    if (query.numRowsAffected() != 1)
        return alreadyClaimed(db, request);
    return reopened(db, request, (*holder)->id);
}

// A catch-up of an occurrence that did not get done: recorded `missed` under its own key
// (the job was paused then and its policy catches up on resume, or the database could not be
// reached to claim it), or a run of it that failed, timed out, was interrupted or abandoned
// (start-up catch-up). That row becomes the catch-up run. Whoever turns it first runs it; the
// WHERE makes a second turn find nothing, and an occurrence that succeeded, is running or was
// cancelled by an admin is never taken.
Claim takeOverUnfinished(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request)
{
    const auto holder = occurrenceHolder(db, request.run.job, request.occurrenceKey);
    if (!holder)
        return claimFailed(request, holder.error());
    if (!*holder)
        return insertRunning(db, dialect, request);
    const QStringList unfinished{statusText(RunOutcome::Missed), statusText(RunOutcome::Failed),
                                 statusText(RunOutcome::TimedOut),
                                 statusText(RunOutcome::Interrupted),
                                 statusText(RunOutcome::Abandoned)};
    if (!unfinished.contains((*holder)->status))
        return alreadyClaimed(db, request);
    QSqlQuery query(db);
    const auto error = execute(
        query,
        QStringLiteral(
            "UPDATE jc_runs SET status = ?, attempts = ?, \"trigger\" = ?, "
            "started_at_ms = ?, heartbeat_at_ms = ?, finished_at_ms = NULL, "
            "instance_id = ?, holder = ?, lease_ms = ?, session_lock = ?, requested_by = "
            "?, reason = ?, error = NULL, missed_count = NULL, skip_reason = NULL, progress_done "
            "= NULL, progress_total = NULL, progress_text = NULL, "
            "cancel_requested_at_ms = NULL, cancel_requested_by = NULL WHERE id = ? "
            "AND status = ?"),
        {statusText(RunOutcome::Running), request.run.attempt, toText(request.run.trigger),
         request.nowMSecs, request.nowMSecs, nullIfEmpty(request.instanceId),
         nullIfEmpty(request.holder), request.leaseMSecs, sessionLockOf(request),
         nullIfEmpty(request.run.requestedBy), nullIfEmpty(request.run.reason), (*holder)->id,
         (*holder)->status});
    if (error)
        return claimFailed(request, *error);
    if (query.numRowsAffected() != 1)
        return alreadyClaimed(db, request);
    return reopened(db, request, (*holder)->id);
}

Claim decide(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request)
{
    if (request.overlap == OverlapPolicy::Skip) {
        const auto live = liveRun(db, dialect, request);
        if (!live)
            return claimFailed(request, live.error());
        if (*live)
            return refuseBusy(db, dialect, request, **live);
    }
    if (request.run.trigger == RunTrigger::Retry && request.run.attempt >= 2)
        return reopenForRetry(db, dialect, request);
    if (request.run.trigger == RunTrigger::CatchUp)
        return takeOverUnfinished(db, dialect, request);
    return insertRunning(db, dialect, request);
}

// New log lines of several runs, as the columns of one batch insert.
struct LogBatch
{
    QVariantList runIds, seqs, times, levels, messages, fields;

    void add(qint64 runId, const QList<LogLine> &lines, int firstSeq)
    {
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const LogLine &line = lines.at(i);
            runIds.append(runId);
            seqs.append(firstSeq + static_cast<int>(i));
            times.append(line.timeMSecs);
            levels.append(toText(line.level));
            messages.append(line.message);
            fields.append(jsonOrNull(QJsonObject::fromVariantMap(line.fields)));
        }
    }
};

// ON CONFLICT: a line already written (a heartbeat whose commit was reported lost, then
// repeated) is not written twice and does not fail the batch.
std::optional<QString> writeLog(QSqlDatabase &db, SqlDialect dialect, const LogBatch &batch)
{
    if (batch.runIds.isEmpty())
        return std::nullopt;
    QSqlQuery query(db);
    query.prepare(QStringLiteral("INSERT INTO jc_run_logs (run_id, seq, logged_at_ms, level, "
                                 "message, fields) VALUES (?, ?, ?, ?, ?, ?) ") +
                  (dialect == SqlDialect::MySql
                       ? QStringLiteral("ON DUPLICATE KEY UPDATE seq = seq")
                       : QStringLiteral("ON CONFLICT (run_id, seq) DO NOTHING")));
    for (const QVariantList *column : {&batch.runIds, &batch.seqs, &batch.times, &batch.levels,
                                       &batch.messages, &batch.fields}) {
        query.addBindValue(*column);
    }
    if (query.execBatch())
        return std::nullopt;
    return QStringLiteral("Could not write %1 log lines: %2")
        .arg(batch.runIds.size())
        .arg(SqlErrors::text(query.lastError()));
}

// Refreshes the leases (one prepared statement, run per run, so that a run this instance no
// longer holds is noticed) and collects the log lines of the runs whose row still exists.
std::optional<QString> refreshLeases(QSqlDatabase &db, const QList<RunJournal::LiveRun> &runs,
                                     qint64 nowMSecs, const QString &instanceId, LogBatch *log,
                                     QList<RunJournal::HeartbeatReply::Lost> *lost)
{
    QSqlQuery update(db);
    update.prepare(QStringLiteral(
        "UPDATE jc_runs SET heartbeat_at_ms = ?, progress_done = ?, progress_total = ?, "
        "progress_text = ? WHERE id = ? AND instance_id = ? AND status = ?"));
    for (const RunJournal::LiveRun &run : runs) {
        if (!execWith(update, {nowMSecs, run.progress.done, run.progress.total,
                               nullIfEmpty(run.progress.text), run.storedRunId, instanceId,
                               statusText(RunOutcome::Running)}))
            return SqlErrors::text(update.lastError());
        if (update.numRowsAffected() != 1) {
            const auto holder = runById(db, run.storedRunId);
            if (!holder)
                return holder.error();
            const QString why = *holder ? QStringLiteral("the run is now %1 %2")
                                              .arg(readable((*holder)->status), (*holder)->where())
                                        : QStringLiteral("its row is gone");
            qCWarning(lcStorage).noquote()
                << QStringLiteral("Run %1 is not held by instance %2 any more: %3")
                       .arg(QString::number(run.storedRunId), instanceId,
                            *holder ? readable((*holder)->status) + u' ' + (*holder)->where()
                                    : QStringLiteral("it is gone"));
            lost->append({run.storedRunId, why});
            if (!*holder)
                continue; // its row is gone: its lines have nowhere to go
        }
        log->add(run.storedRunId, run.newLogLines, run.firstLogSeq);
    }
    return std::nullopt;
}

Expected<QList<qint64>, QString> cancelRequested(QSqlDatabase &db,
                                                 const QList<RunJournal::LiveRun> &runs)
{
    QStringList marks;
    QVariantList ids;
    for (const RunJournal::LiveRun &run : runs) {
        marks.append(QStringLiteral("?"));
        ids.append(run.storedRunId);
    }
    QSqlQuery query(db);
    query.setForwardOnly(true);
    const QString sql = QStringLiteral("SELECT id FROM jc_runs WHERE cancel_requested_at_ms IS "
                                       "NOT NULL AND id IN (%1) ORDER BY id")
                            .arg(marks.join(QStringLiteral(", ")));
    if (auto error = execute(query, sql, ids))
        return *error;
    QList<qint64> cancelled;
    while (query.next())
        cancelled.append(query.value(0).toLongLong());
    return cancelled;
}

} // namespace

SqlRunJournal::SqlRunJournal(std::shared_ptr<ConnectionFactory> connections)
    : m_connections(std::move(connections))
{}

RunJournal::Claim SqlRunJournal::claim(const ClaimRequest &request)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return claimFailed(request, db.error());
    const SqlDialect dialect = m_connections->dialect();
    // Before the transaction, so that it is released after the transaction has ended.
    std::optional<MySqlJobLock> mysqlLock;
    if (dialect == SqlDialect::MySql) {
        mysqlLock.emplace(db.value(), request.run.job);
        if (auto refused = mysqlLock->error())
            return claimFailed(request, *refused);
    }
    WriteTransaction transaction(*db, *m_connections);
    auto error = transaction.begin(dialect);
    if (!error && dialect == SqlDialect::Postgres)
        error = lockJob(db.value(), request.run.job);
    if (error)
        return claimFailed(request, *error);
    Claim claim = decide(db.value(), dialect, request);
    if (claim.status == Claim::Status::Failed)
        return claim;
    if (auto failed = transaction.commit())
        return claimFailed(request, *failed);
    qCDebug(lcStorage) << "claim of" << request.run.job << request.occurrenceKey << "by"
                       << request.instanceId << "->" << static_cast<int>(claim.status)
                       << claim.storedRunId;
    return claim;
}

Expected<RunJournal::HeartbeatReply, QString>
SqlRunJournal::heartbeat(const QList<LiveRun> &runs, qint64 nowMSecs, const QString &instanceId)
{
    HeartbeatReply reply;
    if (runs.isEmpty())
        return reply;
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return db.error();
    WriteTransaction transaction(*db, *m_connections);
    auto error = transaction.begin(m_connections->dialect());
    LogBatch log;
    if (!error)
        error = refreshLeases(db.value(), runs, nowMSecs, instanceId, &log, &reply.lost);
    if (!error)
        error = writeLog(db.value(), m_connections->dialect(), log);
    if (error)
        return QStringLiteral("Could not refresh the heartbeat of %1 runs: %2")
            .arg(runs.size())
            .arg(*error);
    auto cancelled = cancelRequested(db.value(), runs);
    if (!cancelled)
        return cancelled.error();
    if (auto failed = transaction.commit())
        return QStringLiteral("Could not refresh the heartbeat: %1").arg(*failed);
    reply.cancelRequested = std::move(cancelled).value();
    return reply;
}

Expected<bool, QString> SqlRunJournal::finish(qint64 storedRunId, const RunRecord &record,
                                              const QList<LogLine> &unwrittenLog, int firstLogSeq)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return db.error();
    const auto fail = [&](const QString &why) {
        return QStringLiteral("Could not record how run %1 of \"%2\" ended: %3")
            .arg(QString::number(storedRunId), record.info.job, why);
    };
    WriteTransaction transaction(*db, *m_connections);
    if (auto error = transaction.begin(m_connections->dialect()))
        return fail(*error);
    const qint64 finishedAt = record.finishedAt.isValid() ? record.finishedAt.toMSecsSinceEpoch()
                                                          : SystemClock::wallMSecs();
    int changed = 0;
    auto error = updateCounting(
        db.value(),
        QStringLiteral("UPDATE jc_runs SET status = ?, finished_at_ms = ?, error = ?, "
                       "summary = ?, attempts = ?, progress_done = ?, progress_total = ?, "
                       "progress_text = ? WHERE id = ? AND status = ?"),
        {toText(record.outcome), finishedAt, nullIfEmpty(record.error), jsonOrNull(record.summary),
         record.info.attempt, record.progress.done, record.progress.total,
         nullIfEmpty(record.progress.text), storedRunId, statusText(RunOutcome::Running)},
        &changed);
    std::optional<QString> refused;
    if (!error && changed != 1) {
        const auto status = statusOf(db.value(), storedRunId);
        if (!status || !*status)
            return fail(status ? QStringLiteral("there is no such run") : status.error());
        if (**status == statusText(RunOutcome::Interrupted) &&
            record.outcome == RunOutcome::Interrupted)
            error = addOwnAccount(db.value(), storedRunId, record, finishedAt);
        else
            refused = QStringLiteral("Run %1 of \"%2\" was already marked %3, so its outcome (%4) "
                                     "was not recorded")
                          .arg(QString::number(storedRunId), record.info.job, readable(**status),
                               readable(toText(record.outcome)));
    }
    LogBatch log;
    log.add(storedRunId, unwrittenLog, firstLogSeq);
    if (!error)
        error = writeLog(db.value(), m_connections->dialect(), log);
    if (!error)
        error = transaction.commit();
    if (error)
        return fail(*error);
    if (refused)
        return *refused;
    return true;
}

Expected<bool, QString> SqlRunJournal::recordSkipped(const Skipped &skipped)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return db.error();
    const QDateTime occurrence = QDateTime::fromMSecsSinceEpoch(skipped.occurrenceMSecs, Qt::UTC);
    NewRow row;
    row.job = skipped.job;
    row.trigger = toText(RunTrigger::Scheduled);
    row.occurrenceMSecs = skipped.occurrenceMSecs;
    row.occurrenceKey = skipped.occurrenceKey;
    if (row.occurrenceKey.isEmpty()) // a key of its own: it never blocks a real run
        row.occurrenceKey = QStringLiteral("skipped:%1:%2")
                                .arg(occurrence.toString(Qt::ISODateWithMs),
                                     QUuid::createUuid().toString(QUuid::WithoutBraces));
    // Every scheduled occurrence that did not run is `missed`; the text says why (paused,
    // overlap, instance down, stopping) and missed_count how many it stands for.
    row.status = statusText(RunOutcome::Missed);
    row.startedAtMSecs = skipped.nowMSecs;
    row.finishedAtMSecs = skipped.nowMSecs;
    row.attempts = 0;
    row.instanceId = skipped.instanceId;
    row.error = skipped.detail.isEmpty() ? QStringLiteral("Not run: %1").arg(toText(skipped.reason))
                                         : skipped.detail;
    row.reason = row.error;
    row.missedCount = std::max(1, skipped.count);
    row.skipReason = toText(skipped.reason);
    const auto inserted = insertRow(db.value(), m_connections->dialect(), row);
    if (!inserted && !SqlErrors::isUniqueViolation(inserted.error(), m_connections->dialect())) {
        return QStringLiteral("Could not record the %1 occurrence of \"%2\" at %3: %4")
            .arg(row.status, skipped.job, IsoTime::format(occurrence),
                 SqlErrors::text(inserted.error()));
    }
    if (!inserted || !*inserted)
        qCDebug(lcStorage) << "occurrence" << row.occurrenceKey << "of" << skipped.job
                           << "was already recorded";
    return true;
}

Expected<int, QString> SqlRunJournal::interruptStale(qint64 nowMSecs, qint64 leaseMSecs,
                                                     const QString &ownInstanceId)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return db.error();
    WriteTransaction transaction(*db, *m_connections);
    auto error = transaction.begin(m_connections->dialect());
    const QString running = statusText(RunOutcome::Running);
    const QString interrupted = statusText(RunOutcome::Interrupted);
    int count = 0;
    // Own runs first, so that they get the message that says what really happened.
    if (!error && !ownInstanceId.isEmpty()) {
        error = updateCounting(
            db.value(),
            QStringLiteral("UPDATE jc_runs SET status = ?, finished_at_ms = "
                           "COALESCE(heartbeat_at_ms, started_at_ms), error = ? WHERE status = ? "
                           "AND instance_id = ?"),
            {interrupted, QStringLiteral("The instance was restarted while this run was going"),
             running, ownInstanceId},
            &count);
    }
    if (!error)
        error = interruptDead(db.value(), m_connections->dialect(), nowMSecs, leaseMSecs, &count);
    if (!error)
        error = transaction.commit();
    if (error)
        return QStringLiteral("Could not mark the runs of dead instances interrupted: %1")
            .arg(*error);
    if (count > 0)
        qCInfo(lcStorage) << "marked" << count << "runs interrupted";
    return count;
}

Expected<bool, QString> SqlRunJournal::requestCancel(qint64 storedRunId, const QString &requestedBy,
                                                     qint64 nowMSecs)
{
    auto db = m_connections->connectionForCurrentThread();
    if (!db)
        return db.error();
    int changed = 0;
    const auto error = updateCounting(
        db.value(),
        QStringLiteral("UPDATE jc_runs SET cancel_requested_at_ms = ?, cancel_requested_by = ? "
                       "WHERE id = ? AND status = ? AND cancel_requested_at_ms IS NULL"),
        {nowMSecs, nullIfEmpty(requestedBy), storedRunId, statusText(RunOutcome::Running)},
        &changed);
    if (error)
        return QStringLiteral("Could not ask run %1 to cancel: %2")
            .arg(QString::number(storedRunId), *error);
    if (changed == 1)
        return true;
    const auto status = statusOf(db.value(), storedRunId);
    if (!status)
        return QStringLiteral("Could not ask run %1 to cancel: %2")
            .arg(QString::number(storedRunId), status.error());
    if (!*status)
        return QStringLiteral("There is no run %1.").arg(storedRunId);
    if (**status == statusText(RunOutcome::Running))
        return true; // asked before: the first request stands
    return QStringLiteral("Run %1 is not running (it is %2), so there is nothing to cancel.")
        .arg(QString::number(storedRunId), readable(**status));
}

} // namespace jc

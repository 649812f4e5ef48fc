#include "storage/RunClaims.h"

#include "common/IsoTime.h"
#include "engine/PauseDetail.h"
#include "storage/MySqlJobLock.h"
#include "storage/RunLogBatch.h"
#include "storage/SqlErrors.h"
#include "storage/StatementReuse.h"
#include "storage/StorageLog.h"
#include "storage/WriteTransaction.h"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace jc {

namespace {

using Claim = RunJournal::Claim;
using ClaimRequest = RunJournal::ClaimRequest;

// PostgreSQL: claims of one job queue behind each other until commit, across instances.
std::optional<QString> lockJob(QSqlDatabase &db, const QString &job)
{
    SqlStatement lock(db, u"SELECT pg_advisory_xact_lock(hashtext(:key))"_s);
    if (const auto failed = lock.exec({{u":key"_s, QString(u"jc.job:"_s + job)}}))
        return failed->text();
    return std::nullopt;
}

QString describeOccurrence(const ClaimRequest &request)
{
    if (request.run.trigger == RunTrigger::Manual || !request.run.occurrence.isValid())
        return request.occurrenceKey;
    return IsoTime::format(request.run.occurrence.toUTC());
}

// A person's run is not held by a pause; everything the schedule starts is.
bool heldByPause(const ClaimRequest &request)
{
    return request.run.trigger != RunTrigger::Manual && request.run.trigger != RunTrigger::Backfill;
}

QVariant sessionLockOf(const ClaimRequest &request)
{
    return request.sessionLock > 0 ? QVariant(request.sessionLock) : SqlStatement::null<qint64>();
}

// What a row re-opened for a retry or a catch-up starts its run with: running, held by this
// instance from now on, no progress yet.
const QString RestartColumns =
    u"status = :running, attempts = :attempt, \"trigger\" = :trigger, started_at_ms = :now, "
    "heartbeat_at_ms = :now, finished_at_ms = NULL, instance_id = :instance, holder = :holder, "
    "lease_ms = :lease, session_lock = :session_lock, progress_done = NULL, progress_total = "
    "NULL, progress_text = NULL"_s;

SqlStatement::Values restartValues(const ClaimRequest &request, RunTrigger trigger)
{
    return {{u":running"_s, toText(RunOutcome::Running)},
            {u":attempt"_s, request.run.attempt},
            {u":trigger"_s, toText(trigger)},
            {u":now"_s, request.nowMSecs},
            {u":instance"_s, SqlStatement::nullIfEmpty(request.instanceId)},
            {u":holder"_s, SqlStatement::nullIfEmpty(request.holder)},
            {u":lease"_s, request.leaseMSecs},
            {u":session_lock"_s, sessionLockOf(request)}};
}

} // namespace

RunClaims::Claim RunClaims::claim(ConnectionFactory &connections, const ClaimRequest &request)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return failed(request, db.error());
    const SqlDialect dialect = connections.dialect();
    // Before the transaction, so that it is released after the transaction has ended.
    std::optional<MySqlJobLock> mysqlLock;
    if (dialect == SqlDialect::MySql) {
        mysqlLock.emplace(db.value(), request.run.job);
        if (auto refused = mysqlLock->error())
            return failed(request, *refused);
    }
    WriteTransaction transaction(*db, connections);
    auto error = transaction.begin(dialect);
    if (!error && dialect == SqlDialect::Postgres)
        error = lockJob(db.value(), request.run.job);
    if (error)
        return failed(request, *error);
    const auto pauses = pausesFor(db.value(), {request});
    if (!pauses)
        return failed(request, pauses.error());
    Claim claim = decide(db.value(), dialect, request, *pauses);
    if (claim.status == Claim::Status::Failed)
        return claim;
    if (auto commitFailed = transaction.commit())
        return failed(request, *commitFailed);
    qCDebug(lcStorage) << "claim of" << request.run.job << request.occurrenceKey << "by"
                       << request.instanceId << "->" << static_cast<int>(claim.status)
                       << claim.storedRunId;
    return claim;
}

QList<RunClaims::Claim> RunClaims::claimAll(ConnectionFactory &connections,
                                            const QList<ClaimRequest> &requests)
{
    QList<Claim> claims;
    claims.reserve(requests.size());
    const bool together = connections.dialect() != SqlDialect::MySql && requests.size() > 1;
    for (qsizetype first = 0; first < requests.size(); first += maxClaimsPerTransaction) {
        const QList<ClaimRequest> batch = requests.mid(first, maxClaimsPerTransaction);
        if (const auto decided = together ? claimTogether(connections, batch) : std::nullopt) {
            claims.append(*decided);
            continue;
        }
        for (const ClaimRequest &request : batch)
            claims.append(claim(connections, request));
    }
    return claims;
}

std::optional<QList<RunClaims::Claim>> RunClaims::claimTogether(ConnectionFactory &connections,
                                                                const QList<ClaimRequest> &requests)
{
    auto db = connections.connectionForCurrentThread();
    if (!db)
        return std::nullopt;
    const SqlDialect dialect = connections.dialect();
    const StatementReuse reuse; // each statement prepared once for the whole batch
    WriteTransaction transaction(*db, connections);
    if (transaction.begin(dialect))
        return std::nullopt;
    if (dialect == SqlDialect::Postgres) {
        QStringList jobs;
        for (const ClaimRequest &request : requests)
            jobs.append(request.run.job);
        jobs.sort();
        jobs.removeDuplicates();
        for (const QString &job : std::as_const(jobs))
            if (lockJob(db.value(), job))
                return std::nullopt;
    }
    const auto pauses = pausesFor(db.value(), requests);
    if (!pauses)
        return std::nullopt;
    QList<Claim> claims;
    claims.reserve(requests.size());
    for (const ClaimRequest &request : requests) {
        Claim claim = decide(db.value(), dialect, request, *pauses);
        if (claim.status == Claim::Status::Failed)
            return std::nullopt;
        claims.append(std::move(claim));
    }
    if (transaction.commit())
        return std::nullopt;
    qCDebug(lcStorage) << requests.size() << "claims in one transaction";
    return claims;
}

// One request: its job's row (a primary-key read). A batch: the whole table in one read
// instead of one per claim (it holds a row per paused job, and a burst claims thousands).
Expected<RunClaims::Pauses, QString> RunClaims::pausesFor(QSqlDatabase &db,
                                                          const QList<ClaimRequest> &requests)
{
    const auto held = std::count_if(requests.cbegin(), requests.cend(), heldByPause);
    if (held == 0)
        return Pauses();
    if (held > 1)
        return PauseStore::allStoredOn(db);
    const QString &job = std::find_if(requests.cbegin(), requests.cend(), heldByPause)->run.job;
    const auto stored = PauseStore::storedOn(db, job);
    if (!stored)
        return Unexpected(stored.error());
    Pauses pauses;
    if (*stored)
        pauses.insert(job, **stored);
    return pauses;
}

RunClaims::Claim RunClaims::decide(QSqlDatabase &db, SqlDialect dialect,
                                   const ClaimRequest &request, const Pauses &pauses)
{
    if (const auto pause = heldByPause(request) ? pauseOf(pauses, request) : std::nullopt)
        return refusePaused(db, dialect, request, *pause);
    // Another instance's live run matters only to a policy that would refuse beside it.
    if (admitBesideAnotherInstance(request.overlap) == OverlapAdmission::Refuse) {
        const auto live = liveRun(db, dialect, request);
        if (!live)
            return failed(request, live.error());
        if (*live)
            return refuseBusy(db, dialect, request, **live);
    }
    if (request.run.trigger == RunTrigger::Retry && request.run.attempt >= 2)
        return reopenForRetry(db, dialect, request);
    if (request.run.trigger == RunTrigger::CatchUp)
        return takeOverUnfinished(db, dialect, request);
    return insertRunning(db, dialect, request);
}

// Another run of the job that is alive (RunLiveness). A live run of this very occurrence is
// not "another": it holds the key, and the claim is AlreadyClaimed. A run whose holder is gone
// is marked interrupted here, in the claim's transaction: the new run starts at once instead
// of waiting out a dead process's lease.
Expected<std::optional<RunHolder>, QString> RunClaims::liveRun(QSqlDatabase &db, SqlDialect dialect,
                                                               const ClaimRequest &request)
{
    const auto rows = RunRows::running(db, dialect, request.run.job, request.occurrenceKey,
                                       request.leaseMSecs, request.nowMSecs);
    if (!rows)
        return Unexpected(rows.error());
    std::optional<RunHolder> live;
    for (const RunningRow &row : rows.value()) {
        if (row.state == RunLiveness::State::Alive && !live)
            live = row.holder;
        // A lease that ran out is the sweep's to mark (it may be a hung holder coming back);
        // a holder known gone is marked here, so that the new run starts at once.
        if (row.state == RunLiveness::State::Alive || row.state == RunLiveness::State::LeaseExpired)
            continue;
        int count = 0;
        if (auto error = RunRows::markInterrupted(
                db, row.holder.id, RunLiveness::reason(row.state, row.holderText, row.leaseMSecs),
                &count))
            return Unexpected(*error);
    }
    return live;
}

RunClaims::Claim RunClaims::insertRunning(QSqlDatabase &db, SqlDialect dialect,
                                          const ClaimRequest &request)
{
    NewRunRow row = rowFor(request, toText(RunOutcome::Running));
    row.heartbeatAtMSecs = request.nowMSecs;
    const auto inserted = RunRows::insert(db, dialect, row);
    if (!inserted) {
        if (SqlErrors::isUniqueViolation(inserted.error(), dialect))
            return {Claim::Status::AlreadyClaimed, 0, SqlErrors::text(inserted.error())};
        return failed(request, SqlErrors::text(inserted.error()));
    }
    if (!*inserted)
        return alreadyClaimed(db, request);
    return {Claim::Status::Claimed, **inserted, {}};
}

// Overlap Skip and a live run elsewhere: the occurrence is recorded under its own key, so
// that no instance runs it later: `missed` (reason overlap) for a scheduled occurrence,
// `skipped` for a manual run (`jobctl run --wait` exits 3 for it). A retry has its row
// already (the failed attempt): it simply does not happen now.
RunClaims::Claim RunClaims::refuseBusy(QSqlDatabase &db, SqlDialect dialect,
                                       const ClaimRequest &request, const RunHolder &live)
{
    const QString message = u"another run of this job was still running (run %1 %2)"_s.arg(
        QString::number(live.id), live.where());
    if (request.run.trigger == RunTrigger::Retry)
        return {Claim::Status::Busy, 0, message};
    // Asked for by a person (who is told at once): skipped, not a missed occurrence.
    const bool manual =
        request.run.trigger == RunTrigger::Manual || request.run.trigger == RunTrigger::Backfill;
    return recordNotRun(db, dialect, request,
                        {manual ? RunOutcome::Skipped : RunOutcome::Missed, SkipReason::Overlap,
                         Claim::Status::Busy, message});
}

// The occurrence's row says it did not run, and why (`notRun.why`, also its reason unless the
// request brought one); the claim answers `notRun.answer` unless another instance holds the key.
RunClaims::Claim RunClaims::recordNotRun(QSqlDatabase &db, SqlDialect dialect,
                                         const ClaimRequest &request, const NotRun &notRun)
{
    NewRunRow row = rowFor(request, toText(notRun.outcome));
    row.finishedAtMSecs = request.nowMSecs;
    row.attempts = 0;
    row.error = notRun.why;
    row.skipReason = toText(notRun.reason);
    if (row.reason.isEmpty())
        row.reason = notRun.why;
    row.missedCount = 1;
    const auto inserted = RunRows::insert(db, dialect, row);
    if (!inserted)
        return failed(request, SqlErrors::text(inserted.error()));
    if (!*inserted)
        return alreadyClaimed(db, request);
    return {notRun.answer, **inserted, notRun.why};
}

// The job's pause as stored (PauseStore), when it stands at the claim's time, worded as the
// scheduler words a pause it knows of (pauseDetail).
std::optional<QString> RunClaims::pauseOf(const Pauses &pauses, const ClaimRequest &request)
{
    const auto stored = pauses.constFind(request.run.job);
    if (stored == pauses.cend() || !stored->isActiveAt(request.nowMSecs))
        return std::nullopt;
    return pauseDetail(stored->pausedBy, stored->reason);
}

// Paused in the database, and this instance had not heard yet: a scheduled occurrence is
// recorded missed under its own key, as the instance would have recorded it (reason paused);
// a retry or catch-up has its row already and simply does not happen now.
RunClaims::Claim RunClaims::refusePaused(QSqlDatabase &db, SqlDialect dialect,
                                         const ClaimRequest &request, const QString &detail)
{
    if (request.run.trigger != RunTrigger::Scheduled)
        return {Claim::Status::Paused, 0, detail};
    return recordNotRun(db, dialect, request,
                        {RunOutcome::Missed, SkipReason::Paused, Claim::Status::Paused, detail});
}

// A retry (attempt n) re-opens the row that an earlier attempt left failed or timed out: n-1,
// or one before it when the attempts between could not claim (the database was away; the
// row still says the last attempt that ran). Whoever re-opens it first runs it; the WHERE makes
// a second re-open of the same attempt, or one of an attempt behind the row's, find nothing.
RunClaims::Claim RunClaims::reopenForRetry(QSqlDatabase &db, SqlDialect dialect,
                                           const ClaimRequest &request)
{
    const auto holder = RunRows::byOccurrence(db, request.run.job, request.occurrenceKey);
    if (!holder)
        return failed(request, holder.error());
    if (!*holder) // the first attempt left no row (it ran without a journal): start one
        return insertRunning(db, dialect, request);
    SqlStatement update(db, u"UPDATE jc_runs SET "_s + RestartColumns +
                                u" WHERE id = :run AND status IN (:failed, :timed_out) AND "
                                "attempts < :this_attempt"_s);
    SqlStatement::Values values = restartValues(request, RunTrigger::Retry);
    values.insert({{u":run"_s, (*holder)->id},
                   {u":failed"_s, toText(RunOutcome::Failed)},
                   {u":timed_out"_s, toText(RunOutcome::TimedOut)},
                   {u":this_attempt"_s, request.run.attempt}});
    if (const auto error = update.exec(values))
        return failed(request, error->text());
    if (update.numRowsAffected() != 1)
        return alreadyClaimed(db, request);
    return reopened(db, request, (*holder)->id);
}

// A catch-up of an occurrence that did not get done: recorded `missed` under its own key
// (the job was paused then and its policy catches up on resume, or the database could not be
// reached to claim it), or a run of it that failed, timed out, was interrupted or abandoned
// (start-up catch-up). That row becomes the catch-up run. Whoever turns it first runs it; the
// WHERE makes a second turn find nothing, and an occurrence that succeeded, is running or was
// cancelled by an admin is never taken.
RunClaims::Claim RunClaims::takeOverUnfinished(QSqlDatabase &db, SqlDialect dialect,
                                               const ClaimRequest &request)
{
    const auto holder = RunRows::byOccurrence(db, request.run.job, request.occurrenceKey);
    if (!holder)
        return failed(request, holder.error());
    if (!*holder)
        return insertRunning(db, dialect, request);
    const QStringList unfinished{toText(RunOutcome::Missed), toText(RunOutcome::Failed),
                                 toText(RunOutcome::TimedOut), toText(RunOutcome::Interrupted),
                                 toText(RunOutcome::Abandoned)};
    if (!unfinished.contains((*holder)->status))
        return alreadyClaimed(db, request);
    SqlStatement earlier(db, u"SELECT status, error, instance_id, finished_at_ms FROM jc_runs "
                             "WHERE id = :run"_s);
    if (const auto error = earlier.exec({{u":run"_s, (*holder)->id}}))
        return failed(request, error->text());
    QVariantMap was;
    if (earlier.next()) {
        was = {{u"earlierOutcome"_s, earlier.value(0).toString()},
               {u"earlierError"_s, earlier.value(1).toString()},
               {u"earlierInstance"_s, earlier.value(2).toString()}};
        if (!earlier.value(3).isNull())
            was.insert(u"earlierEnd"_s,
                       QDateTime::fromMSecsSinceEpoch(earlier.value(3).toLongLong(), Qt::UTC)
                           .toString(Qt::ISODateWithMs));
    }
    SqlStatement update(db, u"UPDATE jc_runs SET "_s + RestartColumns +
                                u", requested_by = :requested_by, reason = :reason, error = "
                                "NULL, missed_count = NULL, skip_reason = NULL, "
                                "cancel_requested_at_ms = NULL, cancel_requested_by = NULL "
                                "WHERE id = :run AND status = :status"_s);
    SqlStatement::Values values = restartValues(request, request.run.trigger);
    values.insert({{u":requested_by"_s, SqlStatement::nullIfEmpty(request.run.requestedBy)},
                   {u":reason"_s, SqlStatement::nullIfEmpty(request.run.reason)},
                   {u":run"_s, (*holder)->id},
                   {u":status"_s, (*holder)->status}});
    if (const auto error = update.exec(values))
        return failed(request, error->text());
    if (update.numRowsAffected() != 1)
        return alreadyClaimed(db, request);
    return withEarlierAttempt(db, dialect, request, reopened(db, request, (*holder)->id), was);
}

// The row's outcome and error are the new attempt's from now on: what the attempt before it
// came to (an `interrupted` killed half-way, a failure) stays in the run's log, where Run
// details and `jobctl history` show it, instead of being overwritten.
RunClaims::Claim RunClaims::withEarlierAttempt(QSqlDatabase &db, SqlDialect dialect,
                                               const ClaimRequest &request, Claim claim,
                                               const QVariantMap &earlier)
{
    if (claim.status != Claim::Status::Claimed || earlier.isEmpty())
        return claim;
    const QString outcome = RunRows::readable(earlier.value(u"earlierOutcome"_s).toString());
    const QString error = earlier.value(u"earlierError"_s).toString();
    LogLine line{request.nowMSecs, LogLevel::Warning,
                 error.isEmpty()
                     ? u"This run finishes an occurrence whose earlier run ended %1"_s.arg(outcome)
                     : u"This run finishes an occurrence whose earlier run ended %1: %2"_s.arg(
                           outcome, error),
                 earlier};
    RunLogBatch log;
    log.add(claim.storedRunId, {line}, claim.firstLogSeq);
    if (const auto failedWrite = log.write(db, dialect))
        return failed(request, *failedWrite);
    ++claim.firstLogSeq;
    return claim;
}

// A re-opened row keeps the log lines of its earlier attempts; the new attempt's lines go
// after them (the same seq would be dropped as already written).
RunClaims::Claim RunClaims::reopened(QSqlDatabase &db, const ClaimRequest &request, qint64 runId)
{
    SqlStatement select(db,
                        u"SELECT COALESCE(MAX(seq) + 1, 0) FROM jc_run_logs WHERE run_id = :run"_s);
    if (const auto error = select.exec({{u":run"_s, runId}}))
        return failed(request, error->text());
    const int firstLogSeq = select.next() ? select.value(0).toInt() : 0;
    return {Claim::Status::Claimed, runId, {}, firstLogSeq};
}

// Names who holds the occurrence, when that is cheap to find out.
RunClaims::Claim RunClaims::alreadyClaimed(QSqlDatabase &db, const ClaimRequest &request)
{
    QString message = u"The run of \"%1\" at %2 is already taken"_s.arg(
        request.run.job, describeOccurrence(request));
    const auto holder = RunRows::byOccurrence(db, request.run.job, request.occurrenceKey);
    if (holder && *holder) {
        const RunHolder &h = **holder;
        message += u": run %1, %2 %3 (attempt %4)"_s.arg(h.id)
                       .arg(RunRows::readable(h.status), h.where())
                       .arg(h.attempts);
    }
    return {Claim::Status::AlreadyClaimed, holder && *holder ? (*holder)->id : 0, message};
}

RunClaims::Claim RunClaims::failed(const ClaimRequest &request, const QString &error)
{
    const QString message = u"Could not claim the run of \"%1\" at %2: %3"_s.arg(
        request.run.job, describeOccurrence(request), error);
    qCWarning(lcStorage).noquote() << message;
    return {Claim::Status::Failed, 0, message};
}

NewRunRow RunClaims::rowFor(const ClaimRequest &request, const QString &status)
{
    const RunInfo &run = request.run;
    NewRunRow row;
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
    if (status == toText(RunOutcome::Running)) {
        row.holder = request.holder;
        row.leaseMSecs = request.leaseMSecs;
        row.sessionLock = sessionLockOf(request);
    }
    return row;
}

} // namespace jc

#pragma once

#include "engine/RunJournal.h"
#include "storage/ConnectionFactory.h"
#include "storage/PauseStore.h"
#include "storage/RunRows.h"

#include <QSqlDatabase>

namespace jc {

// The claim of SqlRunJournal: who runs an occurrence, decided and recorded in one
// transaction that first serialises the claims of the job (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: pg_advisory_xact_lock; MySQL: MySqlJobLock around the transaction). The unique
// (job_name, occurrence_key) key stays the final word.
//
// The paths: a new running row; with the job paused in the database, a scheduled occurrence
// recorded missed (refusePaused); with overlap skip and a live run elsewhere, the occurrence
// recorded missed or skipped (refuseBusy); a retry re-opening its failed row
// (reopenForRetry); a catch-up taking over its unfinished row (takeOverUnfinished).
//
// Stateless; any thread, on the calling thread's connection.
class RunClaims
{
public:
    using Claim = RunJournal::Claim;
    using ClaimRequest = RunJournal::ClaimRequest;

    static Claim claim(ConnectionFactory &connections, const ClaimRequest &request);
    // RunJournal::claimAll: on SQLite and PostgreSQL up to maxClaimsPerTransaction claims are
    // decided in one transaction, each by the same rules as claim() (PostgreSQL takes every
    // job's lock first, in the order of the jobs' names, so that two instances claiming
    // overlapping sets wait for each other instead of deadlocking). When that transaction
    // fails in any way, its claims are made again one by one, so that every answer is
    // exactly claim()'s. MySQL claims one by one (one named lock per transaction).
    static QList<Claim> claimAll(ConnectionFactory &connections,
                                 const QList<ClaimRequest> &requests);

    // The claims of one transaction. SQLite holds its write lock for all of them: this bounds
    // how long another process waits behind a burst (about 10 ms on a laptop).
    static constexpr qsizetype maxClaimsPerTransaction = 250;

private:
    // One transaction deciding every request; nullopt when any part of it failed (it was
    // rolled back).
    static std::optional<QList<Claim>> claimTogether(ConnectionFactory &connections,
                                                     const QList<ClaimRequest> &requests);
    // The stored pauses by job, read once per transaction, for the requests a pause holds.
    using Pauses = QHash<QString, PauseState>;
    static Expected<Pauses, QString> pausesFor(QSqlDatabase &db,
                                               const QList<ClaimRequest> &requests);
    static Claim decide(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request,
                        const Pauses &pauses);
    static Expected<std::optional<RunHolder>, QString> liveRun(QSqlDatabase &db, SqlDialect dialect,
                                                               const ClaimRequest &request);
    static Claim insertRunning(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request);
    static Claim refuseBusy(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request,
                            const RunHolder &live);
    // An occurrence that does not run now, as its row records it.
    struct NotRun
    {
        RunOutcome outcome;   // missed or skipped
        SkipReason reason;    // why, as a word
        Claim::Status answer; // the claim's answer
        QString why;          // as the history says it
    };
    static Claim recordNotRun(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request,
                              const NotRun &notRun);
    static std::optional<QString> pauseOf(const Pauses &pauses, const ClaimRequest &request);
    static Claim refusePaused(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request,
                              const QString &detail);
    static Claim reopenForRetry(QSqlDatabase &db, SqlDialect dialect, const ClaimRequest &request);
    static Claim takeOverUnfinished(QSqlDatabase &db, SqlDialect dialect,
                                    const ClaimRequest &request);
    static Claim reopened(QSqlDatabase &db, const ClaimRequest &request, qint64 runId);
    // The first line of the new attempt's log: how the attempt before it ended (`earlier`: its
    // status, error, instance and end), which the re-opened row's own columns no longer say.
    static Claim withEarlierAttempt(QSqlDatabase &db, SqlDialect dialect,
                                    const ClaimRequest &request, Claim claim,
                                    const QVariantMap &earlier);
    static Claim alreadyClaimed(QSqlDatabase &db, const ClaimRequest &request);
    static Claim failed(const ClaimRequest &request, const QString &error);
    static NewRunRow rowFor(const ClaimRequest &request, const QString &status);
};

} // namespace jc

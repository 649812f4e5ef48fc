#include "storage/SqlRunJournal.h"

#include "engine/ManualClock.h"
#include "engine/Scheduler.h"

#include "storage/ConnectionFactory.h"
#include "storage/InstanceRegistry.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include "JobGate.h"
#include "TestDatabases.h"
#include "WriteLockHolder.h"

#include <QJsonObject>
#include <QMutex>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <vector>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::LogLevel;
using jc::LogLine;
using jc::OverlapPolicy;
using jc::RunJournal;
using jc::RunOutcome;
using jc::RunTrigger;
using jc::SkipReason;
using jc::SqlDialect;
using jc::SqlRunJournal;
using jc::StoredRun;
using Status = jc::RunJournal::Claim::Status;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Minute = 60'000;
constexpr qint64 Lease = 60'000;

struct ClaimSpec
{
    QString job = u"Daily Cleanup"_s;
    qint64 occurrence = T0;
    qint64 now = T0;
    QString instance = u"a"_s;
    OverlapPolicy overlap = OverlapPolicy::Skip;
    RunTrigger trigger = RunTrigger::Scheduled;
    int attempt = 1;
    QString holder{}; // empty: the lease alone decides (instances played by this process)
};

RunJournal::ClaimRequest request(const ClaimSpec &spec)
{
    jc::RunInfo run;
    run.job = spec.job;
    run.trigger = spec.trigger;
    run.occurrence = QDateTime::fromMSecsSinceEpoch(spec.occurrence, Qt::UTC);
    run.attempt = spec.attempt;
    return {
        run,        RunJournal::occurrenceKey(run), spec.overlap, spec.now, Lease, spec.instance,
        spec.holder};
}

jc::RunRecord record(const QString &job, RunOutcome outcome, qint64 finishedAt, int attempt = 1)
{
    jc::RunRecord record;
    record.info.job = job;
    record.info.attempt = attempt;
    record.outcome = outcome;
    record.finishedAt = QDateTime::fromMSecsSinceEpoch(finishedAt, Qt::UTC);
    return record;
}

QList<LogLine> lines(const QStringList &messages, qint64 at)
{
    QList<LogLine> result;
    for (const QString &message : messages)
        result.append({at, LogLevel::Info, message, {{u"n"_s, message.size()}}});
    return result;
}

qint64 scalar(QSqlDatabase db, const QString &sql, const QVariantList &values = {})
{
    QSqlQuery query(db);
    query.prepare(sql);
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

} // namespace

// Gives the test function a migrated database: `database`, `factory`, `db`, `journal`,
// `history`.
#define OPEN_JOURNAL()                                                                             \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = std::make_shared<ConnectionFactory>(database.url());                            \
    const auto connection = factory->connectionForCurrentThread();                                 \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection;                                                                 \
    const auto migrated = jc::Migrator().migrate(db);                                              \
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));                       \
    SqlRunJournal journal(factory);                                                                \
    jc::RunHistory history(factory)

// Evaluates `expression` (an Expected) once and fails the test with its error.
#define VERIFY_OK(expression)                                                                      \
    do {                                                                                           \
        const auto result_ = (expression);                                                         \
        QVERIFY2(result_, qPrintable(result_ ? QString() : result_.error()));                      \
    } while (false)

class tst_SqlRunJournal : public QObject
{
    Q_OBJECT

private:
    static StoredRun stored(const jc::RunHistory &history, qint64 id)
    {
        const auto found = history.run(id);
        if (!found || !found->has_value())
            return {};
        return **found;
    }

private slots:
    void claimInsertsARunningRow_data() { jc::test::addDatabaseRowsWithMySql(); }
    void claimInsertsARunningRow();
    void secondClaimOfAnOccurrenceIsRefused_data() { jc::test::addDatabaseRowsWithMySql(); }
    void secondClaimOfAnOccurrenceIsRefused();
    void racingInstancesClaimEachOccurrenceOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void racingInstancesClaimEachOccurrenceOnce();
    void claimAllAnswersEachAsClaimWould_data() { jc::test::addDatabaseRowsWithMySql(); }
    void claimAllAnswersEachAsClaimWould();
    void racingBatchesClaimEachOccurrenceOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void racingBatchesClaimEachOccurrenceOnce();
    void claimAllRefusedClaimFailsAlone_data() { jc::test::addDatabaseRowsWithMySql(); }
    void claimAllRefusedClaimFailsAlone();
    void finishAllAnswersEachAsFinishWould_data() { jc::test::addDatabaseRowsWithMySql(); }
    void finishAllAnswersEachAsFinishWould();
    void overlapSkipWithALiveRunIsBusy_data() { jc::test::addDatabaseRowsWithMySql(); }
    void overlapSkipWithALiveRunIsBusy();
    void staleRunDoesNotBlock_data() { jc::test::addDatabaseRowsWithMySql(); }
    void staleRunDoesNotBlock();
    void retryReopensTheRowOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void retryReopensTheRowOnce();
    void aRetryAfterAttemptsThatCouldNotClaimReopensTheRow_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void aRetryAfterAttemptsThatCouldNotClaimReopensTheRow();
    void heartbeatRefreshesLeasesAndLogs_data() { jc::test::addDatabaseRowsWithMySql(); }
    void heartbeatRefreshesLeasesAndLogs();
    void liveSharesProgressOfHeldRunningRunsOnly_data() { jc::test::addDatabaseRowsWithMySql(); }
    void liveSharesProgressOfHeldRunningRunsOnly();
    void aCancelIsReadWhileAnotherProcessWritesSqlite();
    void newsAndCancelsCrossTheJournalBetweenHeartbeats_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void newsAndCancelsCrossTheJournalBetweenHeartbeats();
    void finishRecordsTheOutcome_data() { jc::test::addDatabaseRowsWithMySql(); }
    void finishRecordsTheOutcome();
    void finishDoesNotOverwriteInterrupted_data() { jc::test::addDatabaseRowsWithMySql(); }
    void finishDoesNotOverwriteInterrupted();
    void recordSkippedWritesSkippedAndMissedRows_data() { jc::test::addDatabaseRowsWithMySql(); }
    void recordSkippedWritesSkippedAndMissedRows();
    void interruptStaleByLease_data() { jc::test::addDatabaseRowsWithMySql(); }
    void interruptStaleByLease();
    void interruptStaleOwnInstance_data() { jc::test::addDatabaseRowsWithMySql(); }
    void interruptStaleOwnInstance();
    void requestCancel_data() { jc::test::addDatabaseRowsWithMySql(); }
    void requestCancel();
    void catchUpTakesOverAMissedRowOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void catchUpTakesOverAMissedRowOnce();
    void aRowTakenOverKeepsItsNewRun_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aRowTakenOverKeepsItsNewRun();
    void unfinishedSinceListsTheOccurrencesToCatchUp_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void unfinishedSinceListsTheOccurrencesToCatchUp();
    void aClaimHonoursThePauseInTheDatabase_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aClaimHonoursThePauseInTheDatabase();
    void aPausedOccurrenceIsRecordedWhileTheStoredPauseStands_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void aPausedOccurrenceIsRecordedWhileTheStoredPauseStands();
};

void tst_SqlRunJournal::claimInsertsARunningRow()
{
    OPEN_JOURNAL();
    auto spec = request({.now = T0 + 250});
    spec.run.dryRun = true;
    spec.run.requestedBy = u"alice"_s;
    spec.run.reason = u"checking"_s;
    const auto claim = journal.claim(spec);
    QCOMPARE(claim.status, Status::Claimed);
    QVERIFY(claim.storedRunId > 0);

    const StoredRun run = stored(history, claim.storedRunId);
    QCOMPARE(run.job, u"Daily Cleanup"_s);
    QCOMPARE(run.outcome, RunOutcome::Running);
    QCOMPARE(run.trigger, RunTrigger::Scheduled);
    QCOMPARE(run.occurrence.toMSecsSinceEpoch(), T0);
    QCOMPARE(run.occurrenceKey, u"2026-01-01T00:00:00.000Z"_s);
    QCOMPARE(run.startedAt.toMSecsSinceEpoch(), T0 + 250);
    QCOMPARE(run.heartbeatAt.toMSecsSinceEpoch(), T0 + 250);
    QVERIFY(!run.finishedAt.isValid());
    QCOMPARE(run.attempts, 1);
    QCOMPARE(run.instanceId, u"a"_s);
    QCOMPARE(run.requestedBy, u"alice"_s);
    QCOMPARE(run.reason, u"checking"_s);
    QVERIFY(run.dryRun);

    // A second occurrence of the same job is another row.
    const auto next = journal.claim(request(
        {.occurrence = T0 + Minute, .now = T0 + Minute, .overlap = OverlapPolicy::Parallel}));
    QCOMPARE(next.status, Status::Claimed);
    QVERIFY(next.storedRunId > claim.storedRunId);
}

void tst_SqlRunJournal::secondClaimOfAnOccurrenceIsRefused()
{
    OPEN_JOURNAL();
    const auto first = journal.claim(request({}));
    QCOMPARE(first.status, Status::Claimed);
    for (const auto overlap : {OverlapPolicy::Skip, OverlapPolicy::Parallel}) {
        const auto second = journal.claim(request({.instance = u"b"_s, .overlap = overlap}));
        QCOMPARE(second.status, Status::AlreadyClaimed);
        QCOMPARE(second.storedRunId, first.storedRunId);
        QVERIFY2(second.message.contains(u"run %1"_s.arg(first.storedRunId)) &&
                     second.message.contains(u"instance a"_s),
                 qPrintable(second.message));
    }
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 1);
}

// Two instances (two factories: separate connections, as two processes would have) and four
// threads race for the same 50 occurrences; every claim attempt must get an answer, and each
// occurrence must be claimed exactly once.
void tst_SqlRunJournal::racingInstancesClaimEachOccurrenceOnce()
{
    OPEN_JOURNAL();
    auto otherFactory = std::make_shared<ConnectionFactory>(database.url());
    SqlRunJournal otherJournal(otherFactory);
    constexpr int Occurrences = 50;
    for (const auto overlap : {OverlapPolicy::Parallel, OverlapPolicy::Skip}) {
        const QString job = overlap == OverlapPolicy::Skip ? u"skip"_s : u"parallel"_s;
        QMutex mutex;
        QHash<qint64, int> claimedPerOccurrence;
        QStringList failures;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 4; ++t) {
            SqlRunJournal *instance = t % 2 == 0 ? &journal : &otherJournal;
            threads.emplace_back(QThread::create([&, instance, t] {
                QList<int> order(Occurrences);
                std::iota(order.begin(), order.end(), 0);
                std::shuffle(order.begin(), order.end(), *QRandomGenerator::global());
                for (const int i : order) {
                    const qint64 occurrence = T0 + i * Minute;
                    const auto claim = instance->claim(request({.job = job,
                                                                .occurrence = occurrence,
                                                                .now = occurrence,
                                                                .instance = u"i%1"_s.arg(t % 2),
                                                                .overlap = overlap}));
                    QMutexLocker lock(&mutex);
                    if (claim.status == Status::Claimed)
                        ++claimedPerOccurrence[occurrence];
                    else if (claim.status == Status::Failed)
                        failures.append(claim.message);
                }
            }));
        }
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(60'000));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
        QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs WHERE job_name = ?"_s, {job}),
                 Occurrences);
        QCOMPARE(scalar(db,
                        u"SELECT count(DISTINCT occurrence_key) FROM jc_runs WHERE job_name = ?"_s,
                        {job}),
                 Occurrences);
        if (overlap == OverlapPolicy::Parallel) {
            QCOMPARE(claimedPerOccurrence.size(), Occurrences);
            for (const int count : std::as_const(claimedPerOccurrence))
                QCOMPARE(count, 1);
        } else { // every occurrence either ran once or was recorded as skipped
            QVERIFY(!claimedPerOccurrence.isEmpty());
            QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs WHERE job_name = ? AND status = ?"_s,
                            {job, u"running"_s}),
                     claimedPerOccurrence.size());
        }
    }
}

// claimAll decides each claim as claim() would, several in one call: a new occurrence, the
// same occurrence again within the batch, overlap Skip beside another instance's live run (Busy,
// recorded missed), a retry re-opening its failed row, a job paused in the database (Paused,
// recorded missed; a person's run of it goes ahead), a job whose pause has ended.
void tst_SqlRunJournal::claimAllAnswersEachAsClaimWould()
{
    OPEN_JOURNAL();
    VERIFY_OK(jc::PauseStore(factory).pause(u"Paused job"_s, u"alice"_s, u"migrating"_s,
                                            std::nullopt, T0));
    VERIFY_OK(jc::PauseStore(factory).pause(u"Pause ended"_s, u"bob"_s, {},
                                            QDateTime::fromMSecsSinceEpoch(T0 + 10, Qt::UTC), T0));
    const auto live = journal.claim(request({.job = u"Busy job"_s, .instance = u"b"_s}));
    QCOMPARE(live.status, Status::Claimed);
    const auto firstAttempt = journal.claim(request({.job = u"Retried"_s}));
    QCOMPARE(firstAttempt.status, Status::Claimed);
    VERIFY_OK(journal.finish(firstAttempt.storedRunId,
                             record(u"Retried"_s, RunOutcome::Failed, T0 + 10), {}, 0));

    const auto claims = journal.claimAll({
        request({.job = u"Fresh"_s, .now = T0 + 20}),
        request({.job = u"Fresh"_s, .now = T0 + 20, .instance = u"c"_s}),
        request({.job = u"Busy job"_s, .occurrence = T0 + Minute, .now = T0 + 20}),
        request({.job = u"Retried"_s, .now = T0 + 20, .trigger = RunTrigger::Retry, .attempt = 2}),
        request({.job = u"Paused job"_s, .now = T0 + 20}),
        request({.job = u"Paused job"_s,
                 .occurrence = T0 + Minute,
                 .now = T0 + 20,
                 .trigger = RunTrigger::Manual}),
        request({.job = u"Pause ended"_s, .now = T0 + 20}),
    });
    QCOMPARE(claims.size(), 7);
    QCOMPARE(claims.at(0).status, Status::Claimed);
    QCOMPARE(claims.at(1).status, Status::AlreadyClaimed);
    QCOMPARE(claims.at(1).storedRunId, claims.at(0).storedRunId);
    QCOMPARE(claims.at(2).status, Status::Busy);
    QCOMPARE(stored(history, claims.at(2).storedRunId).outcome, RunOutcome::Missed);
    QCOMPARE(claims.at(3).status, Status::Claimed);
    QCOMPARE(claims.at(3).storedRunId, firstAttempt.storedRunId);
    QCOMPARE(stored(history, claims.at(3).storedRunId).attempts, 2);
    QCOMPARE(stored(history, claims.at(3).storedRunId).outcome, RunOutcome::Running);
    QCOMPARE(claims.at(4).status, Status::Paused);
    QCOMPARE(claims.at(4).message, u"The job is paused by alice: migrating"_s);
    QCOMPARE(stored(history, claims.at(4).storedRunId).outcome, RunOutcome::Missed);
    QCOMPARE(claims.at(5).status, Status::Claimed);
    QCOMPARE(claims.at(6).status, Status::Claimed);
    // live, retried, fresh, missed (busy), missed (paused), manual, pause ended
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 7);
}

// Two instances claim the occurrences of the same 20 jobs in batches at once, each thread in
// its own order (PostgreSQL: every batch takes its jobs' locks in the order of their names,
// so batches wait for each other; a deadlock would fail a batch, claimed again one by one):
// each occurrence is claimed once, and no claim fails.
void tst_SqlRunJournal::racingBatchesClaimEachOccurrenceOnce()
{
    OPEN_JOURNAL();
    auto otherFactory = std::make_shared<ConnectionFactory>(database.url());
    SqlRunJournal otherJournal(otherFactory);
    constexpr int Jobs = 20;
    constexpr int Occurrences = 10;
    for (const auto overlap : {OverlapPolicy::Parallel, OverlapPolicy::Skip}) {
        const QString prefix = overlap == OverlapPolicy::Skip ? u"skip"_s : u"parallel"_s;
        QMutex mutex;
        QHash<QString, int> claimed; // job and occurrence key -> claims that won
        QStringList failures;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 4; ++t) {
            SqlRunJournal *instance = t % 2 == 0 ? &journal : &otherJournal;
            threads.emplace_back(QThread::create([&, instance, t] {
                QList<RunJournal::ClaimRequest> requests;
                for (int j = 0; j < Jobs; ++j)
                    for (int o = 0; o < Occurrences; ++o)
                        requests.append(request({.job = u"%1 %2"_s.arg(prefix).arg(j),
                                                 .occurrence = T0 + o * Minute,
                                                 .now = T0 + o * Minute,
                                                 .instance = u"i%1"_s.arg(t % 2),
                                                 .overlap = overlap}));
                std::shuffle(requests.begin(), requests.end(), *QRandomGenerator::global());
                const auto claims = instance->claimAll(requests);
                QMutexLocker lock(&mutex);
                for (qsizetype i = 0; i < claims.size(); ++i) {
                    if (claims.at(i).status == Status::Claimed)
                        ++claimed[requests.at(i).run.job + u' ' + requests.at(i).occurrenceKey];
                    else if (claims.at(i).status == Status::Failed)
                        failures.append(claims.at(i).message);
                }
            }));
        }
        for (auto &thread : threads)
            thread->start();
        for (auto &thread : threads)
            QVERIFY(thread->wait(120'000));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
        const QString like = prefix + u" %"_s;
        QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs WHERE job_name LIKE ?"_s, {like}),
                 Jobs * Occurrences);
        for (const int count : std::as_const(claimed))
            QCOMPARE(count, 1);
        if (overlap == OverlapPolicy::Parallel) {
            QCOMPARE(claimed.size(), Jobs * Occurrences);
        } else { // every occurrence either ran once or was recorded missed (overlap)
            QVERIFY(claimed.size() >= Jobs);
            QCOMPARE(scalar(db,
                            u"SELECT count(*) FROM jc_runs WHERE job_name LIKE ? AND status = ?"_s,
                            {like, u"running"_s}),
                     claimed.size());
        }
    }
}

// A claim the database refuses (a job name longer than its column; on SQLite, which does not
// check lengths, a trigger) fails alone: its batch is claimed again one by one, and the others
// in it are claimed.
void tst_SqlRunJournal::claimAllRefusedClaimFailsAlone()
{
    OPEN_JOURNAL();
    QString refused(300, u'x');
    if (dialect == SqlDialect::Sqlite) {
        refused = u"Refused"_s;
        QSqlQuery trigger(db);
        QVERIFY2(trigger.exec(u"CREATE TRIGGER refuse_claim BEFORE INSERT ON jc_runs "
                              "WHEN NEW.job_name = 'Refused' "
                              "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"_s),
                 qPrintable(trigger.lastError().text()));
    }
    const auto claims = journal.claimAll(
        {request({.job = u"First"_s}), request({.job = refused}), request({.job = u"Last"_s})});
    QCOMPARE(claims.size(), 3);
    QCOMPARE(claims.at(0).status, Status::Claimed);
    QCOMPARE(claims.at(1).status, Status::Failed);
    QVERIFY(!claims.at(1).message.isEmpty());
    QCOMPARE(claims.at(2).status, Status::Claimed);
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 2);
}

// finishAll writes each end as finish() would: the outcome and log lines; a refusal (the row
// was marked interrupted meanwhile) for that run alone; and with a run that does not exist in
// the batch, the batch is written again one by one.
void tst_SqlRunJournal::finishAllAnswersEachAsFinishWould()
{
    OPEN_JOURNAL();
    const qint64 kept = journal.claim(request({.now = T0 + Lease})).storedRunId;
    const qint64 swept =
        journal.claim(request({.job = u"Swept"_s, .instance = u"b"_s})).storedRunId;
    const auto interrupted = journal.interruptStale(T0 + Lease + 1, Lease, u"nobody"_s);
    VERIFY_OK(interrupted);
    QCOMPARE(interrupted.value(), 1);

    const auto written =
        journal.finishAll({{kept, record(u"Daily Cleanup"_s, RunOutcome::Succeeded, T0 + Lease + 2),
                            lines({u"done"_s}, T0 + Lease + 2), 0},
                           {swept, record(u"Swept"_s, RunOutcome::Succeeded, T0 + Lease + 2),
                            lines({u"late"_s}, T0 + Lease + 2), 0}});
    QCOMPARE(written.size(), 2);
    QVERIFY(written.at(0));
    QVERIFY(!written.at(1));
    QVERIFY2(written.at(1).error().contains(u"already marked interrupted"_s),
             qPrintable(written.at(1).error()));
    QCOMPARE(stored(history, kept).outcome, RunOutcome::Succeeded);
    QCOMPARE(stored(history, kept).finishedAt.toMSecsSinceEpoch(), T0 + Lease + 2);
    QCOMPARE(stored(history, swept).outcome, RunOutcome::Interrupted);
    QCOMPARE(history.logLines(kept, -1, 10)->size(), 1);
    QCOMPARE(history.logLines(swept, -1, 10)->size(), 1);

    const qint64 third = journal.claim(request({.job = u"Third"_s})).storedRunId;
    const auto again =
        journal.finishAll({{third + 100, record(u"Gone"_s, RunOutcome::Failed, T0 + 3), {}, 0},
                           {third, record(u"Third"_s, RunOutcome::Failed, T0 + 3), {}, 0}});
    QCOMPARE(again.size(), 2);
    QVERIFY(!again.at(0));
    QVERIFY2(again.at(0).error().contains(u"no such run"_s), qPrintable(again.at(0).error()));
    QVERIFY(again.at(1));
    QCOMPARE(stored(history, third).outcome, RunOutcome::Failed);
}

void tst_SqlRunJournal::overlapSkipWithALiveRunIsBusy()
{
    OPEN_JOURNAL();
    const auto running = journal.claim(request({}));
    QCOMPARE(running.status, Status::Claimed);

    const auto busy = journal.claim(
        request({.occurrence = T0 + Minute, .now = T0 + Lease - 1, .instance = u"b"_s}));
    QCOMPARE(busy.status, Status::Busy);
    const QString expected =
        u"another run of this job was still running (run %1 on instance a)"_s.arg(
            running.storedRunId);
    QCOMPARE(busy.message, expected);
    const StoredRun skipped = stored(history, busy.storedRunId);
    QCOMPARE(skipped.outcome, RunOutcome::Missed); // a scheduled occurrence: missed (overlap)
    QCOMPARE(skipped.occurrence.toMSecsSinceEpoch(), T0 + Minute);
    QCOMPARE(skipped.missedCount, 1);
    QCOMPARE(skipped.error, expected);
    QCOMPARE(skipped.finishedAt.toMSecsSinceEpoch(), T0 + Lease - 1);

    // The skipped row holds its occurrence: nobody runs it later.
    const auto again = journal.claim(request(
        {.occurrence = T0 + Minute, .now = T0 + Lease, .overlap = OverlapPolicy::Parallel}));
    QCOMPARE(again.status, Status::AlreadyClaimed);

    // Parallel ignores the live run; another job is not affected either.
    QCOMPARE(
        journal
            .claim(request(
                {.occurrence = T0 + 2 * Minute, .now = T0 + 2, .overlap = OverlapPolicy::Parallel}))
            .status,
        Status::Claimed);
    QCOMPARE(journal.claim(request({.job = u"Other"_s, .now = T0 + 3})).status, Status::Claimed);
}

void tst_SqlRunJournal::staleRunDoesNotBlock()
{
    OPEN_JOURNAL();
    QCOMPARE(journal.claim(request({})).status, Status::Claimed);
    // The heartbeat is exactly `Lease` old: the lease has run out, the run no longer counts.
    const auto claim =
        journal.claim(request({.occurrence = T0 + Minute, .now = T0 + Lease, .instance = u"b"_s}));
    QCOMPARE(claim.status, Status::Claimed);
}

// Attempts 2 and 3 came due while the database was away: their claims failed, and the row
// still says attempt 1. Attempt 4 re-opens it (it was "already claimed" for ever, and the
// month's retries were over).
void tst_SqlRunJournal::aRetryAfterAttemptsThatCouldNotClaimReopensTheRow()
{
    OPEN_JOURNAL();
    const auto first = journal.claim(request({}));
    QCOMPARE(first.status, Status::Claimed);
    VERIFY_OK(journal.finish(first.storedRunId,
                             record(u"Daily Cleanup"_s, RunOutcome::Failed, T0 + 10), {}, 0));
    const auto fourth = journal.claim(
        request({.now = T0 + 8 * Minute, .trigger = RunTrigger::Retry, .attempt = 4}));
    QCOMPARE(fourth.status, Status::Claimed);
    QCOMPARE(fourth.storedRunId, first.storedRunId);
    QCOMPARE(stored(history, first.storedRunId).attempts, 4);
    // An attempt behind the row's finds nothing to re-open.
    VERIFY_OK(journal.finish(first.storedRunId,
                             record(u"Daily Cleanup"_s, RunOutcome::Failed, T0 + 9 * Minute, 4), {},
                             0));
    QCOMPARE(
        journal
            .claim(request({.now = T0 + 10 * Minute, .trigger = RunTrigger::Retry, .attempt = 3}))
            .status,
        Status::AlreadyClaimed);
}

void tst_SqlRunJournal::retryReopensTheRowOnce()
{
    OPEN_JOURNAL();
    const auto first = journal.claim(request({}));
    QCOMPARE(first.status, Status::Claimed);
    auto failed = record(u"Daily Cleanup"_s, RunOutcome::Failed, T0 + 10);
    failed.error = u"disk full"_s;
    VERIFY_OK(journal.finish(first.storedRunId, failed, {}, 0));

    const ClaimSpec retry{.now = T0 + Minute, .trigger = RunTrigger::Retry, .attempt = 2};
    const auto reopened = journal.claim(request(retry));
    QCOMPARE(reopened.status, Status::Claimed);
    QCOMPARE(reopened.storedRunId, first.storedRunId);
    StoredRun run = stored(history, first.storedRunId);
    QCOMPARE(run.outcome, RunOutcome::Running);
    QCOMPARE(run.attempts, 2);
    QCOMPARE(run.trigger, RunTrigger::Retry);
    QCOMPARE(run.startedAt.toMSecsSinceEpoch(), T0 + Minute);
    QCOMPARE(run.heartbeatAt.toMSecsSinceEpoch(), T0 + Minute);
    QVERIFY(!run.finishedAt.isValid());

    // The same retry from another instance: already taken, even after it failed again.
    auto second = retry;
    second.instance = u"b"_s;
    QCOMPARE(journal.claim(request(second)).status, Status::AlreadyClaimed);
    VERIFY_OK(journal.finish(first.storedRunId,
                             record(u"Daily Cleanup"_s, RunOutcome::TimedOut, T0 + 2 * Minute, 2),
                             {}, 0));
    QCOMPARE(journal.claim(request(second)).status, Status::AlreadyClaimed);

    auto third = retry;
    third.attempt = 3;
    third.instance = u"b"_s;
    const auto reopenedAgain = journal.claim(request(third));
    QCOMPARE(reopenedAgain.status, Status::Claimed);
    QCOMPARE(stored(history, first.storedRunId).instanceId, u"b"_s);
    VERIFY_OK(journal.finish(first.storedRunId,
                             record(u"Daily Cleanup"_s, RunOutcome::Succeeded, T0 + 3 * Minute, 3),
                             {}, 0));
    run = stored(history, first.storedRunId);
    QCOMPARE(run.outcome, RunOutcome::Succeeded);
    QVERIFY(run.error.isEmpty());

    // A succeeded run is never retried.
    third.attempt = 4;
    QCOMPARE(journal.claim(request(third)).status, Status::AlreadyClaimed);
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 1);
}

void tst_SqlRunJournal::heartbeatRefreshesLeasesAndLogs()
{
    OPEN_JOURNAL();
    const qint64 one = journal.claim(request({})).storedRunId;
    const qint64 two = journal.claim(request({.job = u"Top-Up"_s, .now = T0 + 1})).storedRunId;
    const qint64 foreign =
        journal.claim(request({.job = u"Uploads"_s, .now = T0 + 2, .instance = u"b"_s}))
            .storedRunId;
    QVERIFY(one > 0 && two > 0 && foreign > 0);

    RunJournal::LiveRun first{one, jc::RunProgress{3, 10, u"users"_s},
                              lines({u"a"_s, u"bb"_s, u"ccc"_s}, T0 + 5), 0};
    first.newLogLines[1].level = LogLevel::Warning;
    RunJournal::LiveRun second{two, {}, {}, 0};
    RunJournal::LiveRun notOurs{foreign, jc::RunProgress{1, 1, {}}, {}, 0};
    QTest::ignoreMessage(
        QtWarningMsg,
        u"Run %1 is not held by instance a any more: running on instance b"_s.arg(foreign)
            .toUtf8()
            .constData());
    auto cancelled = journal.heartbeat({first, second, notOurs}, T0 + 20'000, u"a"_s);
    VERIFY_OK(cancelled);
    QVERIFY(cancelled->cancelRequested.isEmpty());
    // Not ours: b holds it. Had this instance run it, it would now have to stop.
    QCOMPARE(cancelled->lost.size(), 1);
    QCOMPARE(cancelled->lost.first().storedRunId, foreign);

    StoredRun run = stored(history, one);
    QCOMPARE(run.heartbeatAt.toMSecsSinceEpoch(), T0 + 20'000);
    QCOMPARE(run.progress, (jc::RunProgress{3, 10, u"users"_s}));
    QCOMPARE(stored(history, two).heartbeatAt.toMSecsSinceEpoch(), T0 + 20'000);
    QCOMPARE(stored(history, foreign).heartbeatAt.toMSecsSinceEpoch(), T0 + 2); // b's lease

    // More lines continue the sequence; a repeated line (same seq) is not written twice.
    VERIFY_OK(journal.requestCancel(two, u"alice"_s, T0 + 30'000));
    first.newLogLines = lines({u"ccc"_s, u"dddd"_s, u"eeeee"_s}, T0 + 35'000);
    first.firstLogSeq = 2;
    first.progress = {7, 10, u"users"_s};
    cancelled = journal.heartbeat({first, second}, T0 + 40'000, u"a"_s);
    VERIFY_OK(cancelled);
    QCOMPARE(cancelled->cancelRequested, QList<qint64>{two});
    QVERIFY(cancelled->lost.isEmpty());

    const auto log = history.logLines(one, -1, 100);
    VERIFY_OK(log);
    QCOMPARE(log->size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(log->at(i).seq, i);
        QCOMPARE(log->at(i).message, QString(i + 1, QChar(u'a' + i)));
        QCOMPARE(log->at(i).fields.value(u"n"_s).toInt(), i + 1);
    }
    QCOMPARE(log->at(1).level, LogLevel::Warning);
    QCOMPARE(log->at(4).loggedAt.toMSecsSinceEpoch(), T0 + 35'000);
    QCOMPARE(stored(history, one).progress.done, 7);
    VERIFY_OK(journal.heartbeat({}, T0, u"a"_s));
}

// Between heartbeats, the progress that changed and the new log lines, and the pass's time as
// the heartbeat of the rows it writes (a sign of life: a run whose instance dies ends within
// a pass of its last work; it ended at the heartbeat before, up to 15 s earlier, "0.0 s" for a
// run killed in its first 15 s), never a row this instance does not hold or that ended (the
// heartbeat finds those out; an end keeps how far the run got). The cancel requests it
// answers are this instance's running runs'.
void tst_SqlRunJournal::liveSharesProgressOfHeldRunningRunsOnly()
{
    OPEN_JOURNAL();
    const qint64 ours = journal.claim(request({})).storedRunId;
    const qint64 quiet = journal.claim(request({.job = u"Quiet"_s, .now = T0 + 1})).storedRunId;
    const qint64 foreign =
        journal.claim(request({.job = u"Uploads"_s, .now = T0 + 2, .instance = u"b"_s}))
            .storedRunId;
    const qint64 ended = journal.claim(request({.job = u"Other"_s})).storedRunId;
    QVERIFY(ours > 0 && quiet > 0 && foreign > 0 && ended > 0);
    auto end = record(u"Other"_s, RunOutcome::Succeeded, T0 + 10);
    end.progress = {4, 4, u"files"_s};
    VERIFY_OK(journal.finish(ended, end, {}, 0));
    VERIFY_OK(journal.requestCancel(quiet, u"alice"_s, T0 + 20));
    VERIFY_OK(journal.requestCancel(foreign, u"alice"_s, T0 + 20));

    RunJournal::LiveRun unchanged{quiet, {5, 5, u"users"_s}, {}, 0, false};
    const QDateTime quietBeat = stored(history, quiet).heartbeatAt;
    const QDateTime foreignBeat = stored(history, foreign).heartbeatAt;
    auto reply =
        journal.shareLive({{ours, {3, 10, u"users"_s}, lines({u"a"_s, u"bb"_s}, T0 + 5), 0},
                           unchanged,
                           {foreign, {9, 9, u"files"_s}, lines({u"x"_s}, T0 + 5), 0},
                           {ended, {1, 4, u"files"_s}, {}, 0}},
                          T0 + 30'000, u"a"_s);
    VERIFY_OK(reply);
    QCOMPARE(reply->cancelRequested, QList<qint64>{quiet}); // b's run is b's to cancel
    QVERIFY(reply->writeError.isEmpty());
    QCOMPARE(reply->shared, (QSet<qint64>{ours, quiet}));
    const StoredRun run = stored(history, ours);
    QCOMPARE(run.progress, (jc::RunProgress{3, 10, u"users"_s}));
    QCOMPARE(run.heartbeatAt.toMSecsSinceEpoch(), T0 + 30'000);  // written: alive then
    QCOMPARE(stored(history, quiet).heartbeatAt, quietBeat);     // nothing to write
    QCOMPARE(stored(history, foreign).heartbeatAt, foreignBeat); // not ours
    const auto log = history.logLines(ours, -1, 10);
    VERIFY_OK(log);
    QCOMPARE(log->size(), 2);
    QCOMPARE(log->at(1).message, u"bb"_s);
    QCOMPARE(stored(history, quiet).progress, jc::RunProgress{}); // not changed: not written
    QCOMPARE(stored(history, foreign).progress, jc::RunProgress{});
    const auto foreignLog = history.logLines(foreign, -1, 10);
    VERIFY_OK(foreignLog);
    QVERIFY(foreignLog->isEmpty()); // not held: the heartbeat finds out, and writes them
    QCOMPARE(stored(history, ended).progress, (jc::RunProgress{4, 4, u"files"_s}));

    // Nothing to write: the pass only reads.
    reply = journal.shareLive({unchanged}, T0 + 40'000, u"a"_s);
    VERIFY_OK(reply);
    QCOMPARE(reply->cancelRequested, QList<qint64>{quiet});
    VERIFY_OK(journal.shareLive({}, T0 + 40'000, u"a"_s));
}

// SQLite has one write lock: while another process holds it longer than the busy timeout (an
// app's long write), a live pass cannot write, but the cancel an admin asked for is read and
// stands. Not a pass that fails and loses it until the next one finds the lock free.
void tst_SqlRunJournal::aCancelIsReadWhileAnotherProcessWritesSqlite()
{
    jc::test::TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    jc::ConnectionOptions options;
    options.sqliteBusyTimeout = std::chrono::milliseconds(50);
    auto factory = std::make_shared<ConnectionFactory>(database.url(), options);
    const auto migrated = jc::Migrator().migrate(factory->connectionForCurrentThread().value());
    QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
    SqlRunJournal journal(factory);
    const qint64 ours = journal.claim(request({})).storedRunId;
    QVERIFY(ours > 0);
    VERIFY_OK(journal.requestCancel(ours, u"alice"_s, T0 + 20));

    jc::test::WriteLockHolder holder(database.url(), std::chrono::milliseconds(1000));
    QVERIFY2(holder.waitUntilHeld(), qPrintable(holder.lockError()));
    const auto reply = journal.shareLive(
        {{ours, {3, 10, u"users"_s}, lines({u"Batch 7 committed"_s}, T0 + 5), 0}}, T0 + 30, u"a"_s);
    VERIFY_OK(reply);
    QCOMPARE(reply->cancelRequested, QList<qint64>{ours});
    QVERIFY2(!reply->writeError.isEmpty(), "the write was expected to wait and give up");
    QVERIFY(reply->shared.isEmpty());
}

// A console on another machine reads a run from the journal, and cancels it there: a
// scheduler writes what its run reports and logs, and stops it when asked, within two
// seconds, long before the heartbeat (15 s), on the manual clock.
void tst_SqlRunJournal::newsAndCancelsCrossTheJournalBetweenHeartbeats()
{
    OPEN_JOURNAL();
    jc::ManualClock clock(QDateTime::fromMSecsSinceEpoch(T0, QTimeZone::utc()));
    jc::Scheduler::Options options;
    options.instanceId = u"a"_s;
    jc::Scheduler scheduler(clock, options);
    scheduler.setJournal(std::make_shared<SqlRunJournal>(factory));
    jc::test::JobGate gate;
    auto schedule = jc::Schedule::parse(u"0 0 1 1 *"_s, QTimeZone::utc());
    QVERIFY(schedule);
    QVERIFY(scheduler.addJob({u"Top-Up"_s,
                              u"test job"_s,
                              schedule.value(),
                              [&gate](jc::JobContext &context) {
                                  context.setProgress(3, 10, u"users"_s);
                                  context.log().info(u"Batch 1 committed"_s);
                                  return gate.pass(context);
                              },
                              {}}));
    QSignalSpy progressed(&scheduler, &jc::Scheduler::runProgress);
    QSignalSpy finished(&scheduler, &jc::Scheduler::runFinished);
    scheduler.start();
    QVERIFY(scheduler.runNow(u"Top-Up"_s));
    QVERIFY(gate.entered.tryAcquire(1, 5000));
    QTRY_COMPARE(progressed.count(), 1);
    // The run's row as the console reads it; nullopt: no row (or the read failed).
    const auto theRun = [&history]() -> std::optional<jc::StoredRun> {
        const auto runs = history.runs({.job = u"Top-Up"_s, .limit = 1});
        if (!runs || runs->isEmpty())
            return std::nullopt;
        return runs->first();
    };
    const auto progressOfTheRun = [&theRun]() -> std::optional<jc::RunProgress> {
        const auto run = theRun();
        return run ? std::optional(run->progress) : std::nullopt;
    };
    const auto messagesOfTheRun = [&history, &theRun]() {
        QStringList messages;
        const auto run = theRun();
        const auto log =
            run ? history.logLines(run->id, -1, 100)
                : jc::Expected<QList<jc::StoredLogLine>, QString>(jc::Unexpected(u"no run"_s));
        for (const auto &line : log ? *log : QList<jc::StoredLogLine>())
            messages.append(line.message);
        return messages;
    };
    // The row is there, without the news yet: the first pass is due two seconds after the start.
    QCOMPARE(progressOfTheRun(), std::optional<jc::RunProgress>(jc::RunProgress{}));
    QVERIFY(!messagesOfTheRun().contains(u"Batch 1 committed"_s));

    clock.setNowMSecs(T0 + 2000);
    QTRY_COMPARE(progressOfTheRun(),
                 std::optional<jc::RunProgress>(jc::RunProgress{3, 10, u"users"_s}));
    QTRY_VERIFY(messagesOfTheRun().contains(u"Batch 1 committed"_s));

    // An admin elsewhere cancels it: the next pass stops it.
    QVERIFY(scheduler.options().heartbeatInterval > std::chrono::milliseconds(4000));
    const auto run = theRun();
    QVERIFY(run);
    VERIFY_OK(journal.requestCancel(run->id, u"alice"_s, T0 + 3000));
    clock.setNowMSecs(T0 + 4000);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().value<jc::RunRecord>().outcome, RunOutcome::Cancelled);
    scheduler.stop(std::chrono::seconds(5));
}

void tst_SqlRunJournal::finishRecordsTheOutcome()
{
    OPEN_JOURNAL();
    const qint64 id = journal.claim(request({})).storedRunId;
    VERIFY_OK(journal.heartbeat({{id, {5, 9, u"files"_s}, lines({u"start"_s}, T0 + 1), 0}},
                                T0 + 1000, u"a"_s));
    auto failed = record(u"Daily Cleanup"_s, RunOutcome::Failed, T0 + 5000);
    failed.error = u"The uploads folder is not readable"_s;
    failed.summary = QJsonObject{{u"deleted"_s, 3}, {u"bytesFreed"_s, 1024}};
    failed.progress = {7, 9, u"files"_s}; // newer than the last heartbeat's 5 of 9
    VERIFY_OK(journal.finish(id, failed, lines({u"end"_s}, T0 + 4999), 1));

    const StoredRun run = stored(history, id);
    QCOMPARE(run.outcome, RunOutcome::Failed);
    QCOMPARE(run.finishedAt.toMSecsSinceEpoch(), T0 + 5000);
    QCOMPARE(run.error, failed.error);
    QCOMPARE(run.summary, failed.summary);
    QCOMPARE(run.attempts, 1);
    QCOMPARE(run.progress.done, 7); // kept: how far it got, as last reported
    QCOMPARE(run.progress.total, 9);
    const auto log = history.logLines(id, -1, 10);
    VERIFY_OK(log);
    QCOMPARE(log->size(), 2);
    QCOMPARE(log->at(1).message, u"end"_s);

    // An empty summary is stored as NULL.
    const qint64 other = journal.claim(request({.job = u"Other"_s})).storedRunId;
    VERIFY_OK(journal.finish(other, record(u"Other"_s, RunOutcome::Succeeded, T0 + 1), {}, 0));
    QCOMPARE(scalar(db,
                    u"SELECT count(*) FROM jc_runs WHERE summary IS NULL AND error IS NULL "
                    "AND id = ?"_s,
                    {other}),
             1);

    // Finishing twice, or a run that does not exist, is refused.
    const auto twice =
        journal.finish(id, record(u"Daily Cleanup"_s, RunOutcome::Succeeded, T0 + 9), {}, 0);
    QVERIFY(!twice);
    QVERIFY2(twice.error().contains(u"already marked failed"_s), qPrintable(twice.error()));
    const auto missing = journal.finish(id + 100, failed, lines({u"x"_s}, T0), 0);
    QVERIFY(!missing);
    QVERIFY2(missing.error().contains(u"no such run"_s), qPrintable(missing.error()));
}

void tst_SqlRunJournal::finishDoesNotOverwriteInterrupted()
{
    OPEN_JOURNAL();
    const qint64 id = journal.claim(request({})).storedRunId;
    const auto swept = journal.interruptStale(T0 + Lease + 1, Lease, u"b"_s);
    VERIFY_OK(swept);
    QCOMPARE(swept.value(), 1);

    // The instance that lost its lease comes back and reports success: refused, but the log
    // it wrote is kept.
    const auto late = journal.finish(id, record(u"Daily Cleanup"_s, RunOutcome::Succeeded, T0 + 2),
                                     lines({u"done"_s}, T0 + 2), 0);
    QVERIFY(!late);
    QVERIFY2(late.error().contains(u"already marked interrupted"_s), qPrintable(late.error()));
    QCOMPARE(stored(history, id).outcome, RunOutcome::Interrupted);
    QCOMPARE(history.logLines(id, -1, 10)->size(), 1);
}

void tst_SqlRunJournal::recordSkippedWritesSkippedAndMissedRows()
{
    OPEN_JOURNAL();
    const QString key = u"2026-01-01T00:00:00.000Z"_s;
    const RunJournal::Skipped paused{u"Top-Up"_s, T0,     key,    SkipReason::Paused,
                                     1,           T0 + 5, u"a"_s, u"paused by alice: migration"_s};
    VERIFY_OK(journal.recordSkipped(paused));
    VERIFY_OK(journal.recordSkipped(paused)); // another instance got there first: fine
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 1);

    auto rows = history.runs({.job = u"Top-Up"_s});
    VERIFY_OK(rows);
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->at(0).outcome, RunOutcome::Missed);
    QCOMPARE(rows->at(0).occurrenceKey, key);
    QCOMPARE(rows->at(0).error, u"paused by alice: migration"_s);
    QCOMPARE(rows->at(0).startedAt.toMSecsSinceEpoch(), T0 + 5);
    QCOMPARE(rows->at(0).finishedAt.toMSecsSinceEpoch(), T0 + 5);
    QCOMPARE(rows->at(0).missedCount, 1);
    // The skipped occurrence cannot be claimed any more.
    QCOMPARE(journal.claim(request({.job = u"Top-Up"_s})).status, Status::AlreadyClaimed);

    // Coalesced without a key: missed, under a key of its own each time.
    const RunJournal::Skipped coalesced{
        u"Top-Up"_s, T0 + Minute, {},     SkipReason::Coalesced,
        40,          T0 + 6,      u"a"_s, u"instance was not running"_s};
    VERIFY_OK(journal.recordSkipped(coalesced));
    VERIFY_OK(journal.recordSkipped(coalesced));
    rows = history.runs({.job = u"Top-Up"_s, .outcomes = {RunOutcome::Missed}});
    VERIFY_OK(rows);
    QCOMPARE(rows->size(), 3); // the paused one and the two coalesced ones
    QCOMPARE(rows->at(0).missedCount, 40);
    QVERIFY(rows->at(0).occurrenceKey.startsWith(u"skipped:2026-01-01T00:01:00.000Z:"_s));
    QVERIFY(rows->at(0).occurrenceKey != rows->at(1).occurrenceKey);
    // ... and it does not block a real run of that occurrence.
    QCOMPARE(journal
                 .claim(request({.job = u"Top-Up"_s,
                                 .occurrence = T0 + Minute,
                                 .overlap = OverlapPolicy::Parallel}))
                 .status,
             Status::Claimed);

    // Skipping an occurrence some instance is running changes nothing.
    const qint64 running = journal.claim(request({.job = u"Uploads"_s})).storedRunId;
    VERIFY_OK(journal.recordSkipped(
        {u"Uploads"_s, T0, key, SkipReason::Overlap, 1, T0 + 1, u"b"_s, u"overlap"_s}));
    QCOMPARE(stored(history, running).outcome, RunOutcome::Running);
}

void tst_SqlRunJournal::interruptStaleByLease()
{
    OPEN_JOURNAL();
    const qint64 a = journal.claim(request({})).storedRunId;
    const qint64 b = journal.claim(request({.job = u"Top-Up"_s, .instance = u"b"_s})).storedRunId;
    VERIFY_OK(journal.heartbeat({{b, {}, {}, 0}}, T0 + 30'000, u"b"_s));

    auto swept = journal.interruptStale(T0 + Lease - 1, Lease, {});
    VERIFY_OK(swept);
    QCOMPARE(swept.value(), 0); // a heartbeat just younger than `Lease` still holds

    // Exactly `Lease` old: run out, for the sweep as for the overlap check (RunLiveness).
    swept = journal.interruptStale(T0 + Lease, Lease, {});
    VERIFY_OK(swept);
    QCOMPARE(swept.value(), 1);
    const StoredRun dead = stored(history, a);
    QCOMPARE(dead.outcome, RunOutcome::Interrupted);
    // Its duration ends at its last heartbeat (here its start), not when the sweep found it.
    QCOMPARE(dead.finishedAt.toMSecsSinceEpoch(), T0);
    QCOMPARE(dead.error, u"The instance running it stopped heartbeating (lease of 60 s expired); "
                         "it was probably killed or lost power"_s);
    QCOMPARE(stored(history, b).outcome, RunOutcome::Running);
    // Its instance comes back: the heartbeat says it lost the run, and keeps what it logged.
    QTest::ignoreMessage(
        QtWarningMsg,
        u"Run %1 is not held by instance a any more: interrupted on instance a"_s.arg(a)
            .toUtf8()
            .constData());
    const auto late =
        journal.heartbeat({{a, {}, lines({u"late"_s}, T0), 0}}, T0 + Lease + 2, u"a"_s);
    VERIFY_OK(late);
    // ... and that it must stop: it is not protected any more.
    QCOMPARE(late->lost.size(), 1);
    QCOMPARE(late->lost.first().storedRunId, a);
    QCOMPARE(late->lost.first().why, u"the run is now interrupted on instance a"_s);
    QCOMPARE(stored(history, a).outcome, RunOutcome::Interrupted);
    QCOMPARE(history.logLines(a, -1, 10)->size(), 1);
}

void tst_SqlRunJournal::interruptStaleOwnInstance()
{
    OPEN_JOURNAL();
    const qint64 mine = journal.claim(request({.instance = u"me"_s})).storedRunId;
    const qint64 theirs =
        journal.claim(request({.job = u"Top-Up"_s, .instance = u"other"_s})).storedRunId;
    const auto swept = journal.interruptStale(T0 + 1000, Lease, u"me"_s);
    VERIFY_OK(swept);
    QCOMPARE(swept.value(), 1);
    const StoredRun run = stored(history, mine);
    QCOMPARE(run.outcome, RunOutcome::Interrupted);
    QCOMPARE(run.error, u"The instance was restarted while this run was going"_s);
    QCOMPARE(stored(history, theirs).outcome, RunOutcome::Running);
}

void tst_SqlRunJournal::requestCancel()
{
    OPEN_JOURNAL();
    const qint64 id = journal.claim(request({})).storedRunId;

    VERIFY_OK(journal.requestCancel(id, u"alice"_s, T0 + 100));
    VERIFY_OK(journal.requestCancel(id, u"bob"_s, T0 + 200)); // the first request stands
    StoredRun run = stored(history, id);
    QCOMPARE(run.cancelRequestedBy, u"alice"_s);
    QCOMPARE(run.cancelRequestedAt.toMSecsSinceEpoch(), T0 + 100);

    const auto missing = journal.requestCancel(id + 1, u"alice"_s, T0);
    QVERIFY(!missing);
    QCOMPARE(missing.error(), u"There is no run %1."_s.arg(id + 1));

    VERIFY_OK(
        journal.finish(id, record(u"Daily Cleanup"_s, RunOutcome::TimedOut, T0 + 300), {}, 0));
    const auto ended = journal.requestCancel(id, u"alice"_s, T0 + 400);
    QVERIFY(!ended);
    QCOMPARE(ended.error(),
             u"Run %1 is not running (it is timed out), so there is nothing to cancel."_s.arg(id));
}

// An occurrence recorded missed while the job was paused is run on resume by the catch-up
// claim, which turns the missed row into the run: once, whoever asks first; an occurrence that
// really ran is never taken over.
void tst_SqlRunJournal::catchUpTakesOverAMissedRowOnce()
{
    OPEN_JOURNAL();
    const QString key = u"2026-01-01T00:00:00.000Z"_s;
    VERIFY_OK(journal.recordSkipped({u"Top-Up"_s, T0, key, SkipReason::Paused, 1, T0 + 5, u"a"_s,
                                     u"The job is paused by alice"_s}));
    const auto caughtUp = journal.claim(request({.job = u"Top-Up"_s,
                                                 .now = T0 + Minute,
                                                 .instance = u"b"_s,
                                                 .trigger = RunTrigger::CatchUp}));
    QCOMPARE(caughtUp.status, Status::Claimed);
    const StoredRun run = stored(history, caughtUp.storedRunId);
    QCOMPARE(run.outcome, RunOutcome::Running);
    QCOMPARE(run.trigger, RunTrigger::CatchUp);
    QCOMPARE(run.occurrenceKey, key);
    QCOMPARE(run.instanceId, u"b"_s);
    QVERIFY(run.error.isEmpty());
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs"_s), 1);
    // A second instance resuming too finds it taken.
    QCOMPARE(journal
                 .claim(request({.job = u"Top-Up"_s,
                                 .now = T0 + Minute,
                                 .instance = u"c"_s,
                                 .overlap = OverlapPolicy::Parallel,
                                 .trigger = RunTrigger::CatchUp}))
                 .status,
             Status::AlreadyClaimed);

    // A scheduled run that succeeded is not a missed row: a catch-up of it is refused.
    const auto ran = journal.claim(request({.job = u"Uploads"_s}));
    QCOMPARE(ran.status, Status::Claimed);
    VERIFY_OK(journal.finish(ran.storedRunId, record(u"Uploads"_s, RunOutcome::Succeeded, T0 + 9),
                             {}, 0));
    QCOMPARE(journal
                 .claim(request({.job = u"Uploads"_s,
                                 .now = T0 + Minute,
                                 .overlap = OverlapPolicy::Parallel,
                                 .trigger = RunTrigger::CatchUp}))
                 .status,
             Status::AlreadyClaimed);
}

// Instance a lost its lease while alive; b marked its run interrupted and took the row over
// with a catch-up. When a's body notices and ends, its end must not land on b's run: the row
// stays b's, running, with b's log lines; b's own end is then written.
void tst_SqlRunJournal::aRowTakenOverKeepsItsNewRun()
{
    OPEN_JOURNAL();
    const qint64 id = journal.claim(request({.job = u"Top-Up"_s})).storedRunId;
    VERIFY_OK(journal.interruptStale(T0 + Lease, Lease, {}));
    const auto taken = journal.claim(request({.job = u"Top-Up"_s,
                                              .now = T0 + Lease + 5,
                                              .instance = u"b"_s,
                                              .trigger = RunTrigger::CatchUp}));
    QCOMPARE(taken.status, Status::Claimed);
    QCOMPARE(taken.storedRunId, id);
    VERIFY_OK(
        journal.heartbeat({{id, {}, lines({u"b's first"_s}, T0 + Lease + 6), taken.firstLogSeq}},
                          T0 + Lease + 6, u"b"_s));

    auto late = record(u"Top-Up"_s, RunOutcome::Interrupted, T0 + Lease + 7);
    late.info.instanceId = u"a"_s;
    late.error = u"Stopped because it had lost its lease"_s;
    const auto refused =
        journal.finish(id, late, lines({u"a's last"_s}, T0 + Lease + 7), taken.firstLogSeq);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(u"taken over by another run on instance b"_s),
             qPrintable(refused.error()));
    StoredRun run = stored(history, id);
    QCOMPARE(run.outcome, RunOutcome::Running);
    QCOMPARE(run.instanceId, u"b"_s);
    QVERIFY(run.error.isEmpty());
    const auto log = history.logLines(id, -1, 10);
    QVERIFY(log);
    QVERIFY(std::any_of(log->cbegin(), log->cend(), [](const jc::StoredLogLine &line) {
        return line.message == u"b's first"_s;
    }));
    QVERIFY(std::none_of(log->cbegin(), log->cend(), [](const jc::StoredLogLine &line) {
        return line.message == u"a's last"_s;
    }));

    auto done = record(u"Top-Up"_s, RunOutcome::Succeeded, T0 + Lease + 9);
    done.info.instanceId = u"b"_s;
    done.info.trigger = RunTrigger::CatchUp;
    VERIFY_OK(journal.finish(id, done, {}, taken.firstLogSeq + 1));
    run = stored(history, id);
    QCOMPARE(run.outcome, RunOutcome::Succeeded);
    QCOMPARE(run.finishedAt.toMSecsSinceEpoch(), T0 + Lease + 9);
}

// What the live instances look at to catch up: the interrupted runs of scheduled occurrences
// (scheduled, catch-up, retry) started since the instant asked, never a manual run, one that
// ended otherwise, or one started before; and the failed or timed-out ones of an instance that
// is gone (not announced within the lease), never those of the instance asking (its own to
// retry) or of one alive.
void tst_SqlRunJournal::unfinishedSinceListsTheOccurrencesToCatchUp()
{
    OPEN_JOURNAL();
    const qint64 old = journal.claim(request({.job = u"Old"_s, .now = T0 - 1})).storedRunId;
    const qint64 scheduled = journal.claim(request({.job = u"Top-Up"_s})).storedRunId;
    const qint64 manual =
        journal.claim(request({.job = u"Manual"_s, .trigger = RunTrigger::Manual})).storedRunId;
    const qint64 retry =
        journal
            .claim(request(
                {.job = u"Retried"_s, .now = T0 + 5, .trigger = RunTrigger::Retry, .attempt = 2}))
            .storedRunId;
    const qint64 succeeded = journal.claim(request({.job = u"Done"_s})).storedRunId;
    VERIFY_OK(journal.finish(succeeded, record(u"Done"_s, RunOutcome::Succeeded, T0 + 10), {}, 0));
    QVERIFY(old > 0 && scheduled > 0 && manual > 0 && retry > 0);
    const auto unfinished = [&](qint64 since) {
        return journal.unfinishedSince(since, T0 + Lease + 10, Lease, u"asking"_s);
    };

    auto found = unfinished(T0);
    VERIFY_OK(found);
    QVERIFY(found->isEmpty()); // all still running

    VERIFY_OK(journal.interruptStale(T0 + Lease + 10, Lease, {}));
    found = unfinished(T0);
    VERIFY_OK(found);
    QCOMPARE(found->size(), 2);
    QCOMPARE(found->at(0).job, u"Top-Up"_s);
    QCOMPARE(found->at(0).storedRunId, scheduled);
    QCOMPARE(found->at(0).occurrenceMSecs, T0);
    QCOMPARE(found->at(0).startedAtMSecs, T0);
    QCOMPARE(found->at(0).outcome, RunOutcome::Interrupted);
    QCOMPARE(found->at(0).instanceId, u"a"_s);
    QCOMPARE(found->at(1).job, u"Retried"_s);
    QCOMPARE(found->at(1).storedRunId, retry);
    QCOMPARE(found->at(1).startedAtMSecs, T0 + 5);

    found = unfinished(T0 - 1);
    VERIFY_OK(found);
    QCOMPARE(found->size(), 3);
    QCOMPARE(found->at(0).storedRunId, old);

    // Failed runs: the asking instance's own, one of an instance alive, one of an instance
    // quiet for longer than the lease, one of an instance that withdrew (stopped cleanly).
    const qint64 now = T0 + Lease + 10;
    jc::InstanceRegistry instances(factory);
    VERIFY_OK(instances.announce({u"alive"_s, u"h"_s, 1, u"serve"_s, {}, {}}, now - Lease));
    VERIFY_OK(instances.announce({u"quiet"_s, u"h"_s, 2, u"serve"_s, {}, {}}, now - Lease - 1));
    QHash<QString, qint64> failedBy;
    for (const QString &instance : {u"asking"_s, u"alive"_s, u"quiet"_s, u"withdrawn"_s}) {
        const QString job = u"Failed on "_s + instance;
        const qint64 id =
            journal.claim(request({.job = job, .now = T0 + 20, .instance = instance})).storedRunId;
        VERIFY_OK(journal.finish(id, record(job, RunOutcome::Failed, T0 + 30), {}, 0));
        failedBy.insert(instance, id);
    }
    found = unfinished(T0);
    VERIFY_OK(found);
    QCOMPARE(found->size(), 4);
    QCOMPARE(found->at(2).storedRunId, failedBy.value(u"quiet"_s));
    QCOMPARE(found->at(2).outcome, RunOutcome::Failed);
    QCOMPARE(found->at(2).instanceId, u"quiet"_s);
    QCOMPARE(found->at(3).storedRunId, failedBy.value(u"withdrawn"_s));
}

// An admin paused the job an instant before its occurrence, from another console: the
// instance claiming it has not heard yet. The claim reads the pause in its transaction: the
// scheduled occurrence is recorded missed (reason paused, who and why), a retry or catch-up
// waits, a person's run goes ahead, and a pause whose end has come no longer holds.
void tst_SqlRunJournal::aClaimHonoursThePauseInTheDatabase()
{
    OPEN_JOURNAL();
    jc::PauseStore pauses(factory);
    VERIFY_OK(pauses.pause(u"Top-Up"_s, u"alice"_s, u"migrating"_s, std::nullopt, T0 - 1000));
    VERIFY_OK(pauses.pause(u"Ended"_s, u"bob"_s, {}, QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC),
                           T0 - 1000));

    const auto scheduled = journal.claim(request({.job = u"Top-Up"_s}));
    QCOMPARE(scheduled.status, Status::Paused);
    QCOMPARE(scheduled.message, u"The job is paused by alice: migrating"_s);
    const StoredRun missed = stored(history, scheduled.storedRunId);
    QCOMPARE(missed.outcome, RunOutcome::Missed);
    QCOMPARE(missed.occurrenceKey, u"2026-01-01T00:00:00.000Z"_s);
    QCOMPARE(missed.error, u"The job is paused by alice: migrating"_s);
    QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jc_runs WHERE skip_reason = 'paused'"_s), 1);

    for (const RunTrigger trigger : {RunTrigger::Retry, RunTrigger::CatchUp}) {
        const auto held = journal.claim(request(
            {.job = u"Top-Up"_s, .occurrence = T0 - Minute, .trigger = trigger, .attempt = 2}));
        QCOMPARE(held.status, Status::Paused);
        QCOMPARE(held.storedRunId, 0);
    }
    const auto manual = journal.claim(request({.job = u"Top-Up"_s, .trigger = RunTrigger::Manual}));
    QCOMPARE(manual.status, Status::Claimed);
    QCOMPARE(journal.claim(request({.job = u"Ended"_s})).status, Status::Claimed);
    QCOMPARE(journal.claim(request({.job = u"Not paused"_s})).status, Status::Claimed);

    VERIFY_OK(pauses.resume(u"Top-Up"_s, u"alice"_s, T0 + 5));
    QCOMPARE(journal
                 .claim(request({.job = u"Top-Up"_s,
                                 .occurrence = T0 + Minute,
                                 .now = T0 + Minute,
                                 .overlap = OverlapPolicy::Parallel}))
                 .status,
             Status::Claimed);
}

// An instance records an occurrence missed for a pause it knows of; the pause is the
// database's. While the stored pause stands, the row is written; once it has ended (resumed
// from another console, or its resume time come), nothing is written and the journal says so,
// so that the occurrence runs. Without the flag (a pause of this instance alone) the row is
// written as before.
void tst_SqlRunJournal::aPausedOccurrenceIsRecordedWhileTheStoredPauseStands()
{
    OPEN_JOURNAL();
    jc::PauseStore pauses(factory);
    VERIFY_OK(pauses.pause(u"Paused"_s, u"alice"_s, {}, std::nullopt, T0 - 1000));
    VERIFY_OK(pauses.pause(u"Pause ended"_s, u"bob"_s, {},
                           QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC), T0 - 1000));
    const auto skip = [&](const QString &job, bool whileStoredPauseStands) {
        RunJournal::Skipped skipped{
            job,    T0,     u"2026-01-01T00:00:00.000Z"_s, SkipReason::Paused, 1,
            T0 + 5, u"a"_s, u"The job is paused"_s};
        skipped.whileStoredPauseStands = whileStoredPauseStands;
        return journal.recordSkipped(skipped);
    };
    using Record = RunJournal::SkipRecord;
    const auto paused = skip(u"Paused"_s, true);
    VERIFY_OK(paused);
    QCOMPARE(*paused, Record::Recorded);
    for (const QString &job : {u"Pause ended"_s, u"Resumed"_s}) {
        const auto ended = skip(job, true);
        VERIFY_OK(ended);
        QCOMPARE(*ended, Record::PauseEnded);
    }
    const auto local = skip(u"Paused here only"_s, false);
    VERIFY_OK(local);
    QCOMPARE(*local, Record::Recorded);
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs WHERE status = 'missed'"_s), 2);
    QCOMPARE(scalar(db, u"SELECT count(*) FROM jc_runs WHERE job_name IN ('Pause ended', "
                        "'Resumed')"_s),
             0);
}

QTEST_GUILESS_MAIN(tst_SqlRunJournal)
#include "tst_sqlrunjournal.moc"

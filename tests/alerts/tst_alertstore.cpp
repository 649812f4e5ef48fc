#include "alerts/AlertStore.h"

#include "alerts/AlertDecision.h"
#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include "TestDatabases.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using jc::Alert;
using jc::AlertKind;
using jc::AlertStore;
using jc::ConnectionFactory;
using jc::SqlDialect;

namespace {

const QDateTime T0 = QDateTime(QDate(2026, 12, 4), QTime(0, 0), Qt::UTC);

Alert failure(qint64 runId, const QString &instance)
{
    return {u"Orphaned Uploads Cleanup"_s,
            AlertKind::Failed,
            u"failed"_s,
            u"no folder"_s,
            runId,
            T0,
            instance,
            T0.addSecs(1),
            1};
}

// One run of `job` with `status`, as the journal writes it; its id.
qint64 addRun(QSqlDatabase db, const QString &job, const QString &status, int n,
              bool dryRun = false)
{
    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                   u"status, dry_run) VALUES (?, 'scheduled', ?, ?, ?, ?)"_s);
    insert.addBindValue(job);
    insert.addBindValue(T0.toMSecsSinceEpoch() + n);
    insert.addBindValue(u"%1"_s.arg(n));
    insert.addBindValue(status);
    insert.addBindValue(dryRun);
    if (!insert.exec())
        qFatal("%s", qPrintable(insert.lastError().text()));
    QSqlQuery id(db);
    id.exec(u"SELECT MAX(id) FROM jc_runs"_s);
    id.next();
    return id.value(0).toLongLong();
}

// A connection factory on `database`, migrated; null after a failed QVERIFY-worthy step.
std::shared_ptr<ConnectionFactory> migrated(const jc::test::TestDatabase &database)
{
    auto factory = std::make_shared<ConnectionFactory>(database.url());
    auto db = factory->connectionForCurrentThread();
    if (!db || !jc::Migrator().migrate(db.value()))
        return nullptr;
    return factory;
}

} // namespace

// The data row's database, migrated: `database` and its connection factory `factory`.
#define MIGRATED_DATABASE()                                                                        \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    const auto factory = migrated(database);                                                       \
    QVERIFY(factory)

// Alerts on record: each event claimed once however many instances see it, and the streak
// of failures an alert is judged by.
class tst_AlertStore : public QObject
{
    Q_OBJECT

private slots:
    void eachEventIsClaimedOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void eachEventIsClaimedOnce()
    {
        MIGRATED_DATABASE();
        // Two instances: two factories, two connections.
        const auto &first = factory;
        auto second = std::make_shared<ConnectionFactory>(database.url());

        const auto claimed = AlertStore(first).claim(failure(7, u"a:1"_s));
        QVERIFY2(claimed, qPrintable(claimed ? QString() : claimed.error()));
        QVERIFY(claimed.value());
        const auto again = AlertStore(second).claim(failure(7, u"b:2"_s));
        QVERIFY2(again, qPrintable(again ? QString() : again.error()));
        QVERIFY2(!again.value(), "the second instance claimed an event already on record");
        // Another event of the same run (its recovery) and another run are events of their own.
        Alert recovered = failure(7, u"b:2"_s);
        recovered.kind = AlertKind::Recovered;
        QVERIFY(AlertStore(second).claim(recovered).value());
        QVERIFY(AlertStore(second).claim(failure(8, u"b:2"_s)).value());

        const auto latest = AlertStore(first).latest(10);
        QVERIFY2(latest, qPrintable(latest ? QString() : latest.error()));
        QCOMPARE(latest->size(), 3);
        QCOMPARE(latest->at(0).eventKey(), u"run:8"_s);
        QCOMPARE(latest->at(2).instance, u"a:1"_s); // the first claim's, kept
        QCOMPARE(latest->at(2).message, u"no folder"_s);
    }

    void failuresInARowBeforeARun_data() { jc::test::addDatabaseRowsWithMySql(); }
    void failuresInARowBeforeARun()
    {
        MIGRATED_DATABASE();
        auto db = factory->connectionForCurrentThread();
        const QString job = u"Orphaned Uploads Cleanup"_s;
        int n = 0;
        addRun(db.value(), job, u"failed"_s, ++n);
        addRun(db.value(), job, u"succeeded"_s, ++n);
        addRun(db.value(), job, u"failed"_s, ++n);
        addRun(db.value(), job, u"cancelled"_s, ++n);        // neither counts nor breaks
        addRun(db.value(), job, u"succeeded"_s, ++n, true);  // a dry run: likewise
        addRun(db.value(), u"Other"_s, u"succeeded"_s, ++n); // another job's
        addRun(db.value(), job, u"timed_out"_s, ++n);
        addRun(db.value(), job, u"missed"_s, ++n);
        const qint64 interrupted = addRun(db.value(), job, u"interrupted"_s, ++n);
        const qint64 next = addRun(db.value(), job, u"running"_s, ++n);

        const AlertStore store(factory);
        const auto streak = store.failuresBefore(job, next, 10);
        QVERIFY2(streak, qPrintable(streak ? QString() : streak.error()));
        QCOMPARE(streak.value(), 3); // interrupted, timed_out, failed; then the success
        QCOMPARE(store.failuresBefore(job, next, 2).value(), 2);
        QCOMPARE(store.failuresBefore(job, interrupted, 10).value(), 2);
        QCOMPARE(store.failuresBefore(u"Other"_s, next, 10).value(), 0);
        QCOMPARE(store.failuresBefore(job, 1, 10).value(), 0);
    }

    // What the slow-run rule reads: the runs going on, and how long the last successes took.
    void runningRunsAndUsualDurations_data() { jc::test::addDatabaseRowsWithMySql(); }
    void runningRunsAndUsualDurations()
    {
        MIGRATED_DATABASE();
        auto db = factory->connectionForCurrentThread();
        const QString job = u"History Retention"_s;
        for (int n = 1; n <= 4; ++n) {
            const qint64 id = addRun(db.value(), job, u"succeeded"_s, n, n == 3);
            QSqlQuery times(db.value());
            QVERIFY(times.exec(u"UPDATE jc_runs SET started_at_ms = %1, finished_at_ms = %2 "
                               u"WHERE id = %3"_s.arg(n * 100000)
                                   .arg(n * 100000 + n * 1000)
                                   .arg(id)));
        }
        const qint64 going = addRun(db.value(), job, u"running"_s, 5);
        addRun(db.value(), u"Other"_s, u"running"_s, 6);

        const AlertStore store(factory);
        const auto durations = store.recentDurations(job, 30);
        QVERIFY2(durations, qPrintable(durations ? QString() : durations.error()));
        QCOMPARE(durations.value(), (QList<qint64>{4000, 2000, 1000})); // newest first, no dry run
        QCOMPARE(store.recentDurations(job, 2).value(), (QList<qint64>{4000, 2000}));
        const auto running = store.running(job);
        QVERIFY2(running, qPrintable(running ? QString() : running.error()));
        QCOMPARE(running->size(), 1);
        QCOMPARE(running->constFirst().storedRunId, going);
        QCOMPARE(running->constFirst().info.job, job);
    }
};

QTEST_GUILESS_MAIN(tst_AlertStore)
#include "tst_alertstore.moc"

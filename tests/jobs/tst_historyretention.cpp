// History Retention on both databases, through the body the scheduler runs: what it must
// never delete because exactly-once depends on it (issue 13, item 7) — each job's latest row
// of every scheduling trigger, and the scheduling rows inside the catch-up window — and that
// it deletes while another connection writes (issue 14, item 6). The general rule (newest N,
// recent problems, dry runs, log lines) is tst_jobctl_run's retentionPrunesByItsRule.
#include "EnginePrinters.h"
#include "TestDatabases.h"
#include "WriteLockHolder.h"

#include "engine/JobContext.h"
#include "engine/JobLogCategory.h"
#include "engine/RunState.h"
#include "jobs/HistoryRetentionJob.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/RunHistory.h"
#include "storage/WriteTransaction.h"

#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace jc;
using namespace Qt::StringLiterals;

namespace {

const QString retention = QString::fromLatin1(HistoryRetentionJob::name);
constexpr qint64 msPerHour = 60LL * 60 * 1000;
constexpr qint64 msPerDay = 24 * msPerHour;

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// When the retention run started: its "now".
const QDateTime now = utc("2026-12-10T00:00:00Z");
const qint64 nowMs = now.toMSecsSinceEpoch();

qint64 daysAgo(double days)
{
    return nowMs - qint64(days * double(msPerDay));
}

// A run of the retention body outside any scheduler, as a worker gets it. `occurrence`
// differs from `now` as for a catch-up run: the windows must count from when it runs.
struct RetentionRun
{
    explicit RetentionRun(const QDateTime &occurrence = now)
        : state(std::make_shared<RunState>(
              RunInfo{
                  1, retention, RunTrigger::Scheduled, occurrence, now, 1, false, {}, {}, {}, {}},
              nullptr))
        , context(state, category.category())
    {}

    JobResult run(const std::shared_ptr<ConnectionFactory> &database, int keepRuns = 200)
    {
        HistoryRetentionJob::Settings settings;
        settings.keepRuns = keepRuns;
        settings.batchSize = 37; // several batches per job
        JobResult result =
            HistoryRetentionJob::definition(database, QTimeZone::utc(), settings).body(context);
        state->finish(result);
        return result;
    }

    JobLogCategory category{retention};
    std::shared_ptr<RunState> state;
    JobContext context;
};

std::shared_ptr<ConnectionFactory> migrated(const test::TestDatabase &database)
{
    auto factory = std::make_shared<ConnectionFactory>(database.url());
    if (!Migrator().migrate(factory->connectionForCurrentThread().value()))
        qFatal("migration failed");
    return factory;
}

struct Row
{
    QString trigger;
    qint64 occurrenceMs = 0;
    bool dryRun = false;
    QString status = u"succeeded"_s;
};

QString keyOf(const Row &row)
{
    return row.trigger + u':' +
           QDateTime::fromMSecsSinceEpoch(row.occurrenceMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

// Inserts `rows` of `job` in order (ids increase in that order), in one transaction.
bool insertRows(ConnectionFactory &factory, const QString &job, const QList<Row> &rows)
{
    auto db = factory.connectionForCurrentThread();
    WriteTransaction transaction(db.value(), factory);
    if (auto error = transaction.begin(factory.dialect())) {
        qWarning("begin: %s", qPrintable(*error));
        return false;
    }
    QSqlQuery query(db.value());
    query.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                  u"status, started_at_ms, finished_at_ms, attempts, dry_run) "
                  u"VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)"_s);
    for (const Row &row : rows) {
        for (const QVariant &value :
             {QVariant(job), QVariant(row.trigger), QVariant(row.occurrenceMs),
              QVariant(keyOf(row)), QVariant(row.status), QVariant(row.occurrenceMs),
              QVariant(row.occurrenceMs + 1000), QVariant(row.dryRun)})
            query.addBindValue(value);
        if (!query.exec()) {
            qWarning("insert: %s", qPrintable(query.lastError().text()));
            return false;
        }
    }
    query.finish();
    if (auto error = transaction.commit()) {
        qWarning("commit: %s", qPrintable(*error));
        return false;
    }
    return true;
}

// `count` manual runs asked from `fromMs` on, a minute apart, every other one a dry run.
QList<Row> manualRuns(int count, qint64 fromMs)
{
    QList<Row> rows;
    for (int i = 0; i < count; ++i)
        rows.append({u"manual"_s, fromMs + i * 60'000LL, i % 2 == 1});
    return rows;
}

// The occurrence keys of `job`'s rows of `trigger`, oldest first.
QStringList keysOf(ConnectionFactory &factory, const QString &job, const QString &trigger)
{
    QSqlQuery query(factory.connectionForCurrentThread().value());
    query.prepare(u"SELECT occurrence_key FROM jc_runs WHERE job_name = ? AND \"trigger\" = ? "
                  u"ORDER BY occurrence_ms"_s);
    query.addBindValue(job);
    query.addBindValue(trigger);
    QStringList keys;
    if (!query.exec())
        qWarning("select: %s", qPrintable(query.lastError().text()));
    while (query.next())
        keys.append(query.value(0).toString());
    return keys;
}

QStringList keysOf(const QList<Row> &rows)
{
    QStringList keys;
    for (const Row &row : rows)
        keys.append(keyOf(row));
    return keys;
}

qint64 deleted(const JobResult &result)
{
    return result.summary().value(u"runsDeleted"_s).toInteger(-1);
}

} // namespace

class tst_HistoryRetention : public QObject
{
    Q_OBJECT

private slots:
    void keepsTheLastOccurrenceThroughManualRuns_data() { test::addDatabaseRowsWithMySql(); }
    void keepsTheLastOccurrenceThroughManualRuns();
    void keepsTheLatestRowOfEachSchedulingTrigger_data() { test::addDatabaseRowsWithMySql(); }
    void keepsTheLatestRowOfEachSchedulingTrigger();
    void keepsSchedulingRowsInsideTheCatchUpWindow_data() { test::addDatabaseRowsWithMySql(); }
    void keepsSchedulingRowsInsideTheCatchUpWindow();
    void deletesWhileAnotherConnectionWrites_data() { test::addDatabaseRowsWithMySql(); }
    void deletesWhileAnotherConnectionWrites();
};

// The case: 3 scheduled runs, then 250 manual and dry runs. Keeping only the newest
// 200 rows deleted every scheduled row, so the next start-up found no last occurrence and
// caught up (ran again) occurrences that had already run.
void tst_HistoryRetention::keepsTheLastOccurrenceThroughManualRuns()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = migrated(database);
    const QString job = u"Nightly Export"_s;
    const QList<Row> scheduled{{u"scheduled"_s, daysAgo(100)},
                               {u"scheduled"_s, daysAgo(99)},
                               {u"scheduled"_s, daysAgo(98)}};
    QVERIFY(insertRows(*factory, job, scheduled));
    QVERIFY(insertRows(*factory, job, manualRuns(250, daysAgo(97))));
    RunHistory history(factory);
    const auto before = history.lastOccurrencePerJob();
    QVERIFY2(before, qPrintable(before ? QString() : before.error()));
    QCOMPARE(before->value(job, -1), daysAgo(98));

    const JobResult result = RetentionRun().run(factory);
    QVERIFY2(result.isSuccess(), qPrintable(result.error()));

    const auto after = history.lastOccurrencePerJob();
    QVERIFY2(after, qPrintable(after ? QString() : after.error()));
    QCOMPARE(after.value(), before.value());
    // The latest scheduled row stays; the older ones (outside the catch-up window) and the
    // 50 oldest manual runs go.
    QCOMPARE(keysOf(*factory, job, u"scheduled"_s), QStringList{keyOf(scheduled.last())});
    QCOMPARE(keysOf(*factory, job, u"manual"_s).size(), 200);
    QCOMPARE(deleted(result), 52);
}

// Each scheduling trigger's latest row stays, however old: the last occurrence is the
// largest of them (and a trigger added later, "backfill", is kept by the same rule).
void tst_HistoryRetention::keepsTheLatestRowOfEachSchedulingTrigger()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = migrated(database);
    const QString job = u"Quarterly Report"_s;
    const QStringList triggers{u"scheduled"_s, u"catch-up"_s, u"retry"_s, u"backfill"_s};
    for (qsizetype i = 0; i < triggers.size(); ++i) {
        QVERIFY(insertRows(*factory, job,
                           {{triggers.at(i), daysAgo(400 - double(i))},
                            {triggers.at(i), daysAgo(300 - double(i))}}));
    }
    QVERIFY(insertRows(*factory, job, manualRuns(250, daysAgo(1))));
    const auto before = RunHistory(factory).lastOccurrencePerJob();
    QVERIFY2(before, qPrintable(before ? QString() : before.error()));

    const JobResult result = RetentionRun().run(factory);
    QVERIFY2(result.isSuccess(), qPrintable(result.error()));

    for (qsizetype i = 0; i < triggers.size(); ++i) {
        QCOMPARE(keysOf(*factory, job, triggers.at(i)),
                 QStringList{keyOf({triggers.at(i), daysAgo(300 - double(i))})});
    }
    QCOMPARE(RunHistory(factory).lastOccurrencePerJob().value(), before.value());
    QCOMPARE(deleted(result), 4 + 50);
}

// Scheduling rows younger than the job's catch-up window stay: 32 days when it has none
// ("until the next occurrence"), else the window stored for it (longer or shorter). Manual
// rows are never held by the window. The window counts back from when retention runs, not
// from its occurrence (a catch-up run of retention may run days after its occurrence).
void tst_HistoryRetention::keepsSchedulingRowsInsideTheCatchUpWindow()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = migrated(database);
    struct Case
    {
        QString job;
        std::optional<int> windowHours;
        QList<double> daysAgo;
        QList<double> kept;
    };
    const QList<Case> cases{
        {u"Default Window"_s, std::nullopt, {40, 33, 31, 5}, {31, 5}},
        {u"Until Next Occurrence"_s, 0, {40, 33, 31, 5}, {31, 5}},
        {u"Long Window"_s, 2400, {120, 101, 99, 50, 5}, {99, 50, 5}},
        {u"Short Window"_s, 24, {3, 2, 0.9, 0.5}, {0.9, 0.5}},
    };
    for (const Case &c : cases) {
        if (c.windowHours) {
            QVERIFY(JobSettingsStore(factory).set(
                c.job, QJsonObject{{u"catchUpWindowHours"_s, *c.windowHours}}, u"test"_s,
                daysAgo(200)));
        }
        QList<Row> rows;
        for (const double days : c.daysAgo)
            rows.append({u"scheduled"_s, daysAgo(days)});
        QVERIFY(insertRows(*factory, c.job, rows));
        // Manual runs inside every window: only the newest 200 stay.
        QVERIFY(insertRows(*factory, c.job, manualRuns(250, nowMs - 300 * 60'000LL)));
    }

    const JobResult result = RetentionRun(now.addDays(-3)).run(factory);
    QVERIFY2(result.isSuccess(), qPrintable(result.error()));

    for (const Case &c : cases) {
        QList<Row> kept;
        for (const double days : c.kept)
            kept.append({u"scheduled"_s, daysAgo(days)});
        QVERIFY2(keysOf(*factory, c.job, u"scheduled"_s) == keysOf(kept), qPrintable(c.job));
        QCOMPARE(keysOf(*factory, c.job, u"manual"_s).size(), 200);
    }
}

// Deleting waits for another connection's write (SQLite: BEGIN IMMEDIATE on the busy
// timeout) instead of failing with "database is locked".
void tst_HistoryRetention::deletesWhileAnotherConnectionWrites()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = migrated(database);
    const QString job = u"Busy Job"_s;
    QVERIFY(insertRows(*factory, job, manualRuns(250, daysAgo(1))));

    test::WriteLockHolder holder(database.url());
    QVERIFY2(holder.waitUntilHeld(), qPrintable(holder.lockError()));
    const JobResult result = RetentionRun().run(factory);
    holder.finish();
    QVERIFY2(result.isSuccess(), qPrintable(result.error()));
    QVERIFY2(holder.commitError().isEmpty(), qPrintable(holder.commitError()));
    QCOMPARE(deleted(result), 50);
    QCOMPARE(keysOf(*factory, job, u"manual"_s).size(), 200);
}

QTEST_GUILESS_MAIN(tst_HistoryRetention)
#include "tst_historyretention.moc"

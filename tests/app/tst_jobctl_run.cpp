// `jobctl run` as an admin runs it: a real process on a real database (SQLite and
// PostgreSQL), recorded as a manual run by the OS user, with the exit status telling how it
// went. The built-in History Retention job is the job: it also shows that retention keeps
// exactly what its rule promises.
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"

#include "ChildProcess.h"
#include "TestDatabases.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <memory>
#include <vector>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::DatabaseUrl;
using jc::SqlDialect;
using jc::test::describe;
using jc::test::runProcess;
using jc::test::TestDatabase;
using Result = jc::test::ProcessResult;
using jc::test::urlText;

namespace {

const QString retention = u"History Retention"_s;
constexpr qint64 msPerDay = 24LL * 60 * 60 * 1000;
// HistoryRetentionJob::Settings' defaults: the rule this test checks.
constexpr int keepRuns = 200;
constexpr qint64 keepProblemDays = 180;
// HistoryRetentionJob::untilNextOccurrenceDays: scheduled rows this young always stay.
constexpr qint64 catchUpDays = 32;

QString osUser()
{
    if (const passwd *entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

Result jobctl(const QStringList &arguments)
{
    return runProcess(QStringLiteral(JOBCTL_PATH), arguments, 60000);
}

struct Run
{
    qint64 id = 0;
    QString status;
    QString trigger;
    QString occurrenceKey;
    QString requestedBy;
    QString reason;
    QString instance;
    bool dryRun = false;
    QJsonObject summary;
    bool finished = false;
};

QList<Run> runsOf(QSqlDatabase db, const QString &job)
{
    QSqlQuery query(db);
    query.prepare(u"SELECT id, status, \"trigger\", occurrence_key, COALESCE(requested_by, ''), "
                  u"COALESCE(reason, ''), COALESCE(instance_id, ''), dry_run, "
                  u"COALESCE(summary, ''), finished_at_ms FROM jc_runs WHERE job_name = ? "
                  u"ORDER BY id"_s);
    query.addBindValue(job);
    QList<Run> runs;
    if (!query.exec()) {
        qWarning() << "Cannot read jc_runs:" << query.lastError().text();
        return runs;
    }
    while (query.next()) {
        runs.append(Run{query.value(0).toLongLong(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toString(),
                        query.value(4).toString(), query.value(5).toString(),
                        query.value(6).toString(), query.value(7).toBool(),
                        QJsonDocument::fromJson(query.value(8).toString().toUtf8()).object(),
                        !query.value(9).isNull()});
    }
    return runs;
}

// A finished run to seed history with.
struct Seed
{
    QString status;
    qint64 atMs = 0;
};

// Inserts `seeds` for `job` in one transaction, in order (so ids increase in that order);
// returns their ids, or an empty list after a failure (reported as a warning).
QList<qint64> insertRuns(QSqlDatabase db, const QString &job, const QList<Seed> &seeds)
{
    QList<qint64> ids;
    if (!db.transaction()) {
        qWarning() << "Cannot begin:" << db.lastError().text();
        return {};
    }
    QSqlQuery query(db);
    query.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                  u"status, started_at_ms, finished_at_ms, error, attempts, instance_id) "
                  u"VALUES (?, 'scheduled', ?, ?, ?, ?, ?, ?, 1, 'seed')"_s);
    for (const Seed &seed : seeds) {
        query.addBindValue(job);
        query.addBindValue(seed.atMs);
        query.addBindValue(
            QDateTime::fromMSecsSinceEpoch(seed.atMs, Qt::UTC).toString(Qt::ISODateWithMs));
        query.addBindValue(seed.status);
        query.addBindValue(seed.atMs);
        query.addBindValue(seed.atMs + 1000);
        query.addBindValue(seed.status == u"failed"_s ? QVariant(u"Something broke"_s)
                                                      : QVariant(QMetaType::fromType<QString>()));
        if (!query.exec()) {
            qWarning() << "Cannot insert a run:" << query.lastError().text();
            db.rollback();
            return {};
        }
        ids.append(query.lastInsertId().toLongLong());
    }
    if (!db.commit()) {
        qWarning() << "Cannot commit:" << db.lastError().text();
        return {};
    }
    return ids;
}

bool insertLogLines(QSqlDatabase db, qint64 runId, int count)
{
    QSqlQuery query(db);
    query.prepare(u"INSERT INTO jc_run_logs (run_id, seq, logged_at_ms, level, message, fields) "
                  u"VALUES (?, ?, ?, 'info', ?, NULL)"_s);
    for (int seq = 0; seq < count; ++seq) {
        query.addBindValue(runId);
        query.addBindValue(seq);
        query.addBindValue(QDateTime::currentMSecsSinceEpoch());
        query.addBindValue(u"line %1"_s.arg(seq));
        if (!query.exec()) {
            qWarning() << "Cannot insert a log line:" << query.lastError().text();
            return false;
        }
    }
    return true;
}

qint64 scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next()) {
        qWarning() << "Cannot run" << sql << ":" << query.lastError().text();
        return -1;
    }
    return query.value(0).toLongLong();
}

QList<qint64> idsOf(QSqlDatabase db, const QString &job)
{
    QList<qint64> ids;
    for (const Run &run : runsOf(db, job))
        ids.append(run.id);
    return ids;
}

} // namespace

class tst_JobctlRun : public QObject
{
    Q_OBJECT

private slots:
    void recordsAManualRun_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<bool>("dryRun");
        QTest::newRow("sqlite") << SqlDialect::Sqlite << false;
        QTest::newRow("sqlite, dry run") << SqlDialect::Sqlite << true;
        QTest::newRow("postgresql") << SqlDialect::Postgres << false;
        QTest::newRow("postgresql, dry run") << SqlDialect::Postgres << true;
    }
    void recordsAManualRun()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(bool, dryRun);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QStringList arguments{
            u"--db"_s,     urlText(database.url()), u"run"_s, retention, u"--wait"_s,
            u"--reason"_s, u"integration test"_s};
        if (dryRun)
            arguments.append(u"--dry-run"_s);
        const Result result = jobctl(arguments); // a fresh database: run migrates it itself
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY2(result.out.startsWith(retention + u": succeeded in "_s),
                 qPrintable(describe(result)));

        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const QList<Run> runs = runsOf(*connection, retention);
        QCOMPARE(runs.size(), 1);
        const Run &run = runs.first();
        QVERIFY2(result.out.contains(u"(run %1)"_s.arg(run.id)), qPrintable(result.out));
        QCOMPARE(run.status, u"succeeded"_s);
        QCOMPARE(run.trigger, u"manual"_s);
        QVERIFY2(run.occurrenceKey.startsWith(u"manual:"_s), qPrintable(run.occurrenceKey));
        QCOMPARE(run.requestedBy, osUser());
        QCOMPARE(run.reason, u"integration test"_s);
        QVERIFY(!run.instance.isEmpty());
        QVERIFY(run.finished);
        QCOMPARE(run.dryRun, dryRun);
        QVERIFY2(run.summary.contains(u"dryRun"_s),
                 QJsonDocument(run.summary).toJson().constData());
        QCOMPARE(run.summary.value(u"dryRun"_s).toBool(), dryRun);
        QCOMPARE(run.summary.value(u"runsDeleted"_s).toInteger(), 0);
        // What the run did, in words; the counters are in `history --json`.
        const QRegularExpression words(
            (dryRun ? u"^  Dry run: would delete 0 old runs \\(\\d+ jobs? checked\\)$"_s
                    : u"^  Deleted 0 old runs \\(\\d+ jobs? checked\\)$"_s),
            QRegularExpression::MultilineOption);
        QVERIFY2(words.match(result.out).hasMatch(), qPrintable(describe(result)));
        QVERIFY2(!result.out.contains(u"summary:"_s), qPrintable(describe(result)));

        // `history` says the same under the run; `--json` keeps every counter.
        const QStringList db{u"--db"_s, urlText(database.url())};
        const Result history = jobctl(db + QStringList{u"history"_s, retention});
        QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
        const QString said = words.match(result.out).captured(0).trimmed();
        QVERIFY2(history.out.contains(u"\n        "_s + said + u'\n'), qPrintable(history.out));
        const Result json = jobctl(db + QStringList{u"history"_s, retention, u"--json"_s});
        QVERIFY2(json.exitCode == 0, qPrintable(describe(json)));
        QCOMPARE(QJsonDocument::fromJson(json.out.toUtf8())
                     .array()
                     .at(0)
                     .toObject()
                     .value(u"summary"_s)
                     .toObject(),
                 run.summary);
    }

    // `jobctl list` follows the console's rule (JobHealth): a job paused while a run goes on
    // is running; a job whose only run failed at its last due time is failing, not overdue;
    // overdue says since when.
    void listFollowsTheHealthRule_data() { jc::test::addDatabaseRowsWithMySql(); }
    void listFollowsTheHealthRule()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QStringList db{u"--db"_s, urlText(database.url())};
        const Result migrated = jobctl(db + QStringList{u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        const QString uploads = u"Orphaned Uploads Cleanup"_s;
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        const QString topUp = u"Monthly Credit Top-Up"_s;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QSqlQuery running(*connection);
        running.prepare(
            u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
            u"status, started_at_ms, heartbeat_at_ms, attempts, instance_id) "
            u"VALUES (?, 'manual', ?, 'manual:x', 'running', ?, ?, 1, 'host:1')"_s);
        for (const QVariant &value : QVariantList{uploads, now - 60000, now - 60000, now - 1000})
            running.addBindValue(value);
        QVERIFY2(running.exec(), qPrintable(running.lastError().text()));
        const Result paused = jobctl(db + QStringList{u"pause"_s, uploads});
        QVERIFY2(paused.exitCode == 0, qPrintable(describe(paused)));
        QVERIFY(!insertRuns(*connection, stale, {{u"failed"_s, now - 60000}}).isEmpty());
        QVERIFY(!insertRuns(*connection, topUp, {{u"succeeded"_s, now - 70 * msPerDay}}).isEmpty());

        const Result list = jobctl(db + QStringList{u"list"_s});
        QVERIFY2(list.exitCode == 0, qPrintable(describe(list)));
        const auto stateOf = [&](const QString &job) {
            const QRegularExpression line(QRegularExpression::escape(job) +
                                          u"\n  state: +([^\n]*)\n"_s);
            return line.match(list.out).captured(1);
        };
        QCOMPARE(stateOf(uploads), u"running"_s);
        QCOMPARE(stateOf(stale), u"failing"_s);
        QVERIFY2(stateOf(topUp).startsWith(u"overdue since "_s), qPrintable(list.out));
        QCOMPARE(stateOf(retention), u"idle"_s);
    }

    // A new schedule counts from the instant it was set (README): a daily job that ran at
    // midnight, made to run every 7 minutes now, is due within 7 minutes, not "overdue since
    // 00:07" (the state walked the new schedule from the last run; the scheduler did not).
    void listCountsANewScheduleFromItsChange_data() { jc::test::addDatabaseRowsWithMySql(); }
    void listCountsANewScheduleFromItsChange()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QStringList db{u"--db"_s, urlText(database.url())};
        const Result migrated = jobctl(db + QStringList{u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        const qint64 midnight =
            QDateTime(QDateTime::currentDateTimeUtc().date(), QTime(0, 0), Qt::UTC)
                .toMSecsSinceEpoch();
        QVERIFY(!insertRuns(*connection, stale, {{u"succeeded"_s, midnight}}).isEmpty());
        const Result set = jobctl(
            db + QStringList{u"set"_s, stale, u"--schedule"_s, u"*/7 * * * *"_s, u"--yes"_s});
        QVERIFY2(set.exitCode == 0, qPrintable(describe(set)));

        const Result list = jobctl(db + QStringList{u"list"_s});
        QVERIFY2(list.exitCode == 0, qPrintable(describe(list)));
        const QRegularExpression line(QRegularExpression::escape(stale) +
                                      u"\n  state: +([^\n]*)\n"_s);
        QCOMPARE(line.match(list.out).captured(1), u"idle"_s);
    }

    // Pauses and resumes are on record: `list` says who paused a job, since when, until when
    // and why; `history JOB` keeps the pause and the resume (who ended which pause) after the
    // pause is over. Before, `list` said only "paused" and a resume left no trace.
    void pausesAndResumesAreOnRecord_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pausesAndResumesAreOnRecord()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QStringList db{u"--db"_s, urlText(database.url())};
        const Result migrated = jobctl(db + QStringList{u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        const QString until = u"2099-01-01T00:00:00Z"_s;
        const Result paused = jobctl(db + QStringList{u"pause"_s, retention, u"--reason"_s,
                                                      u"disk swap"_s, u"--until"_s, until});
        QVERIFY2(paused.exitCode == 0, qPrintable(describe(paused)));
        const Result list = jobctl(db + QStringList{u"list"_s});
        const QRegularExpression pausedLine(
            QRegularExpression::escape(retention) +
            u"\n  state: +paused by \\S+ since [^\n]+ until [^\n]*2099[^\n]*: disk swap\n"_s);
        QVERIFY2(pausedLine.match(list.out).hasMatch(), qPrintable(list.out));

        const Result resumed = jobctl(db + QStringList{u"resume"_s, retention});
        QVERIFY2(resumed.exitCode == 0, qPrintable(describe(resumed)));
        const Result history = jobctl(db + QStringList{u"history"_s, retention});
        QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
        QVERIFY2(history.out.contains(u": paused until 2099-01-01T00:00:00+00:00: disk swap\n"_s),
                 qPrintable(history.out));
        QVERIFY2(QRegularExpression(u": resumed \\(paused by \\S+ since \\S+: disk swap\\)\n"_s)
                     .match(history.out)
                     .hasMatch(),
                 qPrintable(history.out));
    }

    // What `run` says and what the database says agree, every time: a fresh process's
    // start-up (which marks its own left-over runs interrupted) must never catch the run it
    // has just claimed. Several processes at once, each on its own fresh database, a few
    // rounds: the race this guards against needs a little load to show.
    void everyRunIsRecordedAsItEnded_data() { jc::test::addDatabaseRowsWithMySql(); }
    void everyRunIsRecordedAsItEnded()
    {
        QFETCH(SqlDialect, dialect);
        constexpr int rounds = 4;
        constexpr int parallel = 3;
        for (int round = 0; round < rounds; ++round) {
            std::vector<std::unique_ptr<TestDatabase>> databases;
            std::vector<std::unique_ptr<QProcess>> processes;
            for (int i = 0; i < parallel; ++i) {
                databases.push_back(std::make_unique<TestDatabase>(dialect));
                QVERIFY2(databases.back()->isReady(), qPrintable(databases.back()->error()));
                processes.push_back(std::make_unique<QProcess>());
                processes.back()->start(QStringLiteral(JOBCTL_PATH),
                                        {u"--db"_s, urlText(databases.back()->url()), u"run"_s,
                                         retention, u"--wait"_s});
            }
            for (int i = 0; i < parallel; ++i) {
                QProcess &process = *processes.at(std::size_t(i));
                QVERIFY(process.waitForFinished(60000));
                const Result result{process.exitCode(),
                                    QString::fromUtf8(process.readAllStandardOutput()),
                                    QString::fromUtf8(process.readAllStandardError())};
                QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
                QVERIFY2(result.out.startsWith(retention + u": succeeded"_s),
                         qPrintable(describe(result)));
                ConnectionFactory factory(databases.at(std::size_t(i))->url());
                const auto connection = factory.connectionForCurrentThread();
                QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
                const QList<Run> runs = runsOf(*connection, retention);
                QCOMPARE(runs.size(), 1);
                QVERIFY2(
                    runs.first().status == u"succeeded"_s,
                    qPrintable(
                        u"round %1: jobctl said succeeded, the database says %2\n"_s.arg(round).arg(
                            runs.first().status) +
                        describe(result)));
            }
        }
    }

    // Per job: keep the newest 200 runs, every problem run of the last 180 days and what
    // catch-up needs (scheduled rows of the last 32 days, the latest one); delete the rest
    // with their log lines. Seeded (in id order): 10 failures 200 days old, 5 failures 10
    // days old, 250 successes 60 to 55 days old. Expected: the 200 newest successes and the
    // 5 recent failures stay; the 10 old failures and the 50 oldest successes go.
    // tst_historyretention tests the catch-up rule itself.
    void retentionPrunesByItsRule_data() { jc::test::addDatabaseRowsWithMySql(); }
    void retentionPrunesByItsRule()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        const QString job = u"X"_s;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<Seed> seeds;
        for (int i = 0; i < 10; ++i)
            seeds.append({u"failed"_s, now - 200 * msPerDay + i * 60000});
        for (int i = 0; i < 5; ++i)
            seeds.append({u"failed"_s, now - 10 * msPerDay + i * 60000});
        // Older than the catch-up window, which would keep them all (the seeds are scheduled
        // rows, and these jobs have no window: 32 days).
        for (int i = 0; i < 250; ++i)
            seeds.append({u"succeeded"_s, now - 60 * msPerDay + i * 30 * 60000LL});
        const QList<qint64> ids = insertRuns(*connection, job, seeds);
        QCOMPARE(ids.size(), seeds.size());
        QVERIFY(std::is_sorted(ids.cbegin(), ids.cend()));

        // The expected survivors, from the rule itself.
        QList<qint64> sortedIds = ids;
        std::sort(sortedIds.begin(), sortedIds.end(), std::greater<>());
        const qint64 oldestKept = sortedIds.at(keepRuns - 1);
        const qint64 cutoff = now - keepProblemDays * msPerDay;
        const qint64 windowStart = now - catchUpDays * msPerDay;
        const qint64 lastOccurrence =
            std::max_element(seeds.cbegin(), seeds.cend(), [](const Seed &a, const Seed &b) {
                return a.atMs < b.atMs;
            })->atMs;
        QSet<qint64> expected;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const bool newest = ids.at(i) >= oldestKept;
            const bool recentProblem =
                seeds.at(i).status == u"failed"_s && seeds.at(i).atMs + 1000 >= cutoff;
            const bool catchUpNeedsIt =
                seeds.at(i).atMs >= windowStart || seeds.at(i).atMs == lastOccurrence;
            if (newest || recentProblem || catchUpNeedsIt)
                expected.insert(ids.at(i));
        }
        // ... which is what the comment above says.
        QCOMPARE(expected.size(), 205);
        for (qsizetype i = 10; i < 15; ++i)
            QVERIFY(expected.contains(ids.at(i)));
        for (qsizetype i = 0; i < 10; ++i)
            QVERIFY(!expected.contains(ids.at(i)));
        for (qsizetype i = 15; i < 65; ++i)
            QVERIFY(!expected.contains(ids.at(i)));
        const qint64 deletedCount = qint64(ids.size()) - qint64(expected.size());

        // Log lines: of an old failure and an old success (both deleted), and of a recent
        // failure and the newest success (both kept).
        const qint64 oldFailure = ids.at(0);
        const qint64 oldSuccess = ids.at(15);
        const qint64 recentFailure = ids.at(10);
        const qint64 newestSuccess = ids.last();
        for (const qint64 id : {oldFailure, oldSuccess, recentFailure, newestSuccess})
            QVERIFY(insertLogLines(*connection, id, 3));
        const auto logLinesOf = [&](qint64 id) {
            return scalar(*connection,
                          u"SELECT COUNT(*) FROM jc_run_logs WHERE run_id = %1"_s.arg(id));
        };

        // A dry run counts and deletes nothing.
        const Result dry =
            jobctl({u"--db"_s, db, u"run"_s, retention, u"--wait"_s, u"--dry-run"_s});
        QVERIFY2(dry.exitCode == 0, qPrintable(describe(dry)));
        QVERIFY2(dry.out.contains(u"\n  Dry run: would delete %1 old runs ("_s.arg(deletedCount)),
                 qPrintable(describe(dry)));
        QCOMPARE(runsOf(*connection, retention).last().summary.value(u"runsDeleted"_s).toInteger(),
                 deletedCount);
        QCOMPARE(idsOf(*connection, job), ids);
        QCOMPARE(logLinesOf(oldFailure), 3);

        const Result real = jobctl({u"--db"_s, db, u"run"_s, retention, u"--wait"_s});
        QVERIFY2(real.exitCode == 0, qPrintable(describe(real)));
        QVERIFY2(real.out.startsWith(retention + u": succeeded"_s), qPrintable(describe(real)));
        QVERIFY2(real.out.contains(u"\n  Deleted %1 old runs ("_s.arg(deletedCount)),
                 qPrintable(describe(real)));
        const Run stored = runsOf(*connection, retention).last();
        QCOMPARE(stored.summary.value(u"runsDeleted"_s).toInteger(), deletedCount);
        QCOMPARE(stored.summary.value(u"dryRun"_s).toBool(), false);

        const QList<qint64> left = idsOf(*connection, job);
        QCOMPARE(QSet<qint64>(left.cbegin(), left.cend()), expected);
        QCOMPARE(left.size(), expected.size());
        QCOMPARE(logLinesOf(oldFailure), 0);
        QCOMPARE(logLinesOf(oldSuccess), 0);
        QCOMPARE(logLinesOf(recentFailure), 3);
        QCOMPARE(logLinesOf(newestSuccess), 3);
        QCOMPARE(scalar(*connection, u"SELECT COUNT(*) FROM jc_run_logs WHERE run_id NOT IN "
                                     u"(SELECT id FROM jc_runs)"_s),
                 0);
        // Its own two runs are history too, and far below the limit.
        QCOMPARE(runsOf(*connection, retention).size(), 2);
    }

    // The job runs at most once at a time across instances: a live run elsewhere (fresh
    // heartbeat) makes `run` refuse. With --wait that is exit status 3.
    void refusesWhenRunningElsewhere_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<bool>("wait");
        QTest::newRow("sqlite, --wait") << SqlDialect::Sqlite << true;
        QTest::newRow("sqlite") << SqlDialect::Sqlite << false;
        QTest::newRow("postgresql, --wait") << SqlDialect::Postgres << true;
        QTest::newRow("postgresql") << SqlDialect::Postgres << false;
    }
    void refusesWhenRunningElsewhere()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(bool, wait);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QSqlQuery insert(*connection);
        insert.prepare(
            u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
            u"status, started_at_ms, heartbeat_at_ms, attempts, instance_id) "
            u"VALUES (?, 'scheduled', ?, ?, 'running', ?, ?, 1, 'elsewhere:42')"_s);
        insert.addBindValue(retention);
        insert.addBindValue(now - 10000);
        insert.addBindValue(
            QDateTime::fromMSecsSinceEpoch(now - 10000, Qt::UTC).toString(Qt::ISODateWithMs));
        insert.addBindValue(now - 10000);
        insert.addBindValue(now - 1000);
        QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        const qint64 runningId = insert.lastInsertId().toLongLong();

        QStringList arguments{u"--db"_s, db, u"run"_s, retention};
        if (wait)
            arguments.append(u"--wait"_s);
        const Result result = jobctl(arguments);
        QVERIFY2(result.exitCode == (wait ? 3 : 0), qPrintable(describe(result)));
        QVERIFY2(result.err.contains(u"\"History Retention\" did not run"_s),
                 qPrintable(describe(result)));
        QVERIFY2(!result.out.contains(u"succeeded"_s), qPrintable(describe(result)));

        const QList<Run> runs = runsOf(*connection, retention);
        const auto running = std::find_if(runs.cbegin(), runs.cend(),
                                          [&](const Run &r) { return r.id == runningId; });
        QVERIFY(running != runs.cend());
        QCOMPARE(running->status, u"running"_s); // untouched: it is alive elsewhere
        for (const Run &run : runs) {
            if (run.id == runningId)
                continue;
            QVERIFY2(run.status == u"skipped"_s,
                     qPrintable(u"run %1 is %2"_s.arg(run.id).arg(run.status)));
            QCOMPARE(run.trigger, u"manual"_s);
        }
    }

    void refusesBadArguments_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QStringList>("messages");
        for (const SqlDialect dialect : {SqlDialect::Sqlite, SqlDialect::Postgres}) {
            const QString prefix = jc::toString(dialect) + u", "_s;
            QTest::newRow(qPrintable(prefix + u"unknown job"_s))
                << dialect << QStringList{u"Nope"_s, u"--wait"_s}
                << QStringList{u"no job named \"Nope\""_s, retention};
            QTest::newRow(qPrintable(prefix + u"no job"_s))
                << dialect << QStringList{} << QStringList{u"expected one JOB"_s};
            QTest::newRow(qPrintable(prefix + u"two jobs"_s))
                << dialect << QStringList{retention, retention}
                << QStringList{u"expected one JOB"_s};
            QTest::newRow(qPrintable(prefix + u"occurrence not an instant"_s))
                << dialect << QStringList{retention, u"--occurrence"_s, u"1 Nov"_s}
                << QStringList{u"--occurrence: \"1 Nov\" is not an ISO 8601 instant"_s};
            // History Retention runs daily at 03:17 (the tests' zone is UTC).
            QTest::newRow(qPrintable(prefix + u"not an occurrence"_s))
                << dialect << QStringList{retention, u"--occurrence"_s, u"2026-11-01T03:00:00Z"_s}
                << QStringList{u"is not an occurrence of \"History Retention\""_s,
                               u"the nearest are 2026-10-31T03:17:00+00:00 and "
                               "2026-11-01T03:17:00+00:00"_s};
            // It exited 3 with --wait, which says "already running".
            QTest::newRow(qPrintable(prefix + u"occurrence to come"_s))
                << dialect
                << QStringList{retention, u"--wait"_s, u"--occurrence"_s, u"2099-11-01T03:17:00Z"_s}
                << QStringList{u"--occurrence: 2099-11-01T03:17:00+00:00 has not come yet"_s};
        }
    }
    void refusesBadArguments()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(QStringList, arguments);
        QFETCH(QStringList, messages);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const Result result =
            jobctl(QStringList{u"--db"_s, urlText(database.url()), u"run"_s} + arguments);
        QVERIFY2(result.exitCode == 2, qPrintable(describe(result)));
        QCOMPARE(result.out, QString());
        // One error line (log lines of the database's set-up may come before it).
        const QStringList errors = result.err.split(u'\n').filter(u"jobctl run: "_s);
        QVERIFY2(errors.size() == 1, qPrintable(result.err));
        for (const QString &message : messages)
            QVERIFY2(errors.first().contains(message), qPrintable(result.err));
    }

    // A job name nobody has is a usage error for every command that takes one: exit 2, one
    // line naming the jobs, nothing on stdout (issue 21: `history "No Such Job"` said
    // "No runs." and exited 0).
    void unknownJobIsAnErrorEverywhere_data() { jc::test::addDatabaseRowsWithMySql(); }
    void unknownJobIsAnErrorEverywhere()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        QCOMPARE(jobctl({u"--db"_s, db, u"migrate"_s}).exitCode, 0);
        for (const QString &command : {u"history"_s, u"pause"_s, u"resume"_s, u"run"_s, u"set"_s}) {
            const QStringList arguments{u"--db"_s, db, command, u"No Such Job"_s};
            const Result result = jobctl(arguments);
            QVERIFY2(result.exitCode == 2, qPrintable(describe(result)));
            QVERIFY2(result.out.isEmpty(), qPrintable(describe(result)));
            const QString expected =
                u"jobctl %1: no job named \"No Such Job\" (jobs: "_s.arg(command);
            QVERIFY2(result.err.contains(expected), qPrintable(describe(result)));
            for (const QString &job : {u"Monthly Credit Top-Up"_s, u"Orphaned Uploads Cleanup"_s,
                                       u"Stale Credit Purchase Cleanup"_s, retention})
                QVERIFY2(result.err.contains(job), qPrintable(describe(result)));
        }
    }

    // The job's slug as its log lines show it ("jc.job.history-retention"), with or without
    // the prefix, and its name in another case, name the job in every command.
    void slugNamesTheJob_data() { jc::test::addDatabaseRowsWithMySql(); }
    void slugNamesTheJob()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        QCOMPARE(jobctl({u"--db"_s, db, u"migrate"_s}).exitCode, 0);

        const Result ran = jobctl({u"--db"_s, db, u"run"_s, u"history-retention"_s, u"--wait"_s});
        QVERIFY2(ran.exitCode == 0, qPrintable(describe(ran)));
        QVERIFY2(ran.out.startsWith(retention + u": succeeded"_s), qPrintable(describe(ran)));
        const Result paused = jobctl({u"--db"_s, db, u"pause"_s, u"jc.job.history-retention"_s});
        QVERIFY2(paused.exitCode == 0, qPrintable(describe(paused)));
        QCOMPARE(paused.out, u"Paused \"History Retention\".\n"_s);
        const Result resumed = jobctl({u"--db"_s, db, u"resume"_s, u"history RETENTION"_s});
        QVERIFY2(resumed.exitCode == 0, qPrintable(describe(resumed)));
        QCOMPARE(resumed.out, u"Resumed \"History Retention\".\n"_s);
        const Result history =
            jobctl({u"--db"_s, db, u"history"_s, u"history-retention"_s, u"--json"_s});
        QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
        const QJsonArray runs = QJsonDocument::fromJson(history.out.toUtf8()).array();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().toObject().value(u"job"_s).toString(), retention);
        const Result set = jobctl({u"--db"_s, db, u"set"_s, u"history-retention"_s});
        QVERIFY2(set.exitCode == 0, qPrintable(describe(set)));
        QVERIFY2(set.out.startsWith(retention + u": "_s), qPrintable(describe(set)));
    }

    // On a terminal the progress line is redrawn in place; a log line written while it shows
    // (here a batch refused by a trigger for one of its owed users, on the run's thread) starts at
    // the left margin, with the progress erased first: it was glued to "... batches committed".
    // Under `script` (util-linux), which gives jobctl a terminal.
    void logLinesDoNotGlueToTheProgressLine()
    {
        const QString script = QStandardPaths::findExecutable(u"script"_s);
        QVERIFY2(!script.isEmpty(), "script (util-linux's bsdutils) is needed for a terminal");
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString db = folder.filePath(u"progress.db"_s);
        for (const QStringList &setup :
             {QStringList{u"--db"_s, db, u"seed"_s, u"--users"_s, u"1000"_s, u"--seed"_s, u"7"_s},
              QStringList{u"--db"_s, db, u"set"_s, u"Monthly Credit Top-Up"_s, u"--setting"_s,
                          u"batchSize=100"_s}}) {
            const Result done = jobctl(setup);
            QVERIFY2(done.exitCode == 0, qPrintable(done.err));
        }
        {
            jc::ConnectionFactory factory(jc::DatabaseUrl::parse(db).value());
            QSqlQuery query(factory.connectionForCurrentThread().value());
            QVERIFY(query.exec(u"SELECT id FROM users WHERE free_credits >= 0 AND free_credits < "
                               "monthly_credit_limit ORDER BY id LIMIT 1 OFFSET 300"_s));
            QVERIFY(query.next());
            const QString refused = query.value(0).toString();
            QVERIFY2(query.exec(u"CREATE TRIGGER refuse_one BEFORE INSERT ON credit_adjustments "
                                "WHEN NEW.user_id = '%1' BEGIN SELECT RAISE(ABORT, 'refused by "
                                "the test'); END"_s.arg(refused)),
                     qPrintable(query.lastError().text()));
        }
        const QString command = u"'%1' --db '%2' run 'Monthly Credit Top-Up' --wait"_s.arg(
            QStringLiteral(JOBCTL_PATH), db);
        const Result ran = runProcess(script, {u"-qec"_s, command, u"/dev/null"_s}, 120000);
        const QString output = ran.out + ran.err;
        const qsizetype failed = output.indexOf(u"Batch failed"_s);
        QVERIFY2(failed > 0, qPrintable(output));
        const qsizetype lineStart = output.lastIndexOf(u"jc.job"_s, failed);
        QVERIFY2(lineStart > 0, qPrintable(output));
        QVERIFY2(output.at(lineStart - 1) == u'\r' || output.at(lineStart - 1) == u'\n',
                 qPrintable(output.mid(std::max<qsizetype>(0, lineStart - 120), 240)));
        QVERIFY2(output.contains(u"of 1,000 users, "_s), qPrintable(output)); // one space
    }

    // A second pause replaces the first: its reason and end go, which the admin is told (it
    // said only "Paused", and the first pause's reason and end were gone from `list`). A
    // resume time in the past is a usage error (exit 2), as an unreadable one is (it was 1).
    void pauseSaysWhatItReplaces()
    {
        TestDatabase database(SqlDialect::Sqlite);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        QCOMPARE(jobctl({u"--db"_s, db, u"migrate"_s}).exitCode, 0);
        const Result first = jobctl({u"--db"_s, db, u"pause"_s, retention, u"--reason"_s,
                                     u"disk migration"_s, u"--until"_s, u"2099-12-10"_s});
        QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
        QVERIFY2(!first.out.contains(u"replaces"_s), qPrintable(describe(first)));
        const Result second = jobctl({u"--db"_s, db, u"pause"_s, retention});
        QVERIFY2(second.exitCode == 0, qPrintable(describe(second)));
        QVERIFY2(second.out.contains(u"It replaces the pause by "_s) &&
                     second.out.contains(u"(\"disk migration\"), which was to end 2099-12-10"_s),
                 qPrintable(describe(second)));
        const Result past =
            jobctl({u"--db"_s, db, u"pause"_s, retention, u"--until"_s, u"2020-01-01"_s});
        QCOMPARE(past.exitCode, 2);
        QVERIFY2(past.err.contains(u"--until: "_s) && past.err.contains(u"is not in the future"_s),
                 qPrintable(describe(past)));
    }

    // `migrate --dry-run` says what migrating would do and changes nothing: no table, and on
    // SQLite not a byte of the file (not even its journal mode); once migrated, nothing to do.
    void migrateDryRunChangesNothing_data() { jc::test::addDatabaseRowsWithMySql(); }
    void migrateDryRunChangesNothing()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const auto bytes = [&database] {
            QFile file(database.url().filePath());
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("unreadable");
        };
        const QByteArray before = dialect == SqlDialect::Sqlite ? bytes() : QByteArray();
        const Result dryRun = jobctl({u"--db"_s, db, u"migrate"_s, u"--dry-run"_s});
        QVERIFY2(dryRun.exitCode == 0, qPrintable(describe(dryRun)));
        QVERIFY2(dryRun.out.startsWith(u"Dry run: migrating "_s), qPrintable(describe(dryRun)));
        QVERIFY2(dryRun.out.contains(u"CREATE TABLE IF NOT EXISTS users ("_s),
                 qPrintable(describe(dryRun)));
        if (dialect == SqlDialect::Sqlite) {
            QCOMPARE(bytes(), before);
            QVERIFY(!QFile::exists(database.url().filePath() + u"-wal"_s));
        }
        {
            ConnectionFactory factory(database.url());
            QCOMPARE(factory.connectionForCurrentThread().value().tables(), QStringList());
        }
        QCOMPARE(jobctl({u"--db"_s, db, u"migrate"_s}).exitCode, 0);
        const Result nothing = jobctl({u"--db"_s, db, u"migrate"_s, u"--dry-run"_s});
        QVERIFY2(nothing.out.endsWith(u" is up to date: nothing to do.\n"_s),
                 qPrintable(describe(nothing)));
    }

    // `run` writes its result on stdout and, unless -v, no informational log lines on stderr:
    // a terminal shows the answer, not the job's diary (which history keeps).
    void runIsQuietUnlessVerbose_data() { jc::test::addDatabaseRowsWithMySql(); }
    void runIsQuietUnlessVerbose()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        QCOMPARE(jobctl({u"--db"_s, db, u"migrate"_s}).exitCode, 0);
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"QT_LOGGING_RULES"_s);

        const Result quiet =
            runProcess(QStringLiteral(JOBCTL_PATH),
                       {u"--db"_s, db, u"run"_s, retention, u"--wait"_s}, 60000, environment);
        QVERIFY2(quiet.exitCode == 0, qPrintable(describe(quiet)));
        QVERIFY2(quiet.out.startsWith(retention + u": succeeded in "_s),
                 qPrintable(describe(quiet)));
        QVERIFY2(quiet.err.isEmpty(), qPrintable(describe(quiet)));

        const Result verbose =
            runProcess(QStringLiteral(JOBCTL_PATH), {u"--db"_s, db, u"run"_s, retention, u"-v"_s},
                       60000, environment);
        QVERIFY2(verbose.exitCode == 0, qPrintable(describe(verbose)));
        QVERIFY2(verbose.out.startsWith(retention + u": succeeded in "_s),
                 qPrintable(describe(verbose)));
        QVERIFY2(verbose.err.contains(u"jc.job.history-retention: Executing job"_s),
                 qPrintable(describe(verbose)));
        QVERIFY2(!verbose.out.contains(u"Executing job"_s), qPrintable(describe(verbose)));
    }

    // Every command's --help is its own: no "--help-all" for Qt options it does not take.
    void commandHelpIsItsOwn()
    {
        for (const QString &command :
             {u"cancel"_s, u"history"_s, u"list"_s, u"migrate"_s, u"next"_s, u"pause"_s,
              u"resume"_s, u"run"_s, u"seed"_s, u"serve"_s, u"set"_s}) {
            const Result help = jobctl({command, u"--help"_s});
            QVERIFY2(help.exitCode == 0, qPrintable(describe(help)));
            QVERIFY2(help.out.startsWith(u"Usage: jobctl "_s + command), qPrintable(help.out));
            QVERIFY2(help.out.contains(u"-h, --help"_s), qPrintable(help.out));
            QVERIFY2(!help.out.contains(u"help-all"_s), qPrintable(help.out));
            QCOMPARE(jobctl({command, u"--help-all"_s}).exitCode, 2);
        }
    }

    // `jobctl run --occurrence`: the job runs as that past occurrence, recorded as a
    // backfill with who and why; `run --help` tells of it.
    void backfillIsRecorded_data() { jc::test::addDatabaseRowsWithMySql(); }
    void backfillIsRecorded()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const Result result = jobctl({u"--db"_s, urlText(database.url()), u"run"_s, retention,
                                      u"--occurrence"_s, u"2026-11-01T04:17:00+01:00"_s,
                                      u"--reason"_s, u"the server was down"_s, u"--wait"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const QList<Run> runs = runsOf(*connection, retention);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().trigger, u"backfill"_s);
        QVERIFY2(runs.first().occurrenceKey.startsWith(u"backfill:2026-11-01T03:17:00.000Z:"_s),
                 qPrintable(runs.first().occurrenceKey));
        QCOMPARE(runs.first().requestedBy, osUser());
        QCOMPARE(runs.first().reason, u"the server was down"_s);
        QCOMPARE(runs.first().status, u"succeeded"_s);

        const Result help = jobctl({u"run"_s, u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.contains(u"--occurrence <INSTANT>"_s), qPrintable(help.out));
    }

    // `jobctl set` stores validated overrides, refuses invalid ones without storing anything,
    // and every change shows in the job's history with who and what.
    void setIsRecordedAndShownInHistory_data() { jc::test::addDatabaseRowsWithMySql(); }

    // A schedule or zone change shows the next runs before and after, side by side, with the
    // ones daylight saving moves marked; one that drops or adds runs within the next 24 h is
    // saved only with --yes.
    void scheduleChangeIsShownBeforeSaving_data() { jc::test::addDatabaseRowsWithMySql(); }
    void scheduleChangeIsShownBeforeSaving()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QStringList db{u"--db"_s, urlText(database.url())};
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        const QStringList every5{u"set"_s, stale, u"--schedule"_s, u"*/5 * * * *"_s};
        Result result = jobctl(db + every5);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.out.contains(u"after the change"_s), qPrintable(describe(result)));
        // Daily at midnight -> every 5 minutes: 287 or 288 more runs in any 24 h.
        QVERIFY2(QRegularExpression(u"Within the next 24 h this change adds 28[78] run\\(s\\)"_s)
                     .match(result.out)
                     .hasMatch(),
                 qPrintable(describe(result)));
        QVERIFY2(result.err.contains(u"--yes"_s), qPrintable(describe(result)));
        result = jobctl(db + QStringList{u"set"_s, stale});
        QVERIFY2(result.out.contains(stale + u": (defaults)"_s), qPrintable(describe(result)));

        result = jobctl(db + every5 + QStringList{u"--yes"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        result = jobctl(db + QStringList{u"set"_s, stale});
        QVERIFY2(result.out.contains(u"schedule=*/5 * * * *"_s), qPrintable(describe(result)));

        // A schedule that never fires is refused, --yes or not: the top-up would never run
        // again (it was saved without even --yes).
        for (const QStringList &yes : {QStringList(), QStringList{u"--yes"_s}}) {
            result = jobctl(db +
                            QStringList{u"set"_s, u"Monthly Credit Top-Up"_s, u"--schedule"_s,
                                        u"0 0 30 2 *"_s} +
                            yes);
            QCOMPARE(result.exitCode, 2);
            QVERIFY2(result.err.contains(u"nothing was saved: \"0 0 30 2 *\" never fires"_s),
                     qPrintable(describe(result)));
        }
        result = jobctl(db + QStringList{u"set"_s, u"Monthly Credit Top-Up"_s});
        QVERIFY2(result.out.contains(u"Monthly Credit Top-Up: (defaults)"_s),
                 qPrintable(describe(result)));

        // Any ten months hold a clock change of Berlin's: its first-of-month runs are marked.
        result = jobctl(db + QStringList{u"set"_s, u"Monthly Credit Top-Up"_s, u"--tz"_s,
                                         u"Europe/Berlin"_s, u"--yes"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY2(result.out.contains(u"Europe/Berlin"_s), qPrintable(describe(result)));
        QVERIFY2(QRegularExpression(u"\\n  \\* 20\\d\\d-\\d\\d-01T00:00:00\\+0[12]:00: "_s)
                     .match(result.out)
                     .hasMatch(),
                 qPrintable(describe(result)));
    }
    void setIsRecordedAndShownInHistory()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QStringList db{u"--db"_s, urlText(database.url())};
        Result result =
            jobctl(db + QStringList{u"set"_s, retention, u"--schedule"_s, u"*/5 * * * *"_s,
                                    u"--catch-up-on-resume"_s, u"yes"_s, u"--yes"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        // What happens next, truthfully: running instances and consoles follow it within
        // their poll, nobody needs a restart, and the new schedule counts from now (issue 21).
        QVERIFY2(result.out.contains(u"within 5 s"_s), qPrintable(describe(result)));
        QVERIFY2(!result.out.contains(u"restart"_s), qPrintable(describe(result)));

        result = jobctl(db + QStringList{u"set"_s, retention, u"--catch-up-on-resume"_s, u"maybe"_s,
                                         u"--overlap"_s, u"queue"_s});
        QVERIFY2(result.exitCode != 0, qPrintable(describe(result)));
        QVERIFY2(result.err.contains(u"catchUpOnResume"_s), qPrintable(describe(result)));

        result = jobctl(db + QStringList{u"history"_s, retention});
        QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY2(result.out.contains(u"Settings changes"_s), qPrintable(describe(result)));
        // From and to the default, the log names the default's value (issue 21, item 6).
        QVERIFY2(result.out.contains(u"catchUpOnResume: no (default) → yes; schedule: 17 3 * * * "
                                     u"(default) → */5 * * * *"_s),
                 qPrintable(describe(result)));
        // The refused change was not stored: one change only, and no overlap in it.
        QCOMPARE(result.out.count(u"(default) → "_s), 2);
        QVERIFY2(!result.out.contains(u"overlap"_s), qPrintable(describe(result)));
    }
};

QTEST_GUILESS_MAIN(tst_JobctlRun)
#include "tst_jobctl_run.moc"

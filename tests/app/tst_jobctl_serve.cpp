// `jobctl serve` as an admin runs it: real processes on one real database (SQLite and
// PostgreSQL), real seconds. The soak (three instances, a per-second job, 20 s) is the
// exactly-once test of issue 3: every occurrence has one run row and ran once. Under systemd
// (issue 18): the notify protocol to a test socket, the journal's log format, bad variables.
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"

#include "ChildProcess.h"
#include "NotifyReceiver.h"
#include "OpenMetricsParser.h"
#include "TestDatabases.h"
#include "WebhookListener.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <vector>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::DatabaseUrl;
using jc::SqlDialect;
using jc::test::ChildProcess;
using jc::test::countBodies;
using jc::test::NotifyReceiver;
using jc::test::runProcess;
using jc::test::TestDatabase;
using jc::test::waitUntil;
using Result = jc::test::ProcessResult;
using jc::test::urlText;

namespace {

const QString retention = u"History Retention"_s;
constexpr int soakMSecs = 20000;
constexpr int stopMSecs = 40000;

qint64 nowMSecs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

Result jobctl(const QStringList &arguments)
{
    return runProcess(QStringLiteral(JOBCTL_PATH), arguments, 60000);
}

// This process's environment without the service manager's variables (a CI runner under
// systemd may have them), plus `assignments` ("NAME=VALUE").
QProcessEnvironment serveEnvironment(const QStringList &assignments = {})
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"})
        environment.remove(QString::fromLatin1(name));
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        environment.insert(assignment.left(equals), assignment.mid(equals + 1));
    }
    return environment;
}

// One `jobctl serve` process whose output is collected as it comes.
class Serve : public ChildProcess
{
public:
    explicit Serve(const QStringList &arguments,
                   const QProcessEnvironment &environment = serveEnvironment())
        : ChildProcess(QStringLiteral(JOBCTL_PATH), arguments, environment)
    {}
};

// "DEVICE:INODE" of a file, as systemd puts it in JOURNAL_STREAM for the journal's stream.
QString deviceAndInode(const QString &path)
{
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0)
        return {};
    return u"%1:%2"_s.arg(qulonglong(status.st_dev)).arg(qulonglong(status.st_ino));
}

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// `jobctl serve` with stderr going to a file, as it goes to the journal's stream under a
// unit; the environment names `stream` as JOURNAL_STREAM.
class JournalServe
{
public:
    JournalServe(const QString &logPath, const QString &stream, const QStringList &arguments,
                 const QStringList &assignments)
    {
        m_process.setProcessEnvironment(
            serveEnvironment(QStringList{u"JOURNAL_STREAM="_s + stream} + assignments));
        m_process.setStandardErrorFile(logPath); // truncated: same file, same inode
        m_process.start(QStringLiteral(JOBCTL_PATH), arguments);
        m_process.waitForStarted(10000);
    }
    ~JournalServe()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10000);
        }
    }
    JournalServe(const JournalServe &) = delete;
    JournalServe &operator=(const JournalServe &) = delete;

    void signal(int signalNumber) const { ::kill(pid_t(m_process.processId()), signalNumber); }
    bool waitForExit(int msecs)
    {
        return waitUntil([this] { return m_process.state() == QProcess::NotRunning; }, msecs, 10);
    }
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

private:
    QProcess m_process;
};

QStringList serveArguments(const QString &db, const QStringList &extra = {})
{
    return QStringList{u"--db"_s, db, u"serve"_s} + extra;
}

// One jc_runs row, as far as these tests look at it.
struct Row
{
    qint64 id = 0;
    QString job;
    QString trigger;
    qint64 occurrenceMs = 0;
    QString occurrenceKey;
    QString status;
    qint64 heartbeatMs = 0;
    QString error;
    QString instance;
};

QList<Row> readRows(QSqlDatabase db, const QString &where = {})
{
    QSqlQuery query(db);
    const QString sql = u"SELECT id, job_name, \"trigger\", occurrence_ms, occurrence_key, status, "
                        u"COALESCE(heartbeat_at_ms, 0), COALESCE(error, ''), "
                        u"COALESCE(instance_id, '') FROM jc_runs "_s +
                        where + u" ORDER BY occurrence_ms, id"_s;
    QList<Row> rows;
    if (!query.exec(sql)) {
        qWarning() << "Cannot read jc_runs:" << query.lastError().text();
        return rows;
    }
    while (query.next()) {
        rows.append(
            Row{query.value(0).toLongLong(), query.value(1).toString(), query.value(2).toString(),
                query.value(3).toLongLong(), query.value(4).toString(), query.value(5).toString(),
                query.value(6).toLongLong(), query.value(7).toString(), query.value(8).toString()});
    }
    return rows;
}

std::optional<Row> rowOfJob(QSqlDatabase db, const QString &job)
{
    const auto rows = readRows(db, u"WHERE job_name = '"_s + job + u"'"_s);
    if (rows.size() != 1)
        return std::nullopt;
    return rows.first();
}

// Inserts a run that some instance holds: status running, heartbeat at `heartbeatMs`.
bool insertRunning(QSqlDatabase db, const QString &job, const QString &instance, qint64 heartbeatMs)
{
    QSqlQuery query(db);
    query.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                  u"status, started_at_ms, heartbeat_at_ms, attempts, instance_id) "
                  u"VALUES (?, 'scheduled', ?, ?, 'running', ?, ?, 1, ?)"_s);
    const qint64 occurrence = heartbeatMs - 60000;
    query.addBindValue(job);
    query.addBindValue(occurrence);
    query.addBindValue(
        QDateTime::fromMSecsSinceEpoch(occurrence, Qt::UTC).toString(Qt::ISODateWithMs));
    query.addBindValue(occurrence);
    query.addBindValue(heartbeatMs);
    query.addBindValue(instance);
    if (!query.exec()) {
        qWarning() << "Cannot insert a running run:" << query.lastError().text();
        return false;
    }
    return true;
}

// GET `path` from the host and port of `url`, one request per connection as the server
// wants: the status code (0: no answer) and the body.
std::pair<int, QByteArray> httpGet(const QUrl &url, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(url.host(), quint16(url.port()));
    if (!socket.waitForConnected(5000))
        return {0, {}};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: " + url.host().toUtf8() + "\r\n\r\n");
    QByteArray received;
    while (socket.waitForReadyRead(5000))
        received += socket.readAll();
    received += socket.readAll();
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    if (!received.startsWith("HTTP/1.1 ") || headEnd < 0)
        return {0, received};
    return {received.mid(9, 3).toInt(), received.mid(headEnd + 4)};
}

} // namespace

class tst_JobctlServe : public QObject
{
    Q_OBJECT

private slots:
    void threeInstancesRunEachOccurrenceOnce_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<bool>("migrateFirst");
        QTest::newRow("sqlite, migrated first") << SqlDialect::Sqlite << true;
        QTest::newRow("sqlite, racing to migrate") << SqlDialect::Sqlite << false;
        QTest::newRow("postgresql, migrated first") << SqlDialect::Postgres << true;
        QTest::newRow("postgresql, racing to migrate") << SqlDialect::Postgres << false;
        QTest::newRow("mysql, migrated first") << SqlDialect::MySql << true;
        QTest::newRow("mysql, racing to migrate") << SqlDialect::MySql << false;
    }
    void threeInstancesRunEachOccurrenceOnce()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(bool, migrateFirst);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        if (migrateFirst) {
            const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
            QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
        }

        const QStringList schedule{u"--schedule"_s, retention + u"=* * * * * *"_s};
        std::vector<std::unique_ptr<Serve>> serves;
        for (int i = 0; i < 3; ++i)
            serves.push_back(std::make_unique<Serve>(serveArguments(db, schedule)));
        QSet<QString> instances;
        for (const auto &serve : serves) {
            QVERIFY2(serve->pid() > 0, "jobctl serve did not start");
            instances.insert(serve->hostPid());
        }
        QCOMPARE(instances.size(), 3);
        for (const auto &serve : serves)
            QVERIFY2(serve->waitForErr(u"Serving"_s, 20000), qPrintable(serve->err()));

        // The soak: real seconds are the point.
        const QDeadlineTimer soak(soakMSecs);
        while (!soak.hasExpired()) {
            QTest::qWait(250);
            for (const auto &serve : serves)
                QVERIFY2(serve->isRunning(),
                         qPrintable(u"a serve ended early:\n"_s + serve->err()));
        }
        for (const auto &serve : serves)
            serve->signal(SIGTERM);
        for (const auto &serve : serves) {
            QVERIFY2(serve->waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
            QVERIFY2(serve->exitCode() == 0, qPrintable(serve->err()));
            QCOMPARE(serve->out(), QString());
        }

        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const QList<Row> all = readRows(*connection);
        QVERIFY(!all.isEmpty());

        QList<Row> claimed; // rows that hold a real occurrence (not a coalesced-miss record)
        int succeeded = 0;
        QSet<QString> instancesThatRan;
        for (const Row &row : all) {
            QCOMPARE(row.job, retention);
            QVERIFY2(row.status != u"running"_s, qPrintable(u"run %1 left running"_s.arg(row.id)));
            QVERIFY2(instances.contains(row.instance),
                     qPrintable(u"run %1 has instance %2"_s.arg(row.id).arg(row.instance)));
            if (row.occurrenceKey.startsWith(u"skipped:"_s))
                continue;
            claimed.append(row);
            QCOMPARE(row.trigger, u"scheduled"_s);
            QCOMPARE(row.occurrenceMs % 1000, 0);
            QCOMPARE(row.occurrenceKey, QDateTime::fromMSecsSinceEpoch(row.occurrenceMs, Qt::UTC)
                                            .toString(Qt::ISODateWithMs));
            if (row.status == u"succeeded"_s) {
                ++succeeded;
                instancesThatRan.insert(row.instance);
            }
        }
        QSqlQuery distinct(*connection);
        QVERIFY(distinct.exec(u"SELECT COUNT(*), COUNT(DISTINCT occurrence_key), "
                              u"COUNT(DISTINCT occurrence_ms) FROM jc_runs WHERE occurrence_key "
                              u"NOT LIKE 'skipped:%'"_s));
        QVERIFY(distinct.next());
        QCOMPARE(distinct.value(0).toLongLong(), qint64(claimed.size()));
        QCOMPARE(distinct.value(1).toLongLong(), qint64(claimed.size()));
        QCOMPARE(distinct.value(2).toLongLong(), qint64(claimed.size()));

        QVERIFY2(succeeded >= 15, qPrintable(u"only %1 succeeded runs"_s.arg(succeeded)));
        QVERIFY2(instancesThatRan.size() >= 2,
                 qPrintable(u"only %1 ran anything"_s.arg(
                     QStringList(instancesThatRan.values()).join(u", "_s))));

        QStringList gaps;
        for (qsizetype i = 1; i < claimed.size(); ++i) {
            const qint64 step = claimed.at(i).occurrenceMs - claimed.at(i - 1).occurrenceMs;
            if (step != 1000)
                gaps.append(u"%1 ms before %2"_s.arg(step).arg(claimed.at(i).occurrenceKey));
        }
        QVERIFY2(gaps.size() <= 2, qPrintable(u"gaps: "_s + gaps.join(u"; "_s)));

        // Ran once: across the three logs, each claimed occurrence's body started exactly once
        // when it ran (succeeded or failed) and never when it was recorded missed.
        std::map<qint64, int> bodies;
        for (const auto &serve : serves)
            countBodies(serve->err(), bodies);
        for (const Row &row : std::as_const(claimed)) {
            const int expected = row.status == u"missed"_s ? 0 : 1;
            const auto found = bodies.find(row.occurrenceMs);
            const int started = found == bodies.end() ? 0 : found->second;
            QVERIFY2(started == expected, qPrintable(u"occurrence %1 (%2): %3 bodies started"_s
                                                         .arg(row.occurrenceKey, row.status)
                                                         .arg(started)));
        }
        for (const auto &[occurrence, started] : bodies)
            QVERIFY2(started <= 1,
                     qPrintable(u"occurrence %1 started %2 bodies"_s.arg(occurrence).arg(started)));
        qInfo("%lld claimed occurrences, %d succeeded, %lld rows, %lld instances ran, %lld gaps",
              qint64(claimed.size()), succeeded, qint64(all.size()),
              qint64(instancesThatRan.size()), qint64(gaps.size()));
    }

    // --alert-webhook (issue 18): three instances on one database, a job that fails every
    // second; the webhook receives one POST per failed run, whichever instance ran it, one for
    // a stretch without success that all three find, and each alert is on record once.
    void threeInstancesPostEachAlertOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void threeInstancesPostEachAlertOnce()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        jc::test::WebhookListener hook({200});
        const QString cleanup = u"Orphaned Uploads Cleanup"_s;
        // A job whose last success (a manual run: no catch-up follows) is 2 h old, with a rule
        // of 1 h: every instance finds the stretch at its first sweep, one posts it.
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        const Result set =
            jobctl({u"--db"_s, db, u"set"_s, stale, u"--setting"_s, u"alertNoSuccessHours=1"_s});
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
        {
            ConnectionFactory seeding(database.url());
            const auto connection = seeding.connectionForCurrentThread();
            QVERIFY(connection);
            QSqlQuery insert(*connection);
            insert.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                           u"occurrence_key, status, started_at_ms, finished_at_ms, attempts) "
                           u"VALUES (?, 'manual', ?, 'manual:1', 'succeeded', ?, ?, 1)"_s);
            const qint64 twoHoursAgo = nowMSecs() - 2 * 3600 * 1000;
            for (const QVariant &value : {QVariant(stale), QVariant(twoHoursAgo),
                                          QVariant(twoHoursAgo), QVariant(twoHoursAgo + 1000)})
                insert.addBindValue(value);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
        const QStringList arguments{u"--schedule"_s, cleanup + u"=* * * * * *"_s,
                                    u"--alert-webhook"_s, hook.url().toString()};
        std::vector<std::unique_ptr<Serve>> serves;
        for (int i = 0; i < 3; ++i)
            serves.push_back(std::make_unique<Serve>(
                serveArguments(db, arguments),
                serveEnvironment({u"UPLOADS_DIR="_s + folder.filePath(u"missing"_s)})));
        for (const auto &serve : serves)
            QVERIFY2(serve->waitForErr(u"Serving"_s, 20000), qPrintable(serve->err()));
        QVERIFY2(waitUntil([&] { return hook.requests().size() >= 4; }, 20000),
                 qPrintable(serves.front()->err()));
        for (const auto &serve : serves)
            serve->signal(SIGTERM);
        for (const auto &serve : serves) {
            QVERIFY2(serve->waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
            QVERIFY2(serve->exitCode() == 0, qPrintable(serve->err()));
        }

        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY(connection);
        QSqlQuery failed(*connection);
        QVERIFY(failed.exec(u"SELECT id FROM jc_runs WHERE status = 'failed' AND job_name = "
                            u"'Orphaned Uploads Cleanup'"_s));
        QSet<qint64> failedRuns;
        while (failed.next())
            failedRuns.insert(failed.value(0).toLongLong());
        QSet<qint64> postedRuns;
        QSet<QString> events;
        QSet<QString> senders;
        int noSuccess = 0;
        for (const auto &request : hook.requests()) {
            const QJsonObject alert = request.json();
            const QString event = alert.value(u"kind"_s).toString() + u':' +
                                  alert.value(u"run_id"_s).toVariant().toString() + u':' +
                                  alert.value(u"occurrence"_s).toString();
            QVERIFY2(!events.contains(event), qPrintable(u"posted twice: "_s + event));
            events.insert(event);
            senders.insert(alert.value(u"instance"_s).toString());
            if (alert.value(u"kind"_s).toString() == u"no_success"_s) {
                ++noSuccess;
                QCOMPARE(alert.value(u"job"_s).toString(), stale);
                QVERIFY2(alert.value(u"text"_s).toString().contains(u"last success"_s),
                         qPrintable(alert.value(u"text"_s).toString()));
            }
            if (alert.value(u"kind"_s).toString() != u"failed"_s)
                continue;
            QCOMPARE(alert.value(u"job"_s).toString(), cleanup);
            QVERIFY2(alert.value(u"text"_s).toString().startsWith(cleanup + u" failed"_s),
                     qPrintable(alert.value(u"text"_s).toString()));
            postedRuns.insert(alert.value(u"run_id"_s).toInteger());
        }
        QCOMPARE(postedRuns, failedRuns);
        QCOMPARE(noSuccess, 1);
        QSqlQuery recorded(*connection);
        QVERIFY(recorded.exec(u"SELECT COUNT(*) FROM jc_alerts"_s) && recorded.next());
        QCOMPARE(recorded.value(0).toLongLong(), qint64(hook.requests().size()));
        qInfo("%lld failed runs, %lld POSTs, from %lld instances", qint64(failedRuns.size()),
              qint64(hook.requests().size()), qint64(senders.size()));
    }

    // --metrics: the URL is logged, /metrics answers OpenMetrics text with every family, and a
    // per-second job's runs show up in it; anything else is 404.
    void servesMetrics_data() { jc::test::addDatabaseRowsWithMySql(); }
    void servesMetrics()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        // A success on record from before this serve, of a job that will not run while it
        // serves (due on February 29th only): its last success is the recorded one.
        const Result migrated = jobctl({u"--db"_s, urlText(database.url()), u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        const qint64 recordedMSecs = nowMSecs() / 1000 * 1000 - 3'600'000;
        {
            ConnectionFactory factory(database.url());
            const auto connection = factory.connectionForCurrentThread();
            QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
            QSqlQuery insert(*connection);
            QVERIFY(insert.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                                   u"occurrence_key, status, started_at_ms, finished_at_ms, "
                                   u"attempts, instance_id) VALUES (?, 'scheduled', ?, 'k1', "
                                   u"'succeeded', ?, ?, 1, 'earlier:1')"_s));
            insert.addBindValue(stale);
            insert.addBindValue(recordedMSecs - 5000);
            insert.addBindValue(recordedMSecs - 5000);
            insert.addBindValue(recordedMSecs);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
        // --lease 2: a heartbeat every 0.5 s, so the lease's gauges have a value soon.
        Serve serve(serveArguments(urlText(database.url()),
                                   {u"--schedule"_s, retention + u"=* * * * * *"_s, u"--schedule"_s,
                                    stale + u"=0 0 29 2 *"_s, u"--lease"_s, u"2"_s, u"--metrics"_s,
                                    u"127.0.0.1:0"_s}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(serve.waitForErr(u"Serving"_s, 20000), qPrintable(serve.err()));
        static const QRegularExpression logged(
            u"jc\\.metrics: Metrics at (http://127\\.0\\.0\\.1:([0-9]+)/metrics)\n"_s);
        const auto match = logged.match(serve.err());
        QVERIFY2(match.hasMatch(), qPrintable(serve.err()));
        const QUrl url(match.captured(1));
        QVERIFY(match.captured(2).toInt() > 0);

        const jc::test::Labels succeeded{{u"job"_s, retention}, {u"outcome"_s, u"succeeded"_s}};
        jc::test::Exposition parsed;
        QVERIFY2(waitUntil(
                     [&] {
                         const auto [status, body] = httpGet(url, "/metrics");
                         parsed = jc::test::parseOpenMetrics(body);
                         return status == 200 &&
                                parsed.value(u"jobconsole_runs_total"_s, succeeded).value_or(0) >=
                                    1 &&
                                parsed.value(u"jobconsole_lease_renewal_ok"_s).has_value();
                     },
                     20000),
                 qPrintable(parsed.error + u"\n"_s + serve.err()));
        QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
        for (const char *family :
             {"jobconsole_instance", "jobconsole_scheduler_up", "jobconsole_lease_renewal_ok",
              "jobconsole_lease_renewed_timestamp_seconds", "jobconsole_last_run_timestamp_seconds",
              "jobconsole_last_success_timestamp_seconds", "jobconsole_next_run_timestamp_seconds",
              "jobconsole_running", "jobconsole_runs", "jobconsole_missed_occurrences",
              "jobconsole_run_duration_seconds"})
            QVERIFY2(parsed.family(QString::fromLatin1(family)), family);
        QCOMPARE(parsed.value(u"jobconsole_scheduler_up"_s), 1.0);
        QCOMPARE(parsed.value(u"jobconsole_lease_renewal_ok"_s), 1.0);
        QCOMPARE(parsed.samples(u"jobconsole_instance_info"_s, {{u"instance"_s, serve.hostPid()}})
                     .size(),
                 1);
        // The four catalog jobs, each with every outcome.
        QCOMPARE(parsed.samples(u"jobconsole_runs_total"_s, {{u"outcome"_s, u"failed"_s}}).size(),
                 4);
        const double now = double(nowMSecs()) / 1000;
        const auto lastSuccess =
            parsed.value(u"jobconsole_last_success_timestamp_seconds"_s, {{u"job"_s, retention}});
        QVERIFY(lastSuccess && *lastSuccess > now - 30 && *lastSuccess <= now + 1);
        const auto nextRun =
            parsed.value(u"jobconsole_next_run_timestamp_seconds"_s, {{u"job"_s, retention}});
        QVERIFY(nextRun && *nextRun > now - 2 && *nextRun <= now + 2);
        // After a restart, not unknown until the job runs again.
        QCOMPARE(parsed.value(u"jobconsole_last_success_timestamp_seconds"_s, {{u"job"_s, stale}}),
                 double(recordedMSecs) / 1000);
        QCOMPARE(parsed.value(u"jobconsole_last_run_timestamp_seconds"_s, {{u"job"_s, stale}}),
                 double(recordedMSecs) / 1000);
        QCOMPARE(httpGet(url, "/").first, 404);

        serve.signal(SIGTERM);
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
        QVERIFY2(serve.exitCode() == 0, qPrintable(serve.err()));
        QCOMPARE(serve.out(), QString());
    }

    // A crashed instance stops heartbeating; its runs are interrupted once the lease (60 s)
    // has expired, by whoever looks next: a starting serve at once, a running one at its
    // heartbeat (every 15 s). Live runs of other instances are left alone.
    void killedInstanceIsInterruptedAfterLease_data() { jc::test::addDatabaseRowsWithMySql(); }
    void killedInstanceIsInterruptedAfterLease()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        const qint64 start = nowMSecs();
        // crashy: this serve's own name, stale; dead: another instance, stale; fading: still
        // within its lease at start-up, expired by the serve's first heartbeat; other: alive.
        QVERIFY(insertRunning(*connection, u"Crashy Job"_s, u"crashy"_s, start - 120000));
        QVERIFY(insertRunning(*connection, u"Dead Job"_s, u"dead-host:1"_s, start - 120000));
        QVERIFY(insertRunning(*connection, u"Fading Job"_s, u"fading-host:2"_s, start - 50000));
        QVERIFY(insertRunning(*connection, u"Other Job"_s, u"other"_s, start - 5000));
        // A run of a real job whose instance died: marked interrupted, and alerted (issue 18).
        const QString stale = u"Stale Credit Purchase Cleanup"_s;
        QVERIFY(insertRunning(*connection, stale, u"dead-host:3"_s, start - 120000));
        jc::test::WebhookListener hook({200});

        Serve serve(serveArguments(
            db, {u"--instance"_s, u"crashy"_s, u"--alert-webhook"_s, hook.url().toString()}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(serve.waitForErr(u"Serving"_s, 20000), qPrintable(serve.err()));

        const auto statusOf = [&](const QString &job) {
            const auto row = rowOfJob(*connection, job);
            return row ? row->status : QString();
        };
        QVERIFY2(waitUntil(
                     [&] {
                         return statusOf(u"Crashy Job"_s) == u"interrupted"_s &&
                                statusOf(u"Dead Job"_s) == u"interrupted"_s;
                     },
                     5000),
                 qPrintable(serve.err()));
        const auto crashy = rowOfJob(*connection, u"Crashy Job"_s);
        QVERIFY(crashy);
        QVERIFY2(crashy->error.contains(u"restarted"_s) || crashy->error.contains(u"lease"_s),
                 qPrintable(crashy->error));
        const auto dead = rowOfJob(*connection, u"Dead Job"_s);
        QVERIFY(dead);
        QVERIFY2(dead->error.contains(u"lease"_s), qPrintable(dead->error));
        QCOMPARE(statusOf(u"Fading Job"_s), u"running"_s); // 50 s old: still within the lease
        QCOMPARE(statusOf(u"Other Job"_s), u"running"_s);
        QVERIFY2(waitUntil([&] { return !hook.requests().isEmpty(); }, 10000),
                 qPrintable(serve.err()));
        const QJsonObject alert = hook.requests().constFirst().json();
        QCOMPARE(alert.value(u"job"_s).toString(), stale);
        QCOMPARE(alert.value(u"kind"_s).toString(), u"interrupted"_s);
        QCOMPARE(alert.value(u"run_id"_s).toInteger(), rowOfJob(*connection, stale)->id);
        QVERIFY2(alert.value(u"message"_s).toString().contains(u"lease"_s),
                 qPrintable(alert.value(u"text"_s).toString()));

        // The first heartbeat (15 s after start) sweeps again: fading's lease ran out at
        // start + 10 s. Bounded: 15 s plus slack.
        QVERIFY2(waitUntil([&] { return statusOf(u"Fading Job"_s) == u"interrupted"_s; }, 20000),
                 qPrintable(u"Fading Job was not interrupted by the heartbeat; serve said:\n"_s +
                            serve.err()));
        QVERIFY(nowMSecs() >= start + 10000);
        const auto fading = rowOfJob(*connection, u"Fading Job"_s);
        QVERIFY(fading);
        QVERIFY2(fading->error.contains(u"lease"_s), qPrintable(fading->error));
        const auto other = rowOfJob(*connection, u"Other Job"_s);
        QVERIFY(other);
        QCOMPARE(other->status, u"running"_s);
        QCOMPARE(other->heartbeatMs, start - 5000); // not this instance's to refresh
        QCOMPARE(other->instance, u"other"_s);

        serve.signal(SIGTERM);
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
        QCOMPARE(serve.exitCode(), 0);
        QCOMPARE(statusOf(u"Other Job"_s), u"running"_s);
        // Swept again at every heartbeat: still one alert for the run.
        QCOMPARE(hook.requests().size(), 1);
    }

    // An instance with a stable name that restarts marks its own left-over runs interrupted
    // at once, without waiting for the lease: it knows they cannot be going any more.
    void restartedInstanceRecoversItsOwnRuns_data() { jc::test::addDatabaseRowsWithMySql(); }
    void restartedInstanceRecoversItsOwnRuns()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        const qint64 start = nowMSecs();
        QVERIFY(insertRunning(*connection, u"Own Job"_s, u"restarted"_s, start - 1000));
        QVERIFY(insertRunning(*connection, u"Bystander Job"_s, u"bystander"_s, start - 1000));

        Serve serve(serveArguments(db, {u"--instance"_s, u"restarted"_s}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(serve.waitForErr(u"Serving"_s, 20000), qPrintable(serve.err()));
        QVERIFY2(waitUntil(
                     [&] {
                         const auto row = rowOfJob(*connection, u"Own Job"_s);
                         return row && row->status == u"interrupted"_s;
                     },
                     5000),
                 qPrintable(serve.err()));
        const auto own = rowOfJob(*connection, u"Own Job"_s);
        QVERIFY(own);
        QVERIFY2(own->error.contains(u"restarted"_s), qPrintable(own->error));
        const auto bystander = rowOfJob(*connection, u"Bystander Job"_s);
        QVERIFY(bystander);
        QCOMPARE(bystander->status, u"running"_s);
        // Said once, in words ("marked 1 runs interrupted" came twice, once per layer).
        QCOMPARE(serve.err().count(u"dead or restarted"_s), 1);
        QVERIFY2(
            serve.err().contains(u"Marked 1 run of a dead or restarted instance interrupted"_s),
            qPrintable(serve.err()));

        serve.signal(SIGTERM);
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
        QCOMPARE(serve.exitCode(), 0);
    }

    void stopsGracefullyOnSignal_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<int>("signalNumber");
        QTest::newRow("sqlite, SIGTERM") << SqlDialect::Sqlite << SIGTERM;
        QTest::newRow("sqlite, SIGINT") << SqlDialect::Sqlite << SIGINT;
        QTest::newRow("postgresql, SIGTERM") << SqlDialect::Postgres << SIGTERM;
        QTest::newRow("postgresql, SIGINT") << SqlDialect::Postgres << SIGINT;
        QTest::newRow("mysql, SIGTERM") << SqlDialect::MySql << SIGTERM;
        // A closed SSH session's: it killed serve at once, its run left `running`.
        QTest::newRow("sqlite, SIGHUP") << SqlDialect::Sqlite << SIGHUP;
        QTest::newRow("mysql, SIGHUP") << SqlDialect::MySql << SIGHUP;
    }
    void stopsGracefullyOnSignal()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(int, signalNumber);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        Serve serve(serveArguments(urlText(database.url()),
                                   {u"--schedule"_s, retention + u"=* * * * * *"_s}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(serve.waitForErr(u"Serving"_s, 20000), qPrintable(serve.err()));
        QTest::qWait(2500); // let a run or two happen
        serve.signal(signalNumber);
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of the signal");
        QVERIFY2(serve.exitCode() == 0, qPrintable(serve.err()));
        QCOMPARE(serve.out(), QString()); // logs go to stderr; stdout stays clean
        QVERIFY2(serve.err().contains(u"Received signal %1"_s.arg(signalNumber)),
                 qPrintable(serve.err()));

        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        const auto rows = readRows(*connection);
        QVERIFY2(!rows.isEmpty(), "no run recorded in 2.5 s of a per-second schedule");
        for (const Row &row : rows)
            QVERIFY2(row.status != u"running"_s, qPrintable(u"run %1 left running"_s.arg(row.id)));
    }

    // `systemctl stop` after an impatient Ctrl+C, or two SIGTERMs: the top-up is stuck in a
    // statement (the test holds its users' row locks), so the stop deadline (1 s) passes and
    // the run is abandoned: exit 1, whatever signal comes while stopping. Before, the second
    // signal was handled again, found the scheduler stopped, called that clean and exited 0.
    void aSecondSignalKeepsTheExitStatus_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::newRow("postgresql") << SqlDialect::Postgres;
        QTest::newRow("mysql") << SqlDialect::MySql;
    }
    void aSecondSignalKeepsTheExitStatus()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        const Result seeded = jobctl({u"--db"_s, db, u"seed"_s, u"--users"_s, u"50"_s});
        QVERIFY2(seeded.exitCode == 0, qPrintable(seeded.err));
        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        QSqlDatabase locker = *connection;
        QVERIFY(locker.transaction());
        QSqlQuery lock(locker);
        QVERIFY2(lock.exec(u"SELECT id FROM users FOR UPDATE"_s),
                 qPrintable(lock.lastError().text()));
        const QString topUp = u"Monthly Credit Top-Up"_s;
        Serve serve(serveArguments(
            db, {u"--schedule"_s, topUp + u"=* * * * * *"_s, u"--stop-deadline"_s, u"1"_s}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(serve.waitForErr(u"Serving"_s, 20000), qPrintable(serve.err()));
        QVERIFY2(serve.waitForErr(u"Executing job"_s, 20000), qPrintable(serve.err()));
        QTest::qWait(300); // into its first batch, which waits for the locks

        serve.signal(SIGTERM);
        QVERIFY2(serve.waitForErr(u"- stopping"_s, 10000), qPrintable(serve.err()));
        serve.signal(SIGINT);
        QVERIFY2(serve.waitForErr(u"while stopping - ignored"_s, 10000), qPrintable(serve.err()));
        const bool exited = serve.waitForExit(stopMSecs);
        locker.rollback(); // lets the abandoned statement end, whatever happened
        QVERIFY2(exited || serve.waitForExit(stopMSecs), qPrintable(serve.err()));
        QVERIFY2(serve.exitCode() == 1, qPrintable(serve.err()));
        QVERIFY2(serve.err().contains(u"abandoned"_s), qPrintable(serve.err()));
    }

    // Type=notify: READY=1 once the database is open (this instance is registered in it),
    // with a STATUS= line naming the next job; WATCHDOG=1 every half of WATCHDOG_USEC (200 ms
    // here) while it runs; STOPPING=1 on SIGTERM, after which the pings stop. The socket is a
    // path or an abstract name.
    void notifiesTheServiceManager_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<bool>("abstract");
        QTest::newRow("sqlite, socket path") << SqlDialect::Sqlite << false;
        QTest::newRow("sqlite, abstract socket") << SqlDialect::Sqlite << true;
        QTest::newRow("postgresql, socket path") << SqlDialect::Postgres << false;
        QTest::newRow("mysql, socket path") << SqlDialect::MySql << false;
    }
    void notifiesTheServiceManager()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(bool, abstract);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QByteArray name =
            abstract ? "@jc-tst-serve-" + QByteArray::number(QCoreApplication::applicationPid())
                     : QFile::encodeName(folder.filePath(u"notify"_s));
        NotifyReceiver receiver(name);
        QVERIFY(receiver.isBound());

        Serve serve(
            serveArguments(urlText(database.url())),
            serveEnvironment({u"NOTIFY_SOCKET="_s + receiver.name(), u"WATCHDOG_USEC=200000"_s}));
        QVERIFY2(serve.pid() > 0, "jobctl serve did not start");
        QVERIFY2(waitUntil([&] { return receiver.hasLine("READY=1"); }, 20000),
                 qPrintable(serve.err()));

        ConnectionFactory factory(database.url());
        const auto connection = factory.connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));
        QSqlQuery registered(*connection);
        registered.prepare(u"SELECT COUNT(*) FROM jc_instances WHERE instance_id = ?"_s);
        registered.addBindValue(serve.hostPid());
        QVERIFY2(registered.exec() && registered.next(), qPrintable(registered.lastError().text()));
        QCOMPARE(registered.value(0).toInt(), 1);

        const QList<QByteArray> early = receiver.datagrams();
        const auto ready = std::find_if(early.cbegin(), early.cend(), [](const QByteArray &d) {
            return d.startsWith("READY=1\n");
        });
        QVERIFY(ready != early.cend());
        static const QRegularExpression status(
            u"^STATUS=4 jobs, next: (Monthly Credit Top-Up|Stale Credit Purchase Cleanup|"
            u"Orphaned Uploads Cleanup|History Retention)( and [A-Za-z -]+)? at "
            u"(\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d$"_s);
        const QString readyStatus = QString::fromUtf8(ready->split('\n').value(1));
        QVERIFY2(status.match(readyStatus).hasMatch(), qPrintable(readyStatus));
        for (auto it = early.cbegin(); it != ready; ++it) // before READY: no pings
            QVERIFY2(!it->contains("WATCHDOG=1"), it->constData());

        QVERIFY2(waitUntil([&] { return receiver.count("WATCHDOG=1") >= 3; }, 10000),
                 qPrintable(u"pings: %1"_s.arg(receiver.count("WATCHDOG=1"))));
        QVERIFY(!receiver.hasLine("STOPPING=1"));
        serve.signal(SIGTERM);
        QVERIFY2(waitUntil([&] { return receiver.hasLine("STOPPING=1"); }, 10000),
                 qPrintable(serve.err()));
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
        QVERIFY2(serve.exitCode() == 0, qPrintable(serve.err()));
        const QList<QByteArray> lines = receiver.lines();
        const qsizetype stopping = lines.indexOf("STOPPING=1");
        QVERIFY2(!lines.mid(stopping).contains("WATCHDOG=1"), "a ping after STOPPING=1");
        QVERIFY2(lines.value(stopping + 1).startsWith("STATUS=Stopping"),
                 lines.value(stopping + 1).constData());
    }

    // With stderr being the journal's stream (JOURNAL_STREAM names its device and inode),
    // every line starts with its syslog priority and carries no timestamp of its own, even
    // with QT_MESSAGE_PATTERN asking for one; a stderr that is not that stream (the variable
    // inherited, the output redirected) keeps the usual format.
    void logsForTheJournal_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<bool>("isTheStream");
        QTest::newRow("sqlite") << SqlDialect::Sqlite << true;
        QTest::newRow("postgresql") << SqlDialect::Postgres << true;
        QTest::newRow("mysql") << SqlDialect::MySql << true;
        QTest::newRow("sqlite, stderr redirected elsewhere") << SqlDialect::Sqlite << false;
    }
    void logsForTheJournal()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(bool, isTheStream);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString log = folder.filePath(u"stderr.log"_s);
        QVERIFY(QFile(log).open(QIODevice::WriteOnly));
        const QString stream = deviceAndInode(isTheStream ? log : folder.path());
        QVERIFY(!stream.isEmpty());

        // A failing per-second job gives warnings (<4>) beside the info lines (<6>).
        JournalServe serve(
            log, stream,
            serveArguments(urlText(database.url()),
                           {u"--schedule"_s, u"Orphaned Uploads Cleanup=* * * * * *"_s}),
            {u"UPLOADS_DIR="_s + folder.filePath(u"missing"_s),
             u"QT_MESSAGE_PATTERN=%{time yyyy-MM-ddThh:mm:ss} %{category}: %{message}"_s});
        QVERIFY2(
            waitUntil([&] { return readText(log).contains(u"Job execution failed"_s); }, 20000),
            qPrintable(readText(log)));
        serve.signal(SIGTERM);
        QVERIFY2(serve.waitForExit(stopMSecs), "serve did not stop within 40 s of SIGTERM");
        QCOMPARE(serve.exitCode(), 0);

        // Every line: priority, category, message (all of serve's lines have a jc.* category).
        const QStringList lines = readText(log).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 3);
        static const QRegularExpression journalLine(u"^<[0-7]>jc\\.[a-z.-]+: [^<\\d]"_s);
        static const QRegularExpression timestamped(
            u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d "_s);
        for (const QString &line : lines) {
            if (isTheStream)
                QVERIFY2(journalLine.match(line).hasMatch(), qPrintable(line));
            else
                QVERIFY2(timestamped.match(line).hasMatch(), qPrintable(line));
        }
        const QString text = lines.join(u'\n');
        if (isTheStream) {
            QVERIFY2(text.contains(u"<6>jc.scheduler: Serving "_s), qPrintable(text));
            QVERIFY2(text.contains(u"<4>jc.job.orphaned-uploads-cleanup: Job execution failed"_s),
                     qPrintable(text));
            QVERIFY2(text.contains(u"<6>jc.scheduler: Received signal 15"_s), qPrintable(text));
        }
    }

    // A command's own error line goes to the journal as an error (<3>).
    void refusalIsAnErrorInTheJournal()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString log = folder.filePath(u"stderr.log"_s);
        QVERIFY(QFile(log).open(QIODevice::WriteOnly));
        JournalServe serve(
            log, deviceAndInode(log),
            serveArguments(u"sqlite:"_s + folder.filePath(u"x.db"_s), {u"--tz"_s, u"Mars/Base"_s}),
            {});
        QVERIFY(serve.waitForExit(30000));
        QCOMPARE(serve.exitCode(), 2);
        QCOMPARE(readText(log), u"<3>jobctl serve: --tz: unknown time zone \"Mars/Base\" (use an "
                                u"IANA name such as Europe/Berlin or Pacific/Auckland, or UTC; "
                                u"`timedatectl list-timezones` lists them)\n"_s);
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<QString>("db");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("environment");
        // "{sqlite}" is replaced by a fresh SQLite database, "{garbage}" by a file of junk,
        // "{missing}" by a path where there is no file (and must be none after).
        QTest::newRow("unknown job")
            << u"{sqlite}"_s << QStringList{u"--schedule"_s, u"Nope=* * * * *"_s} << 2
            << u"no job named \"Nope\""_s << QStringList{};
        QTest::newRow("minute out of range")
            << u"{sqlite}"_s << QStringList{u"--schedule"_s, retention + u"=61 * * * *"_s} << 2
            << u"minute: 61 is out of range 0-59"_s << QStringList{};
        QTest::newRow("no '='") << u"{sqlite}"_s << QStringList{u"--schedule"_s, u"daily"_s} << 2
                                << u"expected JOB=EXPR"_s << QStringList{};
        QTest::newRow("unknown zone") << u"{sqlite}"_s << QStringList{u"--tz"_s, u"Mars/Base"_s}
                                      << 2 << u"unknown time zone \"Mars/Base\""_s << QStringList{};
        QTest::newRow("bad stop deadline")
            << u"{sqlite}"_s << QStringList{u"--stop-deadline"_s, u"soon"_s} << 2
            << u"--stop-deadline: \"soon\""_s << QStringList{};
        // A script's unset variable: it became host:pid, silently.
        QTest::newRow("empty instance name") << u"{sqlite}"_s << QStringList{u"--instance"_s, u""_s}
                                             << 2 << u"--instance needs a name"_s << QStringList{};
        QTest::newRow("unknown option") << u"{sqlite}"_s << QStringList{u"--bogus"_s} << 2
                                        << u"Unknown option 'bogus'"_s << QStringList{};
        QTest::newRow("not a database file") << u"{garbage}"_s << QStringList{} << 1
                                             << u"is not a SQLite database"_s << QStringList{};
        QTest::newRow("unreachable server")
            << u"postgresql://nobody@127.0.0.1:1/x"_s << QStringList{} << 1
            << u"PostgreSQL at 127.0.0.1 port 1 is unreachable"_s << QStringList{};
        // Values systemd never sets: refused before the database is opened, not a start-up
        // that hangs until systemd's timeout.
        QTest::newRow("relative NOTIFY_SOCKET")
            << u"{sqlite}"_s << QStringList{} << 2
            << u"NOTIFY_SOCKET: \"notify\" is neither an absolute path nor an abstract socket "
               u"name"_s
            << QStringList{u"NOTIFY_SOCKET=notify"_s};
        QTest::newRow("WATCHDOG_USEC not a number")
            << u"{sqlite}"_s << QStringList{} << 2
            << u"WATCHDOG_USEC: \"30s\" is not a positive number of microseconds"_s
            << QStringList{u"NOTIFY_SOCKET=/run/nowhere/notify"_s, u"WATCHDOG_USEC=30s"_s};
        QTest::newRow("alert webhook: not a URL")
            << u"{sqlite}"_s << QStringList{u"--alert-webhook"_s, u"hooks.example.org/x"_s} << 2
            << u"--alert-webhook: \"hooks.example.org/x\" is not an http:// or https:// URL "
               u"with a host"_s
            << QStringList{};
        // --metrics: parsed and bound before the database is opened.
        QTest::newRow("metrics: not an address")
            << u"{sqlite}"_s << QStringList{u"--metrics"_s, u"nonsense"_s} << 2
            << u"--metrics: \"nonsense\" is not HOST:PORT (e.g. 127.0.0.1:9100, [::1]:9100 or "
               u":9100)"_s
            << QStringList{};
        QTest::newRow("metrics: port out of range")
            << u"{sqlite}"_s << QStringList{u"--metrics"_s, u"127.0.0.1:99999"_s} << 2
            << u"--metrics: port 99999 is out of range 0-65535"_s << QStringList{};
        QTest::newRow("metrics: port in use")
            << u"{missing}"_s << QStringList{u"--metrics"_s, u"127.0.0.1:{bound}"_s} << 2
            << u"--metrics: cannot listen on 127.0.0.1:{bound}: address in use; choose another "
               u"port"_s
            << QStringList{};
        QTest::newRow("metrics: not this machine's address")
            << u"{sqlite}"_s << QStringList{u"--metrics"_s, u"192.0.2.1:9100"_s} << 2
            << u"--metrics: cannot listen on 192.0.2.1:9100: not an address of this machine"_s
            << QStringList{};
    }
    void badInputIsRefused()
    {
        QFETCH(QString, db);
        QFETCH(QStringList, arguments);
        // "{bound}" in an argument: the port of a socket this test listens on.
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        for (QString &argument : arguments)
            argument.replace(u"{bound}"_s, QString::number(taken.serverPort()));
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QFETCH(QStringList, environment);
        message.replace(u"{bound}"_s, QString::number(taken.serverPort()));
        TestDatabase sqlite(SqlDialect::Sqlite);
        QVERIFY2(sqlite.isReady(), qPrintable(sqlite.error()));
        const QByteArray garbage =
            QByteArray("This is not a database, just some text.\n").repeated(100);
        const QString garbagePath = sqlite.folder() + u"/garbage.db"_s;
        if (db == u"{garbage}"_s) {
            QFile file(garbagePath);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(garbage), qint64(garbage.size()));
            file.close();
            db = u"sqlite:"_s + garbagePath;
        } else if (db == u"{sqlite}"_s) {
            db = urlText(sqlite.url());
        }
        const QString missingPath = sqlite.folder() + u"/missing.db"_s;
        if (db == u"{missing}"_s)
            db = u"sqlite:"_s + missingPath;

        QProcess process;
        process.setProcessEnvironment(serveEnvironment(environment));
        process.start(QStringLiteral(JOBCTL_PATH), serveArguments(db, arguments));
        QVERIFY(process.waitForStarted(10000));
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            QFAIL("jobctl serve did not refuse within 30 s: it should never have started");
        }
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == exitCode,
                 qPrintable(u"exit %1: %2"_s.arg(process.exitCode()).arg(err)));
        QCOMPARE(out, QString());
        // One error line (log lines of the database's set-up may come before it).
        const QStringList errors = err.split(u'\n').filter(u"jobctl serve: "_s);
        QVERIFY2(errors.size() == 1, qPrintable(err));
        QVERIFY2(errors.first().contains(message), qPrintable(err));
        // Refused before opening it: TestDatabase's file is still the empty one it made.
        if (exitCode == 2 && db == urlText(sqlite.url()))
            QVERIFY2(QFileInfo(sqlite.url().filePath()).size() == 0, "the database was written");
        QVERIFY2(!QFileInfo::exists(missingPath), "a database was created");
        if (db.endsWith(u"garbage.db"_s)) { // nothing written into a file that is not ours
            QFile file(garbagePath);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.readAll(), garbage);
        }
    }
};

QTEST_GUILESS_MAIN(tst_JobctlServe)
#include "tst_jobctl_serve.moc"

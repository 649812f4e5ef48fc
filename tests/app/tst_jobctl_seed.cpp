// `jobctl seed` as an admin or a benchmark uses it: a real process on a real database (SQLite
// and PostgreSQL) and a real uploads folder. What it wrote is read back with plain SQL and
// the file system, and checked against what the demo and the bulk mode promise.
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqlTime.h"

#include "ChildProcess.h"
#include "TestDatabases.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::SqlDialect;
using jc::test::describe;
using jc::test::runProcess;
using jc::test::TestDatabase;
using Result = jc::test::ProcessResult;
using jc::test::urlText;

namespace {

const QString site = u"https://game.example.org"_s;

// jobctl without the site settings of the environment it was started from.
Result jobctl(const QStringList &arguments)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"SITE_URL"_s);
    environment.remove(u"UPLOADS_DIR"_s);
    return runProcess(QStringLiteral(JOBCTL_PATH), arguments, 120000, environment);
}

// The rows of a query, each a list of its columns.
QList<QVariantList> rows(ConnectionFactory &factory, const QString &sql)
{
    QList<QVariantList> result;
    auto db = factory.connectionForCurrentThread();
    if (!db)
        return result;
    QSqlQuery query(db.value());
    if (!query.exec(sql)) {
        qWarning().noquote() << sql << query.lastError().text();
        return result;
    }
    while (query.next()) {
        QVariantList row;
        for (int i = 0; i < query.record().count(); ++i)
            row.append(query.value(i));
        result.append(row);
    }
    return result;
}

qint64 scalar(ConnectionFactory &factory, const QString &sql)
{
    const auto found = rows(factory, sql);
    return found.isEmpty() ? -1 : found.first().value(0).toLongLong();
}

// Local upload paths ("2026/11/17/x.png") that a text refers to: site-relative, or absolute
// with the site's address. Other hosts are external, whatever their path.
QSet<QString> localReferences(const QString &text, int *external = nullptr)
{
    static const QRegularExpression url(
        u"(https?://[^/\"\\s)]+)?/static/uploads/(\\d{4}/\\d{2}/\\d{2}/[0-9a-f-]+\\.[A-Za-z]+)"_s);
    QSet<QString> found;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        if (match.captured(1).isEmpty() || match.captured(1) == site)
            found.insert(match.captured(2));
        else if (external)
            ++*external;
    }
    return found;
}

// Upload files under root, relative, without the cache.
QMap<QString, QDateTime> uploadFiles(const QString &root)
{
    QMap<QString, QDateTime> files;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(root).relativeFilePath(path);
        if (!relative.startsWith(u".cache/"_s))
            files.insert(relative, it.fileInfo().lastModified());
    }
    return files;
}

int cachedCopies(const QString &root)
{
    static const QRegularExpression shape(u"^\\d+/\\d{4}/\\d{2}/\\d{2}/[^/]+$"_s);
    int count = 0;
    QDirIterator it(root + u"/.cache"_s, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString relative = QDir(root + u"/.cache"_s).relativeFilePath(it.next());
        if (shape.match(relative).hasMatch())
            ++count;
    }
    return count;
}

} // namespace

class tst_JobctlSeed : public QObject
{
    Q_OBJECT

private slots:
    void demo_data() { jc::test::addDatabaseRowsWithMySql(); }
    void demo();
    void refusesNonEmptyDatabase_data() { jc::test::addDatabaseRowsWithMySql(); }
    void refusesNonEmptyDatabase();
    void bulk_data() { jc::test::addDatabaseRowsWithMySql(); }
    void bulk();
    void refusesMixedModes();
};

void tst_JobctlSeed::demo()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    QTemporaryDir folder;
    const QString uploads = folder.filePath(u"uploads"_s);
    const Result result = jobctl({u"--db"_s, urlText(database.url()), u"seed"_s, u"--demo"_s,
                                  u"--uploads"_s, uploads, u"--seed"_s, u"11"_s});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    ConnectionFactory factory(database.url());

    // Users: every limit, every kind of balance.
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM users"_s), 300);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM users WHERE monthly_credit_limit = 10"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM users WHERE monthly_credit_limit = 25"_s) > 0);
    QVERIFY(scalar(factory,
                   u"SELECT COUNT(*) FROM users WHERE monthly_credit_limit NOT IN (10, 25)"_s) > 0);
    for (const QString &balance :
         {u"free_credits = 0"_s, u"free_credits > 0 AND free_credits < monthly_credit_limit"_s,
          u"free_credits = monthly_credit_limit"_s, u"free_credits > monthly_credit_limit"_s})
        QVERIFY2(scalar(factory, u"SELECT COUNT(*) FROM users WHERE "_s + balance) > 0,
                 qPrintable(balance));
    QVERIFY(scalar(factory,
                   u"SELECT COUNT(*) FROM credit_adjustments WHERE reason LIKE "
                   "'Monthly free credit top-up: topped up to %' AND period IS NOT NULL"_s) > 0);

    // Purchases: every status, stale ones on both sides of 7 days.
    const QDateTime weekAgo = QDateTime::currentDateTimeUtc().addDays(-7);
    QMap<QString, int> older;
    QMap<QString, int> younger;
    for (const QVariantList &row :
         rows(factory, u"SELECT status, created_at FROM credit_purchases"_s)) {
        const QDateTime created = jc::SqlTime::fromSql(row.at(1), dialect);
        QVERIFY(created.isValid());
        ++(created < weekAgo ? older : younger)[row.at(0).toString()];
    }
    for (const QString &status : {u"pending"_s, u"completed"_s, u"failed"_s, u"cancelled"_s}) {
        QVERIFY2(older.value(status) > 0, qPrintable(status));
        QVERIFY2(younger.value(status) > 0, qPrintable(status));
    }

    // References of each kind; every local one is a file on disk.
    QSet<QString> referenced;
    int relative = 0;
    int absolute = 0;
    int external = 0;
    int markdown = 0;
    for (const QVariantList &row : rows(factory, u"SELECT type, data FROM blocks"_s)) {
        const QString data = row.at(1).toString();
        const QSet<QString> local = localReferences(data, &external);
        referenced += local;
        relative += data.contains(u"\"/static/uploads/"_s) ? 1 : 0;
        absolute += data.contains(site + u"/static/uploads/"_s) ? 1 : 0;
        markdown += row.at(0).toString() == u"markdown"_s && !local.isEmpty() ? 1 : 0;
        external += data.contains(u"https://cdn.example.net/img/"_s) ? 1 : 0;
    }
    int photos = 0;
    for (const QVariantList &row : rows(factory, u"SELECT player_data FROM team_block_states "
                                                 "WHERE player_data LIKE '%\"images\"%'"_s)) {
        const QSet<QString> local = localReferences(row.at(0).toString());
        photos += int(local.size());
        referenced += local;
    }
    QVERIFY(relative > 0);
    QVERIFY(absolute > 0);
    QVERIFY(external > 0);
    QVERIFY(markdown > 0);
    QVERIFY(photos > 0);
    const QMap<QString, QDateTime> files = uploadFiles(uploads);
    for (const QString &path : std::as_const(referenced))
        QVERIFY2(files.contains(path), qPrintable(u"referenced but missing: "_s + path));
    const QDateTime dayAgo = QDateTime::currentDateTimeUtc().addDays(-1);
    int orphaned = 0;
    int tooYoung = 0;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (referenced.contains(it.key()))
            continue;
        ++(it.value() < dayAgo ? orphaned : tooYoung);
    }
    QVERIFY(orphaned > 0);
    QVERIFY(tooYoung > 0);
    QVERIFY(cachedCopies(uploads) > 0);

    // Run history: every job, every outcome, nothing left running, log lines with the runs.
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE status = 'running'"_s), 0);
    for (const QString &job : {u"Monthly Credit Top-Up"_s, u"Stale Credit Purchase Cleanup"_s,
                               u"Orphaned Uploads Cleanup"_s, u"History Retention"_s}) {
        QVERIFY2(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE status = 'succeeded' AND "
                                 "summary IS NOT NULL AND job_name = '%1'"_s.arg(job)) > 0,
                 qPrintable(job));
        QVERIFY2(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE status <> 'succeeded' AND "
                                 "job_name = '%1'"_s.arg(job)) > 0,
                 qPrintable(job));
    }
    for (const QString &status :
         {u"failed"_s, u"timed_out"_s, u"cancelled"_s, u"interrupted"_s, u"missed"_s})
        QVERIFY2(scalar(factory,
                        u"SELECT COUNT(*) FROM jc_runs WHERE status = '%1' AND error <> ''"_s.arg(
                            status)) > 0,
                 qPrintable(status));
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE error LIKE '%database is "
                            "locked%'"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE error LIKE '%Connection "
                            "refused%'"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE status = 'cancelled' AND "
                            "cancel_requested_by IS NOT NULL AND cancel_requested_at_ms IS NOT "
                            "NULL AND progress_done > 0 AND progress_total > 0"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE \"trigger\" = 'manual' AND "
                            "requested_by IS NOT NULL AND reason <> ''"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE \"trigger\" = 'catch-up'"_s) > 0);
    QVERIFY(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE \"trigger\" = 'retry'"_s) > 0);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM jc_runs r WHERE r.status <> 'missed' AND NOT "
                             "EXISTS (SELECT 1 FROM jc_run_logs l WHERE l.run_id = r.id)"_s),
             0);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM jc_runs WHERE finished_at_ms IS NULL OR "
                             "finished_at_ms > %1"_s.arg(QDateTime::currentMSecsSinceEpoch())),
             0);
}

void tst_JobctlSeed::refusesNonEmptyDatabase()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    QTemporaryDir folder;
    const QStringList demo{u"--db"_s,   urlText(database.url()), u"seed"_s,
                           u"--demo"_s, u"--uploads"_s,          folder.filePath(u"up"_s)};
    const Result first = jobctl(demo);
    QVERIFY2(first.exitCode == 0, qPrintable(describe(first)));
    ConnectionFactory factory(database.url());
    const qint64 runs = scalar(factory, u"SELECT COUNT(*) FROM jc_runs"_s);
    const int files = int(uploadFiles(folder.filePath(u"up"_s)).size());

    const Result second = jobctl(demo);
    QVERIFY2(second.exitCode == 1, qPrintable(describe(second)));
    QVERIFY2(second.err.contains(u"already has 300 rows in users"_s), qPrintable(second.err));
    QVERIFY2(second.err.contains(u"--db sqlite:/tmp/demo.db"_s), qPrintable(second.err));
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM users"_s), 300);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM jc_runs"_s), runs);
    QCOMPARE(int(uploadFiles(folder.filePath(u"up"_s)).size()), files);
}

void tst_JobctlSeed::bulk()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    QTemporaryDir folder;
    const QString uploads = folder.filePath(u"up"_s);
    const QStringList arguments{
        u"--db"_s, urlText(database.url()), u"seed"_s, u"--users"_s, u"57"_s, u"--purchases"_s,
        u"43"_s,   u"--blocks"_s,           u"31"_s,   u"--files"_s, u"23"_s, u"--seed"_s,
        u"7"_s,    u"--uploads"_s,          uploads};
    const Result result = jobctl(arguments);
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    ConnectionFactory factory(database.url());
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM users"_s), 57);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM credit_purchases"_s), 43);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM blocks"_s), 31);
    const QMap<QString, QDateTime> files = uploadFiles(uploads);
    QCOMPARE(files.size(), 23);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM credit_purchases WHERE user_id NOT IN "
                             "(SELECT id FROM users)"_s),
             0);
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM blocks WHERE owner_id NOT IN "
                             "(SELECT id FROM users)"_s),
             0);
    QSet<QString> referenced;
    for (const QVariantList &row : rows(factory, u"SELECT data FROM blocks"_s))
        referenced += localReferences(row.at(0).toString());
    QVERIFY(!referenced.isEmpty());
    for (const QString &path : std::as_const(referenced))
        QVERIFY2(files.contains(path), qPrintable(u"referenced but missing: "_s + path));

    // The same seed again: the same files and rows, so they collide and nothing is added;
    // with another uploads folder it is the database's keys that collide.
    const Result sameFiles = jobctl(arguments);
    QVERIFY2(sameFiles.exitCode == 1, qPrintable(describe(sameFiles)));
    QVERIFY2(sameFiles.err.contains(u"another --seed"_s), qPrintable(sameFiles.err));
    QStringList otherFolder = arguments;
    otherFolder.last() = folder.filePath(u"other"_s);
    const Result again = jobctl(otherFolder);
    QVERIFY2(again.exitCode == 1, qPrintable(describe(again)));
    QVERIFY2(again.err.contains(u"another --seed"_s), qPrintable(again.err));
    QCOMPARE(scalar(factory, u"SELECT COUNT(*) FROM users"_s), 57);
}

void tst_JobctlSeed::refusesMixedModes()
{
    const Result result = jobctl(
        {u"--db"_s, u"sqlite:/nonexistent/x.db"_s, u"seed"_s, u"--demo"_s, u"--users"_s, u"5"_s});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(u"not both"_s), qPrintable(result.err));
    const Result help = jobctl({u"seed"_s, u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.contains(u"jobctl seed"_s) && help.out.contains(u"--demo"_s),
             qPrintable(help.out));
}

QTEST_GUILESS_MAIN(tst_JobctlSeed)
#include "tst_jobctl_seed.moc"

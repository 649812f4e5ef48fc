// `jobctl` on the web app's own databases (issue 16): its tables exactly as its migrations
// create them (tests/support/fixtures/app-schema-<dialect>.sql) on SQLite and on a real
// MariaDB server (ctest's `mariadb` fixture), the two databases the app runs on:
//  - `migrate --dry-run` says what it would add and keep, and changes nothing; `migrate`
//    adopts them and says so; run again, it finds the schema up to date (MySQL);
//  - `list` and `history` read it; the three jobs and History Retention run on it, as do
//    pause and resume (both);
//  - a wrong password is refused naming the user, never showing the password; one left out
//    of the URL comes from MYSQL_PWD or ~/.my.cnf (MySQL).
#include "storage/ConnectionFactory.h"

#include "AppSchema.h"
#include "ChildProcess.h"
#include "SqlScalar.h"
#include "TestDatabases.h"

#include <QDir>
#include <QTemporaryDir>

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace jc;
using namespace Qt::StringLiterals;
using jc::test::describe;
using Result = jc::test::ProcessResult;

namespace {

Result jobctl(const QStringList &arguments)
{
    return jc::test::runProcess(QStringLiteral(JOBCTL_PATH), arguments, 60000);
}

QString tablesOf(const DatabaseUrl &url)
{
    ConnectionFactory factory(url);
    QStringList tables = factory.connectionForCurrentThread().value().tables();
    tables.sort();
    return tables.join(u", "_s);
}

} // namespace

class tst_JobctlAppSchema : public QObject
{
    Q_OBJECT

private slots:
    void migrateAdoptsTheAppsDatabase()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        {
            ConnectionFactory factory(database.url());
            QSqlQuery query(factory.connectionForCurrentThread().value());
            const QStringList schema =
                test::sqlStatements(QFINDTESTDATA("../support/fixtures/app-schema-mysql.sql"));
            QVERIFY(!schema.isEmpty());
            for (const QString &statement : schema)
                QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        }
        const QString db = test::urlText(database.url());
        const QString shown = database.url().toDisplayString();

        // First what it would do: the app's tables kept, the period column added; nothing done.
        const QString untouched = tablesOf(database.url());
        const Result dryRun = jobctl({u"--db"_s, db, u"migrate"_s, u"--dry-run"_s});
        QVERIFY2(dryRun.exitCode == 0, qPrintable(describe(dryRun)));
        for (const QString &says :
             {u"Dry run: migrating %1 would apply "_s.arg(shown),
              u"keeps the existing table users"_s,
              u"keeps the existing index idx_credit_adjustments_user_id on credit_adjustments"_s,
              u"ALTER TABLE credit_adjustments ADD COLUMN period varchar(7);"_s,
              u"CREATE TABLE IF NOT EXISTS jc_runs ("_s})
            QVERIFY2(dryRun.out.contains(says), qPrintable(says + u"\n"_s + dryRun.out));
        QCOMPARE(tablesOf(database.url()), untouched);

        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        QVERIFY2(migrated.out.startsWith(u"Migrated %1 from version 0 to "_s.arg(shown)),
                 qPrintable(describe(migrated)));
        const Result again = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(again.exitCode == 0, qPrintable(describe(again)));
        QVERIFY2(again.out.startsWith(u"Schema of %1 is up to date"_s.arg(shown)),
                 qPrintable(describe(again)));
        const Result nothing = jobctl({u"--db"_s, db, u"migrate"_s, u"--dry-run"_s});
        QVERIFY2(nothing.out == u"Schema of %1 is up to date: nothing to do.\n"_s.arg(shown),
                 qPrintable(describe(nothing)));

        // Reading works: the four jobs, never run; no history yet.
        const Result list = jobctl({u"--db"_s, db, u"list"_s});
        QVERIFY2(list.exitCode == 0, qPrintable(describe(list)));
        for (const QString &job : {u"Monthly Credit Top-Up"_s, u"Stale Credit Purchase Cleanup"_s,
                                   u"Orphaned Uploads Cleanup"_s, u"History Retention"_s})
            QVERIFY2(list.out.contains(job + u"\n  state:    idle"_s), qPrintable(describe(list)));
        QVERIFY2(list.out.contains(u"last run: never"_s), qPrintable(describe(list)));
        const Result history = jobctl({u"--db"_s, db, u"history"_s});
        QVERIFY2(history.exitCode == 0 && history.out == u"No runs.\n"_s,
                 qPrintable(describe(history)));
    }

    // The app's tables exactly as its migrations create them (json, TIMESTAMP, the composite
    // key of users), migrated, then each job run with `jobctl run --wait` as an admin would:
    // the owed user topped up once, the stale purchase deleted, the orphaned upload deleted
    // and the referenced ones kept, each run in the history; pause and resume on record.
    void jobsRunOnTheAppsOwnTables_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::newRow("sqlite") << SqlDialect::Sqlite;
        QTest::newRow("mysql") << SqlDialect::MySql;
    }
    void jobsRunOnTheAppsOwnTables()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const QSqlDatabase conn = factory.connectionForCurrentThread().value();
        QSqlQuery query(conn);
        const QString fixture = dialect == SqlDialect::MySql
                                    ? QFINDTESTDATA("../support/fixtures/app-schema-mysql.sql")
                                    : QFINDTESTDATA("../support/fixtures/app-schema-sqlite.sql");
        const QStringList schema = test::sqlStatements(fixture);
        QVERIFY(!schema.isEmpty());
        for (const QString &statement : schema)
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        // 30 days ago, as the app writes it: MySQL's TIMESTAMP; on SQLite the Go driver's text
        // with an offset (its other form, CURRENT_TIMESTAMP's, is the columns' default).
        const QString monthAgo =
            dialect == SqlDialect::MySql
                ? u"NOW() - INTERVAL 30 DAY"_s
                : u"strftime('%Y-%m-%d %H:%M:%f', 'now', '-30 days', '-8 hours') || '-08:00'"_s;
        const QString now = dialect == SqlDialect::MySql ? u"NOW()"_s : u"CURRENT_TIMESTAMP"_s;
        const QString db = test::urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        // The app's index on credit_purchase_id serves; no second one beside it (SQLite had
        // one under another name, kept up to date by every audit insert).
        const QString purchaseIndexes =
            dialect == SqlDialect::MySql
                ? u"SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE "
                  "table_schema = DATABASE() AND table_name = 'credit_adjustments' AND "
                  "column_name = 'credit_purchase_id'"_s
                : u"SELECT COUNT(*) FROM pragma_index_list('credit_adjustments') l WHERE (SELECT "
                  "group_concat(name) FROM pragma_index_info(l.name)) = 'credit_purchase_id'"_s;
        QCOMPARE(test::scalar(conn, purchaseIndexes).toInt(), 1);

        // The app's rows, written as the app writes them (its columns, its defaults).
        for (const QString &statement : {
                 u"INSERT INTO users (id, email, free_credits, monthly_credit_limit) VALUES "
                 "('u-owed', 'owed@example.org', 2, 10), ('u-full', 'full@example.org', 10, 10), "
                 "('u-neg', 'neg@example.org', -3, 10), ('a-nolimit', 'nolimit@example.org', 2, "
                 "NULL), ('b-nofree', 'nofree@example.org', NULL, 10)"_s,
                 u"INSERT INTO credit_purchases (id, created_at, user_id, credits, amount_paid, "
                 "stripe_session_id, status) VALUES ('p-stale', %1, 'u-owed', 10, 500, 'cs_1', "
                 "'pending'), ('p-young', %2, 'u-owed', 10, 500, 'cs_2', 'pending'), ('p-paid', "
                 "%1, 'u-owed', 10, 500, 'cs_3', 'completed')"_s.arg(monthAgo, now),
                 u"INSERT INTO blocks (id, owner_id, type, data) VALUES ('b1', 'u-owed', 'image', "
                 "'{\"content\": \"/static/uploads/2026/01/05/kept.png\"}')"_s,
                 u"INSERT INTO team_block_states (team_code, block_id, player_data) VALUES ('T1', "
                 "'b1', json_object('images', json_array('/static/uploads/2026/01/05/"
                 "answer.png')))"_s,
             })
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        QTemporaryDir uploads;
        QVERIFY(uploads.isValid());
        const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-3);
        for (const QString &name : {u"kept.png"_s, u"answer.png"_s, u"orphan.png"_s}) {
            QVERIFY(QDir(uploads.path()).mkpath(u"2026/01/05"_s));
            QFile file(uploads.filePath(u"2026/01/05/"_s + name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("png");
            file.flush(); // a write still buffered at close would set the time anew
            QVERIFY(file.setFileTime(old, QFileDevice::FileModificationTime));
        }
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"UPLOADS_DIR"_s, uploads.path());

        QHash<QString, QString> outputs;
        for (const QString &job : {u"Monthly Credit Top-Up"_s, u"Stale Credit Purchase Cleanup"_s,
                                   u"Orphaned Uploads Cleanup"_s, u"History Retention"_s}) {
            const Result ran =
                test::runProcess(QStringLiteral(JOBCTL_PATH),
                                 {u"--db"_s, db, u"run"_s, job, u"--wait"_s}, 120000, environment);
            QVERIFY2(ran.exitCode == 0, qPrintable(job + u": "_s + describe(ran)));
            QVERIFY2(ran.out.contains(u"succeeded"_s), qPrintable(describe(ran)));
            outputs.insert(job, ran.out);
        }
        // Every user the top-up left alone is counted, under what it was left alone for.
        {
            const QString &topUp = outputs.value(u"Monthly Credit Top-Up"_s);
            QVERIFY2(topUp.contains(u"Topped up 1 user with 8 credits"_s), qPrintable(topUp));
            QVERIFY2(topUp.contains(u"(0 already had theirs, 1 skipped: negative balance, 2 "
                                    "skipped: no balance or limit)"_s),
                     qPrintable(topUp));
        }
        const QString period = QDateTime::currentDateTimeUtc().toString(u"yyyy-MM"_s);
        QCOMPARE(
            test::scalar(conn, u"SELECT free_credits FROM users WHERE id = 'u-owed'"_s).toInt(),
            10);
        QCOMPARE(test::scalar(conn, u"SELECT free_credits FROM users WHERE id = 'u-neg'"_s).toInt(),
                 -3);
        // The app's columns allow NULL balances: such users are not owed, and the batch they
        // are in (here its first rows) tops up the others.
        QCOMPARE(
            test::scalar(conn, u"SELECT free_credits FROM users WHERE id = 'a-nolimit'"_s).toInt(),
            2);
        QVERIFY(
            test::scalar(conn, u"SELECT free_credits FROM users WHERE id = 'b-nofree'"_s).isNull());
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_adjustments WHERE user_id "
                                    "= 'u-owed' AND credits = 8 AND period = '%1'"_s.arg(period))
                     .toInt(),
                 1);
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_adjustments"_s).toInt(), 1);
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_purchases WHERE id IN "
                                    "('p-paid', 'p-young')"_s)
                     .toInt(),
                 2);
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_purchases"_s).toInt(), 2);
        QVERIFY(QFile::exists(uploads.filePath(u"2026/01/05/kept.png"_s)));
        QVERIFY(QFile::exists(uploads.filePath(u"2026/01/05/answer.png"_s)));
        QVERIFY2(!QFile::exists(uploads.filePath(u"2026/01/05/orphan.png"_s)),
                 qPrintable(outputs.value(u"Orphaned Uploads Cleanup"_s)));

        // A second top-up of the month grants nothing.
        const Result again =
            test::runProcess(QStringLiteral(JOBCTL_PATH),
                             {u"--db"_s, db, u"run"_s, u"Monthly Credit Top-Up"_s, u"--wait"_s},
                             120000, environment);
        QVERIFY2(again.exitCode == 0, qPrintable(describe(again)));
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_adjustments"_s).toInt(), 1);

        const Result history = jobctl({u"--db"_s, db, u"history"_s});
        QVERIFY2(history.exitCode == 0, qPrintable(describe(history)));
        QCOMPARE(history.out.count(u"succeeded"_s), 5);
        for (const QString &command : {u"pause"_s, u"resume"_s}) {
            const Result changed = jobctl({u"--db"_s, db, command, u"History Retention"_s});
            QVERIFY2(changed.exitCode == 0, qPrintable(describe(changed)));
        }
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM jc_job_changes"_s).toInt(), 2);
    }

    // The app's migrations name no collation: each table takes the database's default of the
    // day it was created, and a server upgrade between two of them (MariaDB's utf8mb4 default
    // moved from utf8mb4_general_ci to utf8mb4_unicode_ci and others over the years) leaves
    // users.id and credit_adjustments.user_id in different collations. MySQL refuses to compare
    // those ("Illegal mix of collations"): the top-up failed every batch, nobody got credits,
    // and every retry failed the same way (found checking the jobs against DOMAIN.md on the
    // app's DDL). It converts users' side now; the grants are the same.
    void topUpAcrossCollationsOfTheAppsTables()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const QSqlDatabase conn = factory.connectionForCurrentThread().value();
        QSqlQuery query(conn);
        const QStringList schema =
            test::sqlStatements(QFINDTESTDATA("../support/fixtures/app-schema-mysql.sql"));
        QVERIFY(!schema.isEmpty());
        for (const QString &statement : schema) {
            QString collation;
            if (statement.startsWith(u"CREATE TABLE users"_s))
                collation = u"utf8mb4_unicode_ci"_s;
            else if (statement.startsWith(u"CREATE TABLE credit_adjustments"_s))
                collation = u"utf8mb4_general_ci"_s; // the server's default changed since
            if (!collation.isEmpty())
                QVERIFY2(query.exec(u"ALTER DATABASE CHARACTER SET utf8mb4 COLLATE "_s + collation),
                         qPrintable(query.lastError().text()));
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
        }
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(DISTINCT COLLATION_NAME) FROM "
                                    "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                    "AND ((TABLE_NAME = 'users' AND COLUMN_NAME = 'id') OR "
                                    "(TABLE_NAME = 'credit_adjustments' AND COLUMN_NAME = "
                                    "'user_id'))"_s)
                     .toInt(),
                 2);
        const QString db = test::urlText(database.url());
        const Result migrated = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(migrated.exitCode == 0, qPrintable(describe(migrated)));
        QVERIFY2(query.exec(u"INSERT INTO users (id, email, free_credits, monthly_credit_limit) "
                            "VALUES ('u-1', 'one@example.org', 2, 10), ('u-2', "
                            "'two@example.org', 5, 10), ('u-3', 'three@example.org', 10, 10)"_s),
                 qPrintable(query.lastError().text()));

        for (int run = 1; run <= 2; ++run) { // the second grants nothing
            const Result ran =
                jobctl({u"--db"_s, db, u"run"_s, u"Monthly Credit Top-Up"_s, u"--wait"_s});
            QVERIFY2(ran.exitCode == 0, qPrintable(describe(ran)));
            QVERIFY2(ran.out.contains(run == 1 ? u"Topped up 2 users"_s : u"Topped up 0 users"_s),
                     qPrintable(ran.out));
        }
        QCOMPARE(test::scalar(conn, u"SELECT SUM(free_credits) FROM users"_s).toInt(), 30);
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_adjustments WHERE credits IN "
                                    "(8, 5) AND period IS NOT NULL"_s)
                     .toInt(),
                 2);
        QCOMPARE(test::scalar(conn, u"SELECT COUNT(*) FROM credit_adjustments"_s).toInt(), 2);
    }

    // A URL without a password takes it where the mysql client does: MYSQL_PWD, else the
    // [client] group of ~/.my.cnf; without either the login is refused, naming the user.
    void passwordFromTheEnvironmentOrMyCnf()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        for (const QString &sql : {u"CREATE USER '%1_pw'@'%' IDENTIFIED BY 's3cret word'"_s,
                                   u"GRANT ALL PRIVILEGES ON %1.* TO '%1_pw'@'%'"_s}) {
            const auto error = database.mysqlAdmin(sql);
            QVERIFY2(!error, qPrintable(error.value_or(QString())));
        }
        const DatabaseUrl &own = database.url();
        const QString db =
            u"mysql://%1_pw@%2:%3/%1"_s.arg(own.databaseName(), own.host()).arg(own.port());
        QTemporaryDir home;
        QVERIFY(home.isValid());
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"MYSQL_PWD"_s);
        environment.insert(u"HOME"_s, home.path());
        const auto migrate = [&](const QProcessEnvironment &env) {
            return test::runProcess(QStringLiteral(JOBCTL_PATH), {u"--db"_s, db, u"migrate"_s},
                                    60000, env);
        };

        const Result refused = migrate(environment);
        QVERIFY2(refused.exitCode == 1, qPrintable(describe(refused)));
        QVERIFY2(refused.err.contains(u"refused the login of user %1_pw"_s.arg(own.databaseName())),
                 qPrintable(describe(refused)));

        auto withPwd = environment;
        withPwd.insert(u"MYSQL_PWD"_s, u"s3cret word"_s);
        const Result fromPwd = migrate(withPwd);
        QVERIFY2(fromPwd.exitCode == 0, qPrintable(describe(fromPwd)));

        QFile cnf(home.filePath(u".my.cnf"_s));
        QVERIFY(cnf.open(QIODevice::WriteOnly));
        cnf.write("[client]\npassword=\"s3cret word\"\n");
        cnf.close();
        const Result fromCnf = migrate(environment);
        QVERIFY2(fromCnf.exitCode == 0, qPrintable(describe(fromCnf)));
        QVERIFY(!fromCnf.out.contains(u"s3cret"_s) && !fromCnf.err.contains(u"s3cret"_s));
        QVERIFY(database.mysqlAdmin(u"DROP USER '%1_pw'@'%'"_s) == std::nullopt);
    }

    void wrongPasswordIsRefused()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = u"mysql://root:not-it@%1:%2/%3"_s.arg(database.url().host())
                               .arg(database.url().port())
                               .arg(database.url().databaseName());
        const Result refused = jobctl({u"--db"_s, db, u"migrate"_s});
        QVERIFY2(refused.exitCode == 1, qPrintable(describe(refused)));
        QVERIFY2(refused.err.contains(u"refused the login of user root"_s),
                 qPrintable(describe(refused)));
        QVERIFY(!refused.err.contains(u"not-it"_s));
    }
};

QTEST_GUILESS_MAIN(tst_JobctlAppSchema)
#include "tst_jobctl_appschema.moc"

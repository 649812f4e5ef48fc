// Connecting to the web app's other database, MySQL/MariaDB (issue 16), on a real MariaDB
// server (ctest's `mariadb` fixture):
//  - every session reads and writes instants in UTC: a TIMESTAMP written by the storage layer
//    reads back as the same instant whatever the server's own time zone, and the app's
//    CURRENT_TIMESTAMP default reads as now;
//  - sessions are strict (a value that does not fit is refused, never truncated), utf8mb4, and
//    a reader's session refuses writes;
//  - a refused login, an unknown database and an unreachable server each say which, and the
//    last within the connect timeout;
//  - the product opens MySQL only to migrate and read it (AppDatabase says so otherwise),
//    since the rest of the scheduler's SQL is not ported: nothing may half-work on the money
//    tables.
#include "storage/AppDatabase.h"
#include "storage/ConnectionFactory.h"
#include "storage/MySqlConnector.h"
#include "storage/SqlTime.h"

#include "SqlScalar.h"
#include "TestDatabases.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QTimeZone>

using namespace jc;
using namespace Qt::StringLiterals;
using jc::test::scalar;

class tst_MySqlConnection : public QObject
{
    Q_OBJECT

private slots:
    void instantsAreUtcWhateverTheServerZone()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        // The server's own zone far from UTC, as a hosting provider might set it.
        QVERIFY(!test::mysqlAdminExec(database.serverUrl(), u"jc.zone"_s,
                                      u"SET GLOBAL time_zone = '+05:30'"_s));
        ConnectionFactory factory(database.url());
        const auto db = factory.connectionForCurrentThread();
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QCOMPARE(scalar(*db, u"SELECT @@SESSION.time_zone"_s).toString(), u"+00:00"_s);
        QSqlQuery query(*db);
        QVERIFY2(query.exec(u"CREATE TABLE users (id varchar(36) PRIMARY KEY, "
                            u"created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, "
                            u"seen_at TIMESTAMP NULL)"_s),
                 qPrintable(query.lastError().text()));
        const QDateTime instant(QDate(2026, 3, 29), QTime(1, 30, 15), QTimeZone::utc());
        QVERIFY(query.prepare(u"INSERT INTO users (id, seen_at) VALUES ('u1', ?)"_s));
        query.addBindValue(
            SqlTime::toSql(instant.toTimeZone(QTimeZone("Europe/Berlin")), SqlDialect::MySql));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        QVERIFY(query.exec(u"SELECT seen_at, created_at, UNIX_TIMESTAMP(seen_at) FROM users"_s));
        QVERIFY(query.next());
        QCOMPARE(SqlTime::fromSql(query.value(0), SqlDialect::MySql), instant);
        QCOMPARE(query.value(2).toLongLong(), instant.toSecsSinceEpoch());
        const QDateTime created = SqlTime::fromSql(query.value(1), SqlDialect::MySql);
        QVERIFY2(qAbs(created.secsTo(QDateTime::currentDateTimeUtc())) < 60,
                 qPrintable(created.toString(Qt::ISODate)));
        QVERIFY(!test::mysqlAdminExec(database.serverUrl(), u"jc.zone"_s,
                                      u"SET GLOBAL time_zone = SYSTEM"_s));
    }

    void sessionsAreStrictAndUtf8()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        ConnectionFactory factory(database.url());
        const auto db = factory.connectionForCurrentThread();
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QSqlQuery query(*db);
        QVERIFY(query.exec(u"CREATE TABLE t (name varchar(5) NOT NULL) CHARACTER SET utf8mb4"_s));
        QVERIFY2(!query.exec(u"INSERT INTO t VALUES ('much too long')"_s),
                 "a value longer than its column was truncated, not refused");
        QVERIFY(query.prepare(u"INSERT INTO t VALUES (?)"_s));
        query.addBindValue(u"\U0001F680\u00fc\u65e5"_s);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        QCOMPARE(scalar(*db, u"SELECT name FROM t"_s).toString(), u"\U0001F680\u00fc\u65e5"_s);
    }

    void readersCannotWrite()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        {
            ConnectionFactory writer(database.url());
            QSqlQuery query(writer.connectionForCurrentThread().value());
            QVERIFY(query.exec(u"CREATE TABLE t (n int)"_s));
        }
        ConnectionOptions options;
        options.readOnly = true;
        ConnectionFactory reader(database.url(), options);
        const auto db = reader.connectionForCurrentThread();
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QSqlQuery query(*db);
        QVERIFY(query.exec(u"SELECT COUNT(*) FROM t"_s));
        QVERIFY2(!query.exec(u"INSERT INTO t VALUES (1)"_s), "a reader wrote");
    }

    void failuresSayWhich()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const DatabaseUrl server = database.url();

        const auto wrongPassword =
            DatabaseUrl::parse(u"mysql://root:not-the-password@%1:%2/%3"_s.arg(server.host())
                                   .arg(server.port())
                                   .arg(server.databaseName()));
        QVERIFY(wrongPassword);
        auto refused = ConnectionFactory(*wrongPassword).connectionForCurrentThread();
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(u"refused the login of user root"_s),
                 qPrintable(refused.error()));
        QVERIFY(!refused.error().contains(u"not-the-password"_s));

        // The admin is told the database does not exist; the test database's own user may
        // not be told, and hears what to check.
        auto unknown = ConnectionFactory(database.serverUrl().withDatabaseName(u"no_such_db"_s))
                           .connectionForCurrentThread();
        QVERIFY(!unknown);
        QVERIFY2(unknown.error().contains(u"has no database \"no_such_db\""_s),
                 qPrintable(unknown.error()));
        auto ungranted = ConnectionFactory(server.withDatabaseName(u"no_such_db"_s))
                             .connectionForCurrentThread();
        QVERIFY(!ungranted);
        QVERIFY2(ungranted.error().contains(u"does not let user %1 use the database "
                                            "\"no_such_db\""_s.arg(server.userName())),
                 qPrintable(ungranted.error()));
        QVERIFY2(ungranted.error().contains(u"CREATE DATABASE no_such_db"_s),
                 qPrintable(ungranted.error()));

        // A port nobody listens on: refused at once, and said so.
        const auto closed =
            DatabaseUrl::parse(u"mysql://root@127.0.0.1:1/%1"_s.arg(server.databaseName()));
        QElapsedTimer timer;
        timer.start();
        auto unreachable = ConnectionFactory(*closed).connectionForCurrentThread();
        QVERIFY(!unreachable);
        QVERIFY2(unreachable.error().contains(u"cannot be reached"_s),
                 qPrintable(unreachable.error()));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    }

    // A server too old for the scheduler's SQL is named with its version and what to do;
    // the versions it runs on pass (no server needed: the text of SELECT VERSION()).
    void oldServersAreRefusedByVersion()
    {
        for (const char *fine :
             {"8.0.36", "8.4.0", "10.5.0-MariaDB", "10.11.19-MariaDB-0+deb12u1",
              "11.4.2-MariaDB-log", "5.5.5-10.11.2-MariaDB", "9.1.0-commercial", "something else"})
            QVERIFY2(!MySqlConnector::versionProblem(QLatin1String(fine)), fine);
        for (const char *old : {"5.7.44-log", "10.4.32-MariaDB", "5.5.5-10.3.39-MariaDB"}) {
            const auto problem = MySqlConnector::versionProblem(QLatin1String(old));
            QVERIFY2(problem, old);
            QVERIFY2(problem->contains(u"needs MySQL 8.0 or MariaDB 10.5 or later"_s),
                     qPrintable(*problem));
            QVERIFY2(problem->contains(QLatin1String(old)), qPrintable(*problem));
        }
    }

    // A reader does not migrate: on a database without Job Console's tables it says so,
    // naming it MySQL, and creates nothing.
    void readerLeavesAnEmptyDatabaseAlone()
    {
        test::TestDatabase database(SqlDialect::MySql);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const auto reader = AppDatabase::open(database.url(), AppDatabase::Access::Read);
        QVERIFY(!reader);
        QVERIFY2(reader.error().startsWith(u"The MySQL/MariaDB database "_s),
                 qPrintable(reader.error()));
        ConnectionFactory factory(database.url());
        QCOMPARE(factory.connectionForCurrentThread().value().tables(), QStringList());
    }
};

QTEST_GUILESS_MAIN(tst_MySqlConnection)
#include "tst_mysqlconnection.moc"

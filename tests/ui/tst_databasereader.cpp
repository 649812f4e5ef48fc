// DatabaseReader against a real server: a console closed while one of its reads waits on a
// lock held by another session (an admin's migration, a stuck transaction) must still close.
// PostgreSQL and MySQL/MariaDB make a read wait for as long as the lock is held (no lock
// timeout by default); SQLite cannot: in WAL mode its reads never wait on a writer, so it has
// no row here.
#include "data/DatabaseReader.h"
#include "storage/ConnectionFactory.h"

#include "TestDatabases.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <memory>

using namespace jc;
using namespace std::chrono_literals;

namespace {

bool exec(QSqlDatabase db, const QString &sql)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    qWarning().noquote() << sql << "failed:" << query.lastError().text();
    return false;
}

// Whether a session of the test database waits for a lock, as the server sees it.
bool waitingOnALock(QSqlDatabase db, SqlDialect dialect)
{
    QSqlQuery query(db);
    const QString sql =
        dialect == SqlDialect::Postgres
            ? QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = "
                             "'locked_rows'::regclass AND database = (SELECT oid FROM "
                             "pg_database WHERE datname = current_database())")
            : QStringLiteral("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                             "WHERE DB = DATABASE() AND STATE LIKE 'Waiting for table%'");
    return query.exec(sql) && query.next() && query.value(0).toInt() > 0;
}

// What the stuck read shares with the test; it outlives the reader.
struct ReadState
{
    QSemaphore started;
    std::atomic<bool> ended = false;
    std::atomic<bool> succeeded = false;
};

} // namespace

class TestDatabaseReader : public QObject
{
    Q_OBJECT

private slots:
    void readsAnswerOnTheGuiThread_data() { test::addDatabaseRowsWithMySql(); }
    void readsAnswerOnTheGuiThread();
    void closingDoesNotWaitForAReadStuckOnALock_data();
    void closingDoesNotWaitForAReadStuckOnALock();
};

void TestDatabaseReader::readsAnswerOnTheGuiThread()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    DatabaseReader reader(std::make_shared<ConnectionFactory>(database.url()));
    QObject receiver;
    std::optional<int> answer;
    reader.read<int>(
        &receiver,
        [](ConnectionFactory &factory) {
            const auto db = factory.connectionForCurrentThread();
            QSqlQuery query(db ? db.value() : QSqlDatabase());
            return query.exec(QStringLiteral("SELECT 41 + 1")) && query.next()
                       ? query.value(0).toInt()
                       : -1;
        },
        [&answer](int value) { answer = value; });
    QTRY_VERIFY(answer);
    QCOMPARE(*answer, 42);
}

void TestDatabaseReader::closingDoesNotWaitForAReadStuckOnALock_data()
{
    QTest::addColumn<SqlDialect>("dialect");
    QTest::newRow("postgresql") << SqlDialect::Postgres;
    QTest::newRow("mysql") << SqlDialect::MySql;
}

void TestDatabaseReader::closingDoesNotWaitForAReadStuckOnALock()
{
    QFETCH(SqlDialect, dialect);
    test::TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    // Another session: it makes a table and holds a lock that keeps every reader out.
    ConnectionFactory other(database.url());
    const auto lockDb = other.connectionForCurrentThread();
    QVERIFY2(lockDb, qPrintable(lockDb ? QString() : lockDb.error()));
    QVERIFY(exec(lockDb.value(), QStringLiteral("CREATE TABLE locked_rows (id INTEGER)")));
    if (dialect == SqlDialect::Postgres) {
        QVERIFY(exec(lockDb.value(), QStringLiteral("BEGIN")));
        QVERIFY(exec(lockDb.value(),
                     QStringLiteral("LOCK TABLE locked_rows IN ACCESS EXCLUSIVE MODE")));
    } else {
        QVERIFY(exec(lockDb.value(), QStringLiteral("LOCK TABLES locked_rows WRITE")));
    }

    auto state = std::make_shared<ReadState>();
    bool answered = false;
    QElapsedTimer closing;
    {
        QObject console;
        auto *reader = new DatabaseReader(std::make_shared<ConnectionFactory>(database.url()),
                                          &console, 200ms);
        reader->read<bool>(
            &console,
            [state](ConnectionFactory &factory) {
                const auto db = factory.connectionForCurrentThread();
                state->started.release();
                QSqlQuery query(db ? db.value() : QSqlDatabase());
                state->succeeded = query.exec(QStringLiteral("SELECT count(*) FROM locked_rows"));
                state->ended = true;
                return bool(state->succeeded);
            },
            [&answered](bool) { answered = true; });
        state->started.acquire();
        QTRY_VERIFY_WITH_TIMEOUT(waitingOnALock(lockDb.value(), dialect), 30000);
        QVERIFY(!state->ended);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("gave up waiting")));
        closing.start();
    } // the console and its reader go: before, this waited for the lock for ever
    QVERIFY2(closing.elapsed() < 60000, "closing waited for the stuck read");
    QVERIFY(!state->ended);

    // The lock goes; the read ends on its own, and its answer reaches nobody.
    QVERIFY(exec(lockDb.value(), dialect == SqlDialect::Postgres
                                     ? QStringLiteral("ROLLBACK")
                                     : QStringLiteral("UNLOCK TABLES")));
    QTRY_VERIFY_WITH_TIMEOUT(state->ended, 30000);
    QVERIFY(state->succeeded);
    QCoreApplication::processEvents();
    QVERIFY(!answered);
    other.closeAll();
}

QTEST_MAIN(TestDatabaseReader)
#include "tst_databasereader.moc"

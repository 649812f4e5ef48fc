#include "storage/ConnectionFactory.h"
#include "storage/SqlErrors.h"

#include "TestDatabases.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSemaphore>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <memory>

#include <unistd.h>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::ConnectionOptions;
using jc::DatabaseUrl;
using jc::SqlDialect;
using jc::test::TestDatabase;

namespace {

// What a thread saw of its connection.
struct Seen
{
    QString name;
    QString error;
    qint64 backend = 0; // PostgreSQL: the server process; MySQL: the connection id; SQLite: 0
    bool worked = false;
};

qint64 backendOf(QSqlDatabase db)
{
    QString sql;
    if (db.driverName() == u"QPSQL"_s)
        sql = u"SELECT pg_backend_pid()"_s;
    else if (db.driverName() == u"QMYSQL"_s)
        sql = u"SELECT CONNECTION_ID()"_s;
    else
        return 0;
    QSqlQuery query(db);
    return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
}

Seen use(ConnectionFactory &factory)
{
    Seen seen;
    const auto db = factory.connectionForCurrentThread();
    if (!db) {
        seen.error = db.error();
        return seen;
    }
    seen.name = db->connectionName();
    seen.backend = backendOf(*db);
    QSqlQuery query(*db);
    seen.worked = query.exec(u"SELECT 1"_s) && query.next() && query.value(0).toInt() == 1;
    return seen;
}

Seen useOnNewThread(ConnectionFactory &factory)
{
    Seen seen;
    std::unique_ptr<QThread> thread(QThread::create([&] { seen = use(factory); }));
    thread->start();
    thread->wait();
    return seen;
}

QString pragma(QSqlDatabase db, const QString &name)
{
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA "_s + name) || !query.next())
        return u"error: "_s + query.lastError().text();
    return query.value(0).toString();
}

QString connectError(const DatabaseUrl &url, ConnectionOptions options = {})
{
    ConnectionFactory factory(url, options);
    const auto db = factory.connectionForCurrentThread();
    return db ? QString() : db.error();
}

DatabaseUrl postgresUrl(const QString &text)
{
    return DatabaseUrl::parse(text).value();
}

} // namespace

class tst_ConnectionFactory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void opensLazilyAndReuses_data() { jc::test::addDatabaseRows(); }
    void opensLazilyAndReuses();
    void oneConnectionPerThread_data() { jc::test::addDatabaseRows(); }
    void oneConnectionPerThread();
    void threadPoolWorkerReleasesOnExpiry_data() { jc::test::addDatabaseRows(); }
    void threadPoolWorkerReleasesOnExpiry();
    void closeAllDropsOtherThreadsLazily_data() { jc::test::addDatabaseRows(); }
    void closeAllDropsOtherThreadsLazily();
    void destructionLeavesOtherThreadsToTheirEnd_data() { jc::test::addDatabaseRows(); }
    void destructionLeavesOtherThreadsToTheirEnd();
    void missingDriverNamesThePackage_data();
    void missingDriverNamesThePackage();

    void sqlitePragmasAreSet();
    void sqliteFileThatIsNotADatabase();
    void sqliteSwitchToWalWaitsForReaders();
    void sqliteUnwritableFolder();
    void sqliteMissingFolder();
    void sqliteDefaultLocationCreatesItsFolder();

    void postgresUnreachable();
    void postgresRefusedLogin();
    void postgresMissingDatabase();
    void postgresReopensAfterFailedStatement();
    void postgresIdleProbeReopens();
    void mysqlReopensAfterTheServerDroppedIt();
    void passwordNeverShown();
};

void tst_ConnectionFactory::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_ConnectionFactory::opensLazilyAndReuses()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionFactory factory(database.url());
    QCOMPARE(factory.connectionCount(), 0);
    QVERIFY(factory.connectionNameForCurrentThread().isEmpty());

    const Seen first = use(factory);
    QVERIFY2(first.worked, qPrintable(first.error));
    QCOMPARE(factory.connectionCount(), 1);
    QCOMPARE(factory.connectionNameForCurrentThread(), first.name);

    const Seen second = use(factory);
    QCOMPARE(second.name, first.name);
    QCOMPARE(second.backend, first.backend);
    QCOMPARE(factory.connectionCount(), 1);

    factory.closeAll();
    QCOMPARE(factory.connectionCount(), 0);
    QVERIFY(!QSqlDatabase::contains(first.name));
}

void tst_ConnectionFactory::oneConnectionPerThread()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionFactory factory(database.url());

    const Seen main = use(factory);
    const Seen a = useOnNewThread(factory);
    const Seen b = useOnNewThread(factory);
    QVERIFY2(main.worked && a.worked && b.worked, qPrintable(main.error + a.error + b.error));
    QVERIFY(main.name != a.name && main.name != b.name && a.name != b.name);
    if (dialect == SqlDialect::Postgres) // distinct connections all the way to the server
        QVERIFY(main.backend != a.backend && main.backend != b.backend);

    // Each thread's connection went when its thread finished; the main thread's stays.
    QVERIFY(!QSqlDatabase::contains(a.name));
    QVERIFY(!QSqlDatabase::contains(b.name));
    QVERIFY(QSqlDatabase::contains(main.name));
    QCOMPARE(factory.connectionCount(), 1);
}

void tst_ConnectionFactory::threadPoolWorkerReleasesOnExpiry()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionFactory factory(database.url());
    QThreadPool pool;
    pool.setMaxThreadCount(1);
    pool.setExpiryTimeout(50);

    Seen first;
    Seen second;
    pool.start([&] { first = use(factory); });
    pool.waitForDone();
    QVERIFY2(first.worked, qPrintable(first.error));
    // The connection outlives one task; it goes when the pool's thread expires.
    QTRY_COMPARE(factory.connectionCount(), 0);
    QVERIFY(!QSqlDatabase::contains(first.name));

    pool.start([&] { second = use(factory); });
    pool.waitForDone();
    QVERIFY2(second.worked, qPrintable(second.error));
}

void tst_ConnectionFactory::closeAllDropsOtherThreadsLazily()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionFactory factory(database.url());
    QSemaphore opened;
    QSemaphore closed;
    Seen before;
    Seen after;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        before = use(factory);
        opened.release();
        closed.acquire();
        after = use(factory);
    }));
    worker->start();
    opened.acquire();
    const Seen main = use(factory);
    QCOMPARE(factory.connectionCount(), 2);

    factory.closeAll();
    QVERIFY(!QSqlDatabase::contains(main.name));  // this thread's: closed at once
    QVERIFY(QSqlDatabase::contains(before.name)); // the worker's: only marked
    closed.release();
    worker->wait();

    QVERIFY2(before.worked && after.worked, qPrintable(before.error + after.error));
    QCOMPARE(after.name, before.name);
    if (dialect == SqlDialect::Postgres) // reopened: a new server connection
        QVERIFY(after.backend != before.backend);
    QVERIFY(!QSqlDatabase::contains(before.name));
    QCOMPARE(factory.connectionCount(), 0);
}

void tst_ConnectionFactory::destructionLeavesOtherThreadsToTheirEnd()
{
    QFETCH(SqlDialect, dialect);
    TestDatabase database(dialect);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    auto factory = std::make_unique<ConnectionFactory>(database.url());
    QSemaphore opened;
    QSemaphore destroyed;
    Seen seen;
    bool stillUsable = false;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        seen = use(*factory);
        opened.release();
        destroyed.acquire();
        QSqlQuery query(QSqlDatabase::database(seen.name, false));
        stillUsable = query.exec(u"SELECT 1"_s);
    }));
    worker->start();
    opened.acquire();
    factory.reset();
    QVERIFY(QSqlDatabase::contains(seen.name));
    destroyed.release();
    worker->wait();

    QVERIFY2(seen.worked, qPrintable(seen.error));
    QVERIFY(stillUsable); // the thread's current work was not pulled from under it
    QVERIFY(!QSqlDatabase::contains(seen.name));
}

void tst_ConnectionFactory::missingDriverNamesThePackage_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("package");
    QTest::newRow("sqlite") << u"sqlite:/tmp/never-created.db"_s << u"libqt6sql6-sqlite"_s;
    QTest::newRow("postgresql") << u"postgresql://nobody@127.0.0.1:1/none"_s
                                << u"libqt6sql6-psql"_s;
}

void tst_ConnectionFactory::missingDriverNamesThePackage()
{
    QFETCH(QString, url);
    QFETCH(QString, package);
    ConnectionOptions options;
    options.driverName = u"QNOSUCHDRIVER"_s;

    const QString error = connectError(DatabaseUrl::parse(url).value(), options);
    QVERIFY2(error.contains(u"driver QNOSUCHDRIVER is not installed"_s), qPrintable(error));
    QVERIFY2(error.contains(u"apt-get install "_s + package), qPrintable(error));
    QVERIFY(!QFile::exists(u"/tmp/never-created.db"_s));
}

void tst_ConnectionFactory::sqlitePragmasAreSet()
{
    TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionOptions options;
    options.sqliteBusyTimeout = std::chrono::milliseconds(1234);
    ConnectionFactory factory(database.url(), options);
    const auto db = factory.connectionForCurrentThread();
    QVERIFY2(db, qPrintable(db ? QString() : db.error()));

    QCOMPARE(pragma(*db, u"journal_mode"_s), u"wal"_s);
    QCOMPARE(pragma(*db, u"foreign_keys"_s), u"1"_s);
    QCOMPARE(pragma(*db, u"synchronous"_s), u"1"_s); // NORMAL
    QCOMPARE(pragma(*db, u"busy_timeout"_s), u"1234"_s);
    QVERIFY(QFile::exists(database.url().filePath()));
}

// Switching a file to WAL needs its exclusive lock, which SQLite refuses at once, without its
// busy handler, while another connection reads: three `serve` opening a new database together
// failed so now and then ("database is locked"). The switch waits for the busy timeout.
void tst_ConnectionFactory::sqliteSwitchToWalWaitsForReaders()
{
    TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    {
        // Another program's connection, in the default rollback journal, in a read.
        QSqlDatabase reader = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"reader"_s);
        reader.setDatabaseName(database.url().filePath());
        QVERIFY(reader.open());
        QSqlQuery setUp(reader);
        QVERIFY(setUp.exec(u"CREATE TABLE t (x integer)"_s));
        QVERIFY(reader.transaction());
        QSqlQuery read(reader);
        QVERIFY(read.exec(u"SELECT count(*) FROM t"_s) && read.next());

        // Held all along: refused once the busy timeout is over, saying what to do.
        ConnectionOptions impatient;
        impatient.sqliteBusyTimeout = std::chrono::milliseconds(100);
        QElapsedTimer waited;
        waited.start();
        const QString refused = connectError(database.url(), impatient);
        QVERIFY2(refused.contains(u"stayed locked by another connection"_s), qPrintable(refused));
        QVERIFY2(waited.elapsed() >= 100, qPrintable(QString::number(waited.elapsed())));

        // Let go while another thread opens: it waits for the read, and switches.
        ConnectionFactory factory(database.url());
        Seen seen;
        std::unique_ptr<QThread> thread(QThread::create([&] { seen = use(factory); }));
        thread->start();
        QTest::qWait(300); // the open is under way (a late start only makes this pass early)
        read.finish();
        QVERIFY(reader.commit());
        QVERIFY(thread->wait(10000));
        QVERIFY2(seen.worked, qPrintable(seen.error));
        const auto again = factory.connectionForCurrentThread(); // the file's mode, read anew
        QVERIFY2(again, qPrintable(again ? QString() : again.error()));
        QCOMPARE(pragma(*again, u"journal_mode"_s), u"wal"_s);
    }
    QSqlDatabase::removeDatabase(u"reader"_s);
}

void tst_ConnectionFactory::sqliteFileThatIsNotADatabase()
{
    TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    QFile file(database.url().filePath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("This is a text file, not a database.\n").repeated(100));
    file.close();

    const QString error = connectError(database.url());
    QVERIFY2(error.contains(database.url().filePath() +
                            u" is not a SQLite database (file is not a database)"_s),
             qPrintable(error));
    QVERIFY2(error.contains(u"move this one away"_s), qPrintable(error));
}

void tst_ConnectionFactory::sqliteUnwritableFolder()
{
    TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    // Permissions do not stop root: as root, use a folder of the kernel's, where nobody may
    // create files.
    QString folder = u"/sys"_s;
    if (geteuid() != 0) {
        folder = database.folder() + u"/locked"_s;
        QVERIFY(QDir().mkdir(folder));
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
    }
    const QString path = folder + u"/jobconsole-test.db"_s;

    const QString error = connectError(DatabaseUrl::sqliteFile(path));
    QVERIFY2(error.contains(u"Cannot create the SQLite database "_s + path), qPrintable(error));
    QVERIFY2(error.contains(u"Permission denied"_s) || error.contains(u"Read-only"_s),
             qPrintable(error));
    QVERIFY2(error.contains(u"make its folder writable"_s), qPrintable(error));
}

void tst_ConnectionFactory::sqliteMissingFolder()
{
    TestDatabase database(SqlDialect::Sqlite);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    const QString folder = database.folder() + u"/no/such/folder"_s;

    const QString error = connectError(DatabaseUrl::sqliteFile(folder + u"/app.db"_s));
    QVERIFY2(error.contains(u"The folder "_s + folder +
                            u" of the SQLite database does not "
                            "exist"_s),
             qPrintable(error));
    QVERIFY(!QDir(folder).exists()); // a typo in a path does not create folders
}

void tst_ConnectionFactory::sqliteDefaultLocationCreatesItsFolder()
{
    const DatabaseUrl url = DatabaseUrl::defaultLocation();
    QDir folder = QFileInfo(url.filePath()).absoluteDir();
    QVERIFY(url.filePath().contains(u"qttest"_s)); // QStandardPaths' test mode
    folder.removeRecursively();
    {
        ConnectionFactory factory(url);
        const Seen seen = use(factory);
        QVERIFY2(seen.worked, qPrintable(seen.error));
    }
    QVERIFY(QFile::exists(url.filePath()));
    QVERIFY(folder.removeRecursively());
}

void tst_ConnectionFactory::postgresUnreachable()
{
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const QString error = connectError(postgresUrl(u"postgresql://postgres@127.0.0.1:1/db"_s));
    QVERIFY2(error.contains(u"PostgreSQL at 127.0.0.1 port 1 is unreachable"_s), qPrintable(error));
    QVERIFY2(error.contains(u"Connection refused"_s), qPrintable(error));
    QVERIFY2(error.contains(u"check that the server is running"_s), qPrintable(error));
}

void tst_ConnectionFactory::postgresRefusedLogin()
{
    TestDatabase database(SqlDialect::Postgres);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    QString text = database.url().toDisplayString();
    text.replace(u"postgresql://postgres@"_s, u"postgresql://nobody@"_s);

    const QString error = connectError(postgresUrl(text));
    QVERIFY2(error.contains(u"refused the login of user nobody"_s), qPrintable(error));
    QVERIFY2(error.contains(u"pg_hba.conf"_s), qPrintable(error));
}

void tst_ConnectionFactory::postgresMissingDatabase()
{
    TestDatabase database(SqlDialect::Postgres);
    QVERIFY2(database.isReady(), qPrintable(database.error()));

    const QString error = connectError(database.url().withDatabaseName(u"no_such_db"_s));
    QVERIFY2(error.contains(u"The database \"no_such_db\" does not exist"_s), qPrintable(error));
    QVERIFY2(error.contains(u"createdb no_such_db"_s), qPrintable(error));
}

void tst_ConnectionFactory::postgresReopensAfterFailedStatement()
{
    TestDatabase database(SqlDialect::Postgres);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionOptions options;
    options.postgresIdleCheck = std::chrono::hours(1); // only the failure may reveal it
    ConnectionFactory factory(database.url(), options);
    ConnectionFactory admin(database.url());
    const Seen before = use(factory);
    QVERIFY2(before.worked, qPrintable(before.error));

    // What a server restart looks like to this connection: its backend is terminated.
    QSqlQuery kill(admin.connectionForCurrentThread().value());
    QVERIFY(kill.exec(u"SELECT pg_terminate_backend(%1)"_s.arg(before.backend)));
    QSqlQuery failing(factory.connectionForCurrentThread().value());
    QDeadlineTimer deadline(5000); // the termination arrives asynchronously
    while (failing.exec(u"SELECT 1"_s) && !deadline.hasExpired())
        QThread::msleep(10);
    QVERIFY2(jc::SqlErrors::isConnectionLost(failing.lastError(), SqlDialect::Postgres),
             qPrintable(failing.lastError().text()));

    const Seen after = use(factory);
    QVERIFY2(after.worked, qPrintable(after.error));
    QVERIFY(after.backend != before.backend);
    QCOMPARE(after.name, before.name);
}

// Qt's MySQL driver keeps a connection whose server went away "open": every statement then
// fails with "Server has gone away" (seen with `jobctl serve` after a MariaDB restart: no run
// for as long as it kept claiming every second). A connection unused for half a second is
// probed, so the next hand-out after such a pause reconnects, even with the idle check off.
void tst_ConnectionFactory::mysqlReopensAfterTheServerDroppedIt()
{
    TestDatabase database(SqlDialect::MySql);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionOptions options;
    options.postgresIdleCheck = std::chrono::hours(1);
    ConnectionFactory factory(database.url(), options);
    const Seen before = use(factory);
    QVERIFY2(before.worked, qPrintable(before.error));

    // What a server restart looks like to this connection: the server closes it.
    ConnectionFactory admin(database.serverUrl());
    QSqlQuery kill(admin.connectionForCurrentThread().value());
    QVERIFY2(kill.exec(u"KILL CONNECTION %1"_s.arg(before.backend)),
             qPrintable(kill.lastError().text()));
    QSqlQuery failing(factory.connectionForCurrentThread().value());
    QVERIFY(!failing.exec(u"SELECT 1"_s));
    QVERIFY2(
        jc::SqlErrors::isConnectionLost(failing.lastError(), SqlDialect::MySql),
        qPrintable(failing.lastError().nativeErrorCode() + u" "_s + failing.lastError().text()));

    QThread::msleep(ConnectionFactory::MySqlIdleCheckMSecs + 50);
    const Seen after = use(factory);
    QVERIFY2(after.worked, qPrintable(after.error));
    QVERIFY(after.backend != before.backend);
    QCOMPARE(after.name, before.name);
}

void tst_ConnectionFactory::postgresIdleProbeReopens()
{
    TestDatabase database(SqlDialect::Postgres);
    QVERIFY2(database.isReady(), qPrintable(database.error()));
    ConnectionOptions options;
    options.postgresIdleCheck = std::chrono::milliseconds(0); // probe on every hand-out
    ConnectionFactory factory(database.url(), options);
    ConnectionFactory admin(database.url());
    const Seen before = use(factory);
    QVERIFY2(before.worked, qPrintable(before.error));

    QSqlQuery kill(admin.connectionForCurrentThread().value());
    QVERIFY(kill.exec(u"SELECT pg_terminate_backend(%1)"_s.arg(before.backend)));
    QSqlQuery gone(admin.connectionForCurrentThread().value());
    const QString stillThere =
        u"SELECT count(*) FROM pg_stat_activity WHERE pid = %1"_s.arg(before.backend);
    QTRY_VERIFY(gone.exec(stillThere) && gone.next() && gone.value(0).toInt() == 0);
    // No statement failed: the probe finds the loss, and the first statement works.
    const auto db = factory.connectionForCurrentThread();
    QVERIFY2(db, qPrintable(db ? QString() : db.error()));
    QVERIFY(backendOf(*db) > 0);
    QVERIFY(backendOf(*db) != before.backend);
}

namespace {
QStringList capturedMessages;
void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedMessages.append(message);
}
} // namespace

void tst_ConnectionFactory::passwordNeverShown()
{
    QLoggingCategory::setFilterRules(u"jc.storage.debug=true"_s);
    capturedMessages.clear();
    const auto previous = qInstallMessageHandler(captureMessage);
    QStringList errors;
    for (const QString &text : {u"postgresql://postgres:s3cret@127.0.0.1:1/db"_s,
                                u"postgresql://postgres@127.0.0.1:1/db?password=s3cret"_s}) {
        errors.append(connectError(postgresUrl(text)));
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY(!capturedMessages.isEmpty());
    for (const QString &message : std::as_const(errors) + capturedMessages) {
        QVERIFY(!message.isEmpty());
        QVERIFY2(!message.contains(u"s3cret"_s), qPrintable(message));
    }
}

QTEST_GUILESS_MAIN(tst_ConnectionFactory)
#include "tst_connectionfactory.moc"

// Bad input through `jobctl`, as an admin would type it, on a real database (SQLite and
// PostgreSQL; issue 7):
//  - a database this user may only read: every command that writes refuses with one message
//    saying it is read-only and what to do, exits 1, and changes nothing; list and history
//    still work;
//  - hostile names and text (quotes, `%`, `_`, `;`, backslash, `--`, SQL, Unicode) as job
//    names, pause and run reasons, setting values and history filters: an unknown job is
//    refused cleanly, every value is stored and shown byte for byte, `%` and `_` match only
//    themselves, and no table is damaged.
// What jobctl wrote is read back with the storage library.
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseUrl.h"
#include "storage/JobSettingsStore.h"
#include "storage/MigrationCatalog.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"

#include "ChildProcess.h"
#include "TestDatabases.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

#include <unistd.h>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::DatabaseUrl;
using jc::SqlDialect;
using jc::test::runProcess;
using jc::test::TestDatabase;
using Result = jc::test::ProcessResult;
using jc::test::urlText;

namespace {

const QString retention = u"History Retention"_s;
const QString uploads = u"Orphaned Uploads Cleanup"_s;

// Root ignores file permissions: as root, the jobctl under test runs as this user instead.
constexpr int unprivilegedId = 65534; // nobody

// Every value is also used as a job name that does not exist.
const QStringList &hostile()
{
    static const QStringList values{
        u"it's"_s,
        u"say \"hi\""_s,
        u"%"_s,
        u"_"_s,
        u"semi;colon"_s,
        u"back\\slash"_s,
        u"x'; DROP TABLE jc_runs; --"_s,
        u"Gr\u00fc\u00dfe \u65e5\u672c\u8a9e \U0001F680 \u05e9\u05dc\u05d5\u05dd"_s,
    };
    return values;
}

// Runs jobctl with `arguments`; with `unprivileged` (and when this test is root) as the
// unprivileged user, through setpriv.
Result jobctl(const QStringList &arguments, bool unprivileged = false)
{
    QString program = QStringLiteral(JOBCTL_PATH);
    QStringList all = arguments;
    if (unprivileged && ::geteuid() == 0) {
        const QString setpriv = QStandardPaths::findExecutable(u"setpriv"_s);
        if (setpriv.isEmpty())
            return {-1, {}, u"setpriv (util-linux) is needed to run jobctl as another user"_s};
        all = QStringList{u"--reuid=%1"_s.arg(unprivilegedId), u"--regid=%1"_s.arg(unprivilegedId),
                          u"--clear-groups"_s, program} +
              arguments;
        program = setpriv;
    }
    return runProcess(program, all, 60000);
}

QString describe(const QStringList &arguments, const Result &result)
{
    return u"jobctl %1\nexit %2\nstdout:\n%3\nstderr:\n%4"_s.arg(arguments.join(u' '))
        .arg(result.exitCode)
        .arg(result.out, result.err);
}

// Runs jobctl and fails the test unless it exits with `status`.
#define JOBCTL(result, status, ...)                                                                \
    const QStringList result##Arguments{__VA_ARGS__};                                              \
    const Result result = jobctl(result##Arguments);                                               \
    QVERIFY2(result.exitCode == (status), qPrintable(describe(result##Arguments, result)))

// Every row of every table (SQLite's own left out), sorted: what "nothing changed" compares.
// Read on a connection of its own, closed again before returning.
QString snapshot(const DatabaseUrl &url)
{
    QStringList lines;
    {
        ConnectionFactory factory(url);
        const auto db = factory.connectionForCurrentThread();
        if (!db)
            return u"cannot connect: "_s + db.error();
        QStringList tables = db->tables();
        tables.sort();
        for (const QString &table : std::as_const(tables)) {
            if (table.startsWith(u"sqlite_"_s))
                continue;
            QSqlQuery query(*db);
            if (!query.exec(u"SELECT * FROM "_s + table))
                return u"cannot read "_s + table + u": "_s + query.lastError().text();
            QStringList rows;
            while (query.next()) {
                QStringList values;
                for (int i = 0; i < query.record().count(); ++i)
                    values.append(query.isNull(i) ? u"NULL"_s : query.value(i).toString());
                rows.append(table + u": "_s + values.join(u" | "_s));
            }
            rows.sort();
            lines.append(table + u" ("_s + QString::number(rows.size()) + u" rows)"_s);
            lines += rows;
        }
    }
    return lines.join(u'\n');
}

// The SQLite file's bytes and its folder's entries: a refused command may not even create a
// journal next to it.
// SQLite's shared-memory index (-shm) and an empty log (-wal) are left out: a reader of a WAL
// database creates them, and they hold no data.
QString fileState(const QString &folder)
{
    QStringList state;
    const QDir dir(folder);
    for (const QFileInfo &entry :
         dir.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name)) {
        if (entry.fileName().endsWith(u"-shm"_s) ||
            (entry.fileName().endsWith(u"-wal"_s) && entry.size() == 0))
            continue;
        QFile file(entry.filePath());
        QByteArray hash;
        if (file.open(QIODevice::ReadOnly))
            hash = QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
        state.append(entry.fileName() + u' ' + QString::fromLatin1(hash));
    }
    return state.join(u'\n');
}

// Runs one statement as the test's PostgreSQL superuser on `url`'s database.
QString execAsAdmin(const DatabaseUrl &url, const QString &sql)
{
    ConnectionFactory factory(url);
    const auto db = factory.connectionForCurrentThread();
    if (!db)
        return db.error();
    QSqlQuery query(*db);
    return query.exec(sql) ? QString() : query.lastError().text();
}

// A login role that may only read, dropped (after the test database, which holds its grants)
// when this goes out of scope.
class ReaderRole
{
public:
    ReaderRole() = default;
    ReaderRole(const ReaderRole &) = delete;
    ReaderRole &operator=(const ReaderRole &) = delete;
    ~ReaderRole()
    {
        if (!m_name.isEmpty())
            execAsAdmin(m_server, u"DROP ROLE IF EXISTS "_s + m_name);
    }

    // `mayCreate`: also CREATE in schema public, as PostgreSQL 14 and older give every role.
    QString create(const TestDatabase &database, bool mayCreate = false)
    {
        m_server = database.serverUrl();
        m_name = u"jc_reader_%1"_s.arg(QCoreApplication::applicationPid());
        if (QString error = execAsAdmin(m_server, u"CREATE ROLE "_s + m_name + u" LOGIN"_s);
            !error.isEmpty())
            return error;
        if (mayCreate) {
            if (QString error =
                    execAsAdmin(database.url(), u"GRANT CREATE ON SCHEMA public TO "_s + m_name);
                !error.isEmpty())
                return error;
        }
        return execAsAdmin(database.url(),
                           u"GRANT SELECT ON ALL TABLES IN SCHEMA public TO "_s + m_name);
    }
    const QString &name() const { return m_name; }

private:
    DatabaseUrl m_server;
    QString m_name;
};

// `url`'s text with another user and no password.
QString withUser(const DatabaseUrl &url, const QString &user)
{
    return u"postgresql://%1@%2:%3/%4"_s.arg(user, url.host())
        .arg(url.port())
        .arg(url.databaseName());
}

enum class ReadOnly {
    SqliteFile,
    SqliteFolder,
    PostgresDatabase,
    PostgresUser,
    PostgresUserMayCreate
};

} // namespace

Q_DECLARE_METATYPE(ReadOnly)

class tst_JobctlBadInput : public QObject
{
    Q_OBJECT

private slots:
    void readOnlyDatabaseIsRefused_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<ReadOnly>("how");
        QTest::addColumn<QString>("advice"); // what the message must tell to do
        QTest::newRow("sqlite, read-only file")
            << SqlDialect::Sqlite << ReadOnly::SqliteFile
            << u"make the file and its folder writable for this user"_s;
        QTest::newRow("sqlite, writable file in a read-only folder")
            << SqlDialect::Sqlite << ReadOnly::SqliteFolder
            << u"make the file and its folder writable for this user"_s;
        QTest::newRow("postgresql, default_transaction_read_only")
            << SqlDialect::Postgres << ReadOnly::PostgresDatabase
            << u"default_transaction_read_only off"_s;
        QTest::newRow("postgresql, a user that may only SELECT")
            << SqlDialect::Postgres << ReadOnly::PostgresUser
            << u"Connect as a user that may create and change tables"_s;
        QTest::newRow("postgresql, a user that may create tables but only SELECT ours")
            << SqlDialect::Postgres << ReadOnly::PostgresUserMayCreate
            << u"Connect as a user that may create and change tables"_s;
    }
    void readOnlyDatabaseIsRefused()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(ReadOnly, how);
        QFETCH(QString, advice);
        ReaderRole reader; // outlives the database, which holds its grants
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());

        // A database in use: migrated, a job paused, a setting stored, a run recorded.
        JOBCTL(migrated, 0, u"--db"_s, db, u"migrate"_s);
        JOBCTL(paused, 0, u"--db"_s, db, u"pause"_s, retention, u"--reason"_s, u"before"_s);
        JOBCTL(set, 0, u"--db"_s, db, u"set"_s, retention, u"--setting"_s, u"keepRuns=300"_s);
        JOBCTL(ran, 0, u"--db"_s, db, u"run"_s, retention, u"--wait"_s);
        const QString before = snapshot(database.url());
        QVERIFY2(before.contains(u"jc_job_pauses (1 rows)"_s), qPrintable(before));
        QVERIFY2(before.contains(u"jc_runs (1 rows)"_s), qPrintable(before));
        JOBCTL(history, 0, u"--db"_s, db, u"history"_s, retention, u"--json"_s);
        const QString runId = QString::number(QJsonDocument::fromJson(history.out.toUtf8())
                                                  .array()
                                                  .at(0)
                                                  .toObject()
                                                  .value(u"id"_s)
                                                  .toInteger());
        QVERIFY2(runId != u"0"_s, qPrintable(history.out));

        // Made read-only for the jobctl to come.
        QString target = db;
        bool unprivileged = false;
        const QString folder = database.folder();
        const QString file = database.url().filePath();
        const bool root = ::geteuid() == 0;
        switch (how) {
        case ReadOnly::SqliteFile: // in a folder this user may write
            unprivileged = true;
            QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner |
                                                      QFile::ExeOwner | QFile::ReadOther |
                                                      QFile::ExeOther));
            if (root) {
                QCOMPARE(
                    ::chown(QFile::encodeName(folder).constData(), unprivilegedId, unprivilegedId),
                    0);
            }
            QVERIFY(QFile::setPermissions(file, QFile::ReadOwner | QFile::ReadOther));
            break;
        case ReadOnly::SqliteFolder:
            unprivileged = true;
            if (root) {
                QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner |
                                                          QFile::ExeOwner | QFile::ReadOther |
                                                          QFile::ExeOther));
                QCOMPARE(
                    ::chown(QFile::encodeName(file).constData(), unprivilegedId, unprivilegedId),
                    0);
            } else {
                QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
            }
            break;
        case ReadOnly::PostgresDatabase: {
            const QString error =
                execAsAdmin(database.url(), u"ALTER DATABASE "_s + database.url().databaseName() +
                                                u" SET default_transaction_read_only = on"_s);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            break;
        }
        case ReadOnly::PostgresUser:
        case ReadOnly::PostgresUserMayCreate: {
            const QString error = reader.create(database, how == ReadOnly::PostgresUserMayCreate);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            target = withUser(database.url(), reader.name());
            break;
        }
        }
        const auto restorePermissions = [&] {
            if (dialect == SqlDialect::Sqlite) {
                QFile::setPermissions(folder,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
                QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
            }
        };
        const auto restore = qScopeGuard(restorePermissions);
        const QString filesBefore = dialect == SqlDialect::Sqlite ? fileState(folder) : QString();

        const QList<QStringList> writes{
            {u"migrate"_s},
            {u"run"_s, retention, u"--wait"_s, u"--reason"_s, u"after"_s},
            {u"pause"_s, retention, u"--reason"_s, u"after"_s},
            {u"resume"_s, retention},
            {u"set"_s, retention, u"--setting"_s, u"keepRuns=5"_s},
            {u"cancel"_s, runId},
        };
        for (const QStringList &command : writes) {
            const QStringList arguments = QStringList{u"--db"_s, target} + command;
            const Result result = jobctl(arguments, unprivileged);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 1, qPrintable(what));
            QVERIFY2(result.out.isEmpty(), qPrintable(what));
            // One line, from the command, saying so and what to do.
            const QStringList errors =
                result.err.split(u'\n').filter(u"jobctl "_s + command.first() + u": "_s);
            QVERIFY2(errors.size() == 1, qPrintable(what));
            QVERIFY2(errors.first().contains(u"read-only"_s), qPrintable(what));
            QVERIFY2(errors.first().contains(advice), qPrintable(what));
            QVERIFY2(errors.first().contains(
                         dialect == SqlDialect::Sqlite ? file : database.url().databaseName()),
                     qPrintable(what));
        }
        if (dialect == SqlDialect::Sqlite) // before the reads, which may leave WAL files behind
            QCOMPARE(fileState(folder), filesBefore);
        // What only reads still works: an admin may look at a database they may not change
        // (readers open it read-only, so also in a folder this user may not write).
        const QList<QStringList> reads{{u"list"_s}, {u"history"_s, retention, u"--json"_s}};
        for (const QStringList &command : reads) {
            const QStringList arguments = QStringList{u"--db"_s, target} + command;
            const Result result = jobctl(arguments, unprivileged);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 0, qPrintable(what));
            QVERIFY2(result.out.contains(command.first() == u"list"_s ? retention : runId),
                     qPrintable(what));
        }
        restorePermissions(); // for the snapshot, when this test is not root
        QCOMPARE(snapshot(database.url()), before);
    }

    // A database that is not there (a typo, a file not yet copied) is an error for every
    // command that reads or runs jobs: nothing is created, not even the folder of the default
    // location. Creating one is `migrate` (or `seed`), asked for by name.
    void missingDatabaseIsAnError_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::newRow("list") << QStringList{u"list"_s};
        QTest::newRow("history") << QStringList{u"history"_s, retention};
        QTest::newRow("pause") << QStringList{u"pause"_s, retention, u"--reason"_s, u"x"_s};
        QTest::newRow("resume") << QStringList{u"resume"_s, retention};
        QTest::newRow("cancel") << QStringList{u"cancel"_s, u"1"_s};
        QTest::newRow("set") << QStringList{u"set"_s, retention, u"--setting"_s, u"keepRuns=5"_s};
        QTest::newRow("run") << QStringList{u"run"_s, retention, u"--wait"_s};
        QTest::newRow("serve") << QStringList{u"serve"_s};
    }
    void missingDatabaseIsAnError()
    {
        QFETCH(QStringList, command);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"JOBCONSOLE_DB"_s);
        environment.insert(u"XDG_DATA_HOME"_s, folder.filePath(u"data"_s));
        const QString typo = folder.filePath(u"typo.db"_s);
        const auto expectRefused = [&](const QStringList &arguments, const QString &path) {
            const Result result =
                runProcess(QStringLiteral(JOBCTL_PATH), arguments, 30000, environment);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 1, qPrintable(what));
            QVERIFY2(result.err.contains(u"jobctl "_s + command.first() + u": "_s),
                     qPrintable(what));
            QVERIFY2(result.err.contains(path), qPrintable(what));
            QVERIFY2(result.err.contains(u"does not exist"_s), qPrintable(what));
            QVERIFY2(result.err.contains(u"migrate"_s), qPrintable(what)); // how to create one
        };
        expectRefused(QStringList{u"--db"_s, typo} + command, typo);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(!QFileInfo::exists(typo), qPrintable(typo));
        // The default location: no --db, no JOBCONSOLE_DB.
        expectRefused(command, u"jobconsole.db"_s);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(QDir(folder.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{});
        // Asked for by name, it is created.
        const QStringList migrate{u"--db"_s, typo, u"migrate"_s};
        const Result created = runProcess(QStringLiteral(JOBCTL_PATH), migrate, 30000, environment);
        QVERIFY2(created.exitCode == 0, qPrintable(describe(migrate, created)));
        QVERIFY(QFileInfo::exists(typo));
    }

    // --db with no database in it: an empty value (an unset variable in a script) is refused
    // rather than taken for the default database, which exists here and would be listed.
    void aDbOptionWithoutADatabaseIsRefused()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(u"JOBCONSOLE_DB"_s);
        environment.insert(u"XDG_DATA_HOME"_s, folder.filePath(u"data"_s));
        const auto jobctlHere = [&](const QStringList &arguments) {
            return runProcess(QStringLiteral(JOBCTL_PATH), arguments, 30000, environment);
        };
        const Result created = jobctlHere({u"migrate"_s});
        QVERIFY2(created.exitCode == 0, qPrintable(describe({u"migrate"_s}, created)));
        for (const QStringList &arguments :
             {QStringList{u"--db"_s, u""_s, u"list"_s}, QStringList{u"--db="_s, u"list"_s},
              QStringList{u"--db"_s, u"  "_s, u"pause"_s, retention}}) {
            const Result result = jobctlHere(arguments);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 2, qPrintable(what));
            QVERIFY2(result.err.contains(u"--db is empty"_s), qPrintable(what));
            QVERIFY2(result.out.isEmpty(), qPrintable(what));
        }
        const Result missing = jobctlHere({u"--db"_s});
        const QString what = describe({u"--db"_s}, missing);
        QVERIFY2(missing.exitCode == 2, qPrintable(what));
        for (const QString &form : {u"SQLite path"_s, u"postgresql://"_s, u"mysql://"_s})
            QVERIFY2(missing.err.contains(form), qPrintable(what));
    }

    // A device opens as an empty SQLite database: it was offered `migrate`, which cannot work.
    void aDeviceIsNoDatabase()
    {
        JOBCTL(result, 1, u"--db"_s, u"/dev/null"_s, u"list"_s);
        QVERIFY2(result.err.contains(u"/dev/null is not a regular file"_s), qPrintable(result.err));
        QVERIFY2(!result.err.contains(u"migrate"_s), qPrintable(result.err));
    }

    // A database with tables, none of them the app's (another program's, a wrong file): every
    // command refuses it naming what is missing, and adds nothing to it.
    void foreignDatabaseIsRefused_data() { jc::test::addDatabaseRowsWithMySql(); }
    void foreignDatabaseIsRefused()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QCOMPARE(execAsAdmin(database.url(), u"CREATE TABLE customers (id integer)"_s), QString());
        QCOMPARE(execAsAdmin(database.url(), u"INSERT INTO customers VALUES (7)"_s), QString());
        const QString before = snapshot(database.url());
        // Another program's file keeps its rollback journal: even switching it to WAL (a
        // write to its header) would change it.
        if (dialect == SqlDialect::Sqlite)
            QCOMPARE(execAsAdmin(database.url(), u"PRAGMA journal_mode=DELETE"_s), QString());
        const QString filesBefore =
            dialect == SqlDialect::Sqlite ? fileState(database.folder()) : QString();
        const QString db = urlText(database.url());
        const QList<QStringList> commands{
            {u"list"_s},
            {u"history"_s},
            {u"pause"_s, retention, u"--reason"_s, u"x"_s},
            {u"set"_s, retention, u"--setting"_s, u"keepRuns=5"_s},
            {u"run"_s, retention, u"--wait"_s},
            {u"serve"_s},
            {u"migrate"_s},
            {u"seed"_s, u"--demo"_s, u"--uploads"_s, database.folder() + u"/uploads"_s},
        };
        for (const QStringList &command : commands) {
            const QStringList arguments = QStringList{u"--db"_s, db} + command;
            const Result result = jobctl(arguments);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 1, qPrintable(what));
            QVERIFY2(result.err.contains(u"jobctl "_s + command.first() + u": "_s),
                     qPrintable(what));
            for (const QString &named :
                 {u"customers"_s, u"users"_s, u"credit_adjustments"_s, u"Nothing was changed"_s})
                QVERIFY2(result.err.contains(named), qPrintable(what));
        }
        if (dialect == SqlDialect::Sqlite)
            QCOMPARE(fileState(database.folder()), filesBefore);
        QCOMPARE(snapshot(database.url()), before);
    }

    // Readers never migrate: on a database whose schema is older than this build (or that has
    // no tables yet) `list` and `history` say to run `jobctl migrate`, and change nothing.
    void readersNeverMigrate_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::addColumn<int>("version"); // migrations applied before; 0: none, no tables
        QTest::addColumn<QString>("said");
        const QString older = u"older than version %1"_s.arg(jc::Migrator().latestVersion());
        QTest::newRow("sqlite, older schema") << SqlDialect::Sqlite << 7 << older;
        QTest::newRow("postgresql, older schema") << SqlDialect::Postgres << 7 << older;
        QTest::newRow("sqlite, the app's tables only") << SqlDialect::Sqlite << 2 << older;
        QTest::newRow("sqlite, no tables") << SqlDialect::Sqlite << 0 << u"no tables"_s;
        QTest::newRow("postgresql, no tables") << SqlDialect::Postgres << 0 << u"no tables"_s;
    }
    void readersNeverMigrate()
    {
        QFETCH(SqlDialect, dialect);
        QFETCH(int, version);
        QFETCH(QString, said);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        if (version > 0) {
            ConnectionFactory factory(database.url());
            const auto db = factory.connectionForCurrentThread();
            QVERIFY2(db, qPrintable(db ? QString() : db.error()));
            const auto migrated =
                jc::Migrator(jc::MigrationCatalog::all().mid(0, version)).migrate(*db);
            QVERIFY2(migrated, qPrintable(migrated ? QString() : migrated.error()));
            if (version < 3) { // the app's tables as the app made them: no version of ours
                QSqlQuery drop(*db);
                QVERIFY(drop.exec(u"DROP TABLE jc_schema_version"_s));
            }
        }
        const QString before = snapshot(database.url());
        const QString filesBefore =
            dialect == SqlDialect::Sqlite ? fileState(database.folder()) : QString();
        const QString db = urlText(database.url());
        for (const QStringList &command : QList<QStringList>{{u"list"_s}, {u"history"_s}}) {
            const QStringList arguments = QStringList{u"--db"_s, db} + command;
            const Result result = jobctl(arguments);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 1, qPrintable(what));
            QVERIFY2(result.err.contains(said), qPrintable(what));
            QVERIFY2(result.err.contains(u"jobctl --db "_s), qPrintable(what));
            QVERIFY2(result.err.contains(u" migrate`"_s), qPrintable(what));
            QVERIFY2(result.err.contains(u"Nothing was changed"_s), qPrintable(what));
        }
        if (dialect == SqlDialect::Sqlite)
            QCOMPARE(fileState(database.folder()), filesBefore);
        QCOMPARE(snapshot(database.url()), before);
    }

    // A file the user may read but not write answers every reader, opened with SQLite's
    // read-only flag: its bytes do not change, not even its journal mode, and no file appears
    // next to it. Also for its owner, who could write it: a reader does not.
    void readersOpenTheFileReadOnly_data()
    {
        QTest::addColumn<bool>("unprivileged"); // run as `nobody` (when this test is root)
        QTest::addColumn<bool>("folderWritable");
        QTest::addColumn<bool>("wal"); // else a rollback journal
        QTest::newRow("read-only file, writable folder") << true << true << false;
        QTest::newRow("read-only file in a read-only folder") << true << false << false;
        QTest::newRow("a file its owner may write") << false << true << false;
        QTest::newRow("read-only file in a read-only folder, WAL, nobody has it open")
            << true << false << true;
    }
    void readersOpenTheFileReadOnly()
    {
        QFETCH(bool, unprivileged);
        QFETCH(bool, folderWritable);
        QFETCH(bool, wal);
        TestDatabase database(SqlDialect::Sqlite);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        JOBCTL(migrated, 0, u"--db"_s, db, u"migrate"_s);
        JOBCTL(ran, 0, u"--db"_s, db, u"run"_s, retention, u"--wait"_s);
        // A copy as `cp` or a backup leaves it: one file with a rollback journal. In WAL mode
        // SQLite wants a shared-memory file next to it, which nobody may create in a read-only
        // folder: nobody has the file open, so it is read as it is.
        if (!wal)
            QCOMPARE(execAsAdmin(database.url(), u"PRAGMA journal_mode=DELETE"_s), QString());
        const QString folder = database.folder();
        const QString file = database.url().filePath();
        const auto restore = qScopeGuard([&] {
            QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        });
        if (unprivileged) {
            QVERIFY(QFile::setPermissions(file, QFile::ReadOwner | QFile::ReadOther));
            QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner |
                                                      QFile::ExeOwner | QFile::ReadOther |
                                                      QFile::ExeOther));
            if (folderWritable && ::geteuid() == 0) {
                QCOMPARE(
                    ::chown(QFile::encodeName(folder).constData(), unprivilegedId, unprivilegedId),
                    0);
            }
            if (!folderWritable && ::geteuid() != 0)
                QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
        }
        const QString filesBefore = fileState(folder);
        const QList<QStringList> reads{{u"list"_s}, {u"history"_s, retention, u"--json"_s}};
        for (const QStringList &command : reads) {
            const QStringList arguments = QStringList{u"--db"_s, db} + command;
            const Result result = jobctl(arguments, unprivileged);
            const QString what = describe(arguments, result);
            QVERIFY2(result.exitCode == 0, qPrintable(what));
            QVERIFY2(result.out.contains(retention), qPrintable(what));
            QCOMPARE(fileState(folder), filesBefore);
        }
    }

    // A job's alert rules (issue 18) are set like its own settings, shown with them, and a bad
    // value is refused with what is allowed, before anything is stored.
    void alertRulesAreSettings()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString db = u"sqlite:"_s + folder.filePath(u"jobs.db"_s);
        JOBCTL(migrated, 0, u"--db"_s, db, u"migrate"_s);
        JOBCTL(set, 0, u"--db"_s, db, u"set"_s, retention, u"--setting"_s,
               u"alertAfterFailures=3"_s, u"--setting"_s,
               u"alertWebhooks=https://hooks.example.org/a,http://127.0.0.1:9/b"_s);
        JOBCTL(shown, 0, u"--db"_s, db, u"set"_s, retention);
        QVERIFY2(shown.out.contains(u"alertAfterFailures = 3  [database]"_s),
                 qPrintable(shown.out));
        QVERIFY2(shown.out.contains(u"alertOnFailure = yes  [default]"_s), qPrintable(shown.out));
        QVERIFY2(shown.out.contains(
                     u"alertWebhooks = https://hooks.example.org/a,http://127.0.0.1:9/b"_s),
                 qPrintable(shown.out));
        const QString before = snapshot(jc::DatabaseUrl::parse(db).value());
        for (const QString &bad : {u"alertWebhooks=hooks.example.org"_s, u"alertOnMissed=maybe"_s,
                                   u"alertAfterFailures=0"_s}) {
            JOBCTL(refused, 2, u"--db"_s, db, u"set"_s, retention, u"--setting"_s, bad);
            QVERIFY2(refused.err.contains(bad.section(u'=', 0, 0) + u": "_s),
                     qPrintable(refused.err));
        }
        QCOMPARE(snapshot(jc::DatabaseUrl::parse(db).value()), before);
    }

    // A job that does not exist, named with hostile text: every command taking a JOB refuses
    // it cleanly, and nothing changes.
    void hostileJobNamesAreRefused_data() { jc::test::addDatabaseRowsWithMySql(); }
    void hostileJobNamesAreRefused()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        JOBCTL(migrated, 0, u"--db"_s, db, u"migrate"_s);
        JOBCTL(paused, 0, u"--db"_s, db, u"pause"_s, retention, u"--reason"_s, u"held"_s);
        JOBCTL(ran, 0, u"--db"_s, db, u"run"_s, retention, u"--wait"_s);
        const QString before = snapshot(database.url());

        for (const QString &name : hostile()) {
            const QString unknown = u"no job named \"%1\""_s.arg(name);
            JOBCTL(pause, 2, u"--db"_s, db, u"pause"_s, name, u"--reason=x"_s);
            QVERIFY2(pause.err.contains(unknown), qPrintable(describe(pauseArguments, pause)));
            JOBCTL(resume, 2, u"--db"_s, db, u"resume"_s, name);
            QVERIFY2(resume.err.contains(unknown), qPrintable(describe(resumeArguments, resume)));
            // run and set look the name up before they open the database: once is enough.
            if (dialect == SqlDialect::Sqlite) {
                JOBCTL(run, 2, u"--db"_s, db, u"run"_s, name, u"--wait"_s);
                QVERIFY2(run.err.contains(unknown), qPrintable(describe(runArguments, run)));
                JOBCTL(set, 2, u"--db"_s, db, u"set"_s, name, u"--setting"_s, u"keepRuns=5"_s);
                QVERIFY2(set.err.contains(u"jobctl set: "_s),
                         qPrintable(describe(setArguments, set)));
            }
            // history names a job too: refused like the rest, not "No runs." (issue 21).
            JOBCTL(history, 2, u"--db"_s, db, u"history"_s, name, u"--failed"_s, u"--since"_s,
                   u"2000-01-01"_s, u"--json"_s);
            QVERIFY2(history.err.contains(unknown),
                     qPrintable(describe(historyArguments, history)));
            QVERIFY2(history.out.isEmpty(), qPrintable(describe(historyArguments, history)));
        }
        QCOMPARE(snapshot(database.url()), before);
    }

    // Hostile text as pause reasons, run reasons, setting values and history filters: stored
    // as given, shown as given, matched literally; the tables survive.
    void hostileTextIsStoredLiterally_data() { jc::test::addDatabaseRowsWithMySql(); }
    void hostileTextIsStoredLiterally()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString db = urlText(database.url());
        JOBCTL(migrated, 0, u"--db"_s, db, u"migrate"_s);
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        const auto connection = factory->connectionForCurrentThread();
        QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));

        for (const QString &text : hostile()) {
            // Pause reasons.
            JOBCTL(paused, 0, u"--db"_s, db, u"pause"_s, retention, u"--reason="_s + text);
            const auto pauses = jc::PauseStore(factory).all();
            QVERIFY2(pauses, qPrintable(pauses ? QString() : pauses.error()));
            QCOMPARE(pauses->size(), 1);
            QCOMPARE(pauses->value(retention).reason.toUtf8(), text.toUtf8());

            // Run reasons.
            JOBCTL(ran, 0, u"--db"_s, db, u"run"_s, retention, u"--wait"_s, u"--reason="_s + text);

            // Setting values (a path: any text is a valid one).
            JOBCTL(set, 0, u"--db"_s, db, u"set"_s, uploads, u"--setting"_s,
                   u"uploadsDir="_s + text);
            const auto settings = jc::JobSettingsStore(factory).all();
            QVERIFY2(settings, qPrintable(settings ? QString() : settings.error()));
            QCOMPARE(settings->value(uploads).value(u"uploadsDir"_s).toString().toUtf8(),
                     text.toUtf8());
        }
        JOBCTL(shown, 0, u"--db"_s, db, u"set"_s, uploads);
        QVERIFY2(shown.out.contains(u"uploadsDir = "_s + hostile().constLast()),
                 qPrintable(shown.out));

        // Every run reason, as the history shows it and as stored.
        JOBCTL(history, 0, u"--db"_s, db, u"history"_s, retention, u"--json"_s);
        QStringList shownReasons;
        for (const QJsonValue &run : QJsonDocument::fromJson(history.out.toUtf8()).array())
            shownReasons.prepend(run.toObject().value(u"reason"_s).toString());
        QCOMPARE(shownReasons, hostile());
        const auto stored = jc::RunHistory(factory).runs({.job = retention});
        QVERIFY2(stored, qPrintable(stored ? QString() : stored.error()));
        QCOMPARE(stored->size(), hostile().size());
        for (qsizetype i = 0; i < stored->size(); ++i)
            QCOMPARE(stored->at(i).reason.toUtf8(),
                     hostile().at(hostile().size() - 1 - i).toUtf8());

        // A number setting given SQL is refused, and nothing is stored.
        const auto settingsBefore = jc::JobSettingsStore(factory).all();
        JOBCTL(refused, 2, u"--db"_s, db, u"set"_s, retention, u"--setting"_s,
               u"keepRuns=1; DROP TABLE jc_runs; --"_s);
        QVERIFY2(refused.err.contains(u"keepRuns"_s), qPrintable(refused.err));
        QCOMPARE(jc::JobSettingsStore(factory).all().value(), settingsBefore.value());
        JOBCTL(badSince, 2, u"--db"_s, db, u"history"_s, u"--since"_s,
               u"2026-01-01'; DROP TABLE jc_runs; --"_s);
        QVERIFY2(badSince.err.contains(u"--since"_s), qPrintable(badSince.err));

        // History filters: one failed run per hostile job name (and a decoy each that a
        // wildcard would match); each name finds exactly its own run. No job has these names:
        // history still shows runs recorded under one (a job since renamed or removed).
        const qint64 t0 =
            QDateTime(QDate(2026, 1, 10), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        QStringList names = hostile();
        names += QStringList{u"100"_s, u"x"_s, u"backslash"_s, u"it''s"_s};
        for (qsizetype i = 0; i < names.size(); ++i) {
            QSqlQuery insert(*connection);
            insert.prepare(u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, "
                           u"occurrence_key, status, started_at_ms, finished_at_ms, error, "
                           u"attempts, instance_id) VALUES (?, 'scheduled', ?, ?, 'failed', ?, "
                           u"?, ?, 1, 'seed')"_s);
            const qint64 at = t0 + i * 60000;
            for (const QVariant &value :
                 QVariantList{names.at(i), at, u"k%1"_s.arg(i), at, at + 1000, names.at(i)})
                insert.addBindValue(value);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
        for (const QString &name : hostile()) {
            JOBCTL(found, 0, u"--db"_s, db, u"history"_s, name, u"--failed"_s, u"--since"_s,
                   u"2026-01-10"_s, u"--json"_s);
            const QJsonArray runs = QJsonDocument::fromJson(found.out.toUtf8()).array();
            QVERIFY2(runs.size() == 1, qPrintable(describe(foundArguments, found)));
            QCOMPARE(runs.at(0).toObject().value(u"job"_s).toString().toUtf8(), name.toUtf8());
            QCOMPARE(runs.at(0).toObject().value(u"error"_s).toString().toUtf8(), name.toUtf8());
        }

        // No table was damaged: jc_runs holds every run written here.
        QSqlQuery count(*connection);
        QVERIFY2(count.exec(u"SELECT COUNT(*) FROM jc_runs"_s) && count.next(),
                 qPrintable(count.lastError().text()));
        QCOMPARE(count.value(0).toLongLong(), qint64(hostile().size() + names.size()));
        for (const QString &table : {u"jc_job_pauses"_s, u"jc_job_settings"_s, u"jc_job_changes"_s,
                                     u"jc_run_logs"_s, u"jc_instances"_s, u"jc_schema_version"_s})
            QVERIFY2(connection->tables().contains(table), qPrintable(table));
    }
};

QTEST_GUILESS_MAIN(tst_JobctlBadInput)
#include "tst_jobctl_badinput.moc"

// jobconsole as a session ends it: SIGTERM (logout, systemd, kill) quits it as Quit does —
// the process exits 0 and its instance is withdrawn from jc_instances at once, instead of
// lingering until others judge it dead.
#include "storage/ConnectionFactory.h"

#include "TestDatabases.h"

#include <QDir>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::SqlDialect;
using jc::test::TestDatabase;
using jc::test::urlText;

namespace {

// How many console instances the database lists; -1 while it cannot say (not migrated yet).
int consoles(ConnectionFactory &factory)
{
    auto db = factory.connectionForCurrentThread();
    if (!db)
        return -1;
    QSqlQuery query(*db);
    if (!query.exec(u"SELECT count(*) FROM jc_instances WHERE mode = 'console'"_s) || !query.next())
        return -1;
    return query.value(0).toInt();
}

} // namespace

class tst_Jobconsole : public QObject
{
    Q_OBJECT

private slots:
    // On a server or over ssh there is no display: --help and --version still answer (the
    // QApplication aborted before they were read).
    void helpAndVersionNeedNoDisplay()
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const QString &variable :
             {u"QT_QPA_PLATFORM"_s, u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"XDG_SESSION_TYPE"_s})
            environment.remove(variable);
        for (const QString &option : {u"--help"_s, u"--version"_s}) {
            QProcess console;
            console.setProcessEnvironment(environment);
            console.start(QStringLiteral(JOBCONSOLE_PATH), {option});
            QVERIFY2(console.waitForFinished(30000), qPrintable(option));
            const QString out = QString::fromUtf8(console.readAllStandardOutput());
            const QString err = QString::fromUtf8(console.readAllStandardError());
            QVERIFY2(console.exitStatus() == QProcess::NormalExit && console.exitCode() == 0,
                     qPrintable(option + u": "_s + err));
            QVERIFY2(out.contains(option == u"--help"_s ? u"--watch-only"_s : u"jobconsole "_s),
                     qPrintable(out));
        }
    }

    void sigtermQuitsAndWithdraws_data() { jc::test::addDatabaseRowsWithMySql(); }
    void sigtermQuitsAndWithdraws()
    {
        QFETCH(SqlDialect, dialect);
        TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(u"run"_s));
        QVERIFY(QFile::setPermissions(home.filePath(u"run"_s),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        environment.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
        environment.insert(u"XDG_DATA_HOME"_s, home.filePath(u"data"_s));
        environment.insert(u"XDG_RUNTIME_DIR"_s, home.filePath(u"run"_s));
        QProcess console;
        console.setProcessEnvironment(environment);
        console.setProcessChannelMode(QProcess::ForwardedChannels);
        // --run-jobs: a database the console did not create is otherwise only watched until
        // the admin answers a question (no instance row).
        console.start(QStringLiteral(JOBCONSOLE_PATH),
                      {u"--db"_s, urlText(database.url()), u"--run-jobs"_s});
        QVERIFY2(console.waitForStarted(), qPrintable(console.errorString()));

        ConnectionFactory factory(database.url());
        QTRY_COMPARE_WITH_TIMEOUT(consoles(factory), 1, 60000);
        QVERIFY(::kill(static_cast<pid_t>(console.processId()), SIGTERM) == 0);
        QVERIFY(console.waitForFinished(60000));
        QCOMPARE(console.exitStatus(), QProcess::NormalExit);
        QCOMPARE(console.exitCode(), 0);
        QCOMPARE(consoles(factory), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Jobconsole)
#include "tst_jobconsole.moc"

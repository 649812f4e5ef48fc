// The console's start on a database (issue 21, "opening a database changes nothing unasked"),
// driven as a person does, with clicks on the questions it shows:
//  - a SQLite path that does not exist is created only on "Create a new database here";
//    Cancel leaves nothing behind and says why;
//  - another program's database (tables, none of the app's) is refused naming what is
//    missing, and nothing is added to it;
//  - a console that runs no jobs is a reader: it never migrates (an older schema says to run
//    `jobctl migrate`), and on a database it may not write it opens read-only with the
//    actions that write disabled, their tooltips saying why (a click on Pause does nothing);
//  - a database this console did not create is watched until the admin chooses, once;
//  - connecting says so while it lasts, and a server that does not answer is given up with
//    the reason within 5 s.
#include "MainWindowParts.h"
#include "engine/ManualClock.h"
#include "jobs/JobCatalog.h"
#include "main/ConsoleDatabase.h"
#include "main/ConsoleSetup.h"
#include "main/JobActions.h"
#include "main/MainWindow.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/ConnectionFactory.h"
#include "storage/MigrationCatalog.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"

#include "TestDatabases.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>
#include <QToolBar>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using jc::ConsoleDatabase;
using jc::ConsoleSettings;
using jc::PasswordVault;

namespace {

// These tests open given databases only: reaching for the demo database is an error.
const ConsoleDatabase::DemoOpener noDemo =
    []() -> jc::Expected<std::shared_ptr<jc::ConnectionFactory>, QString> {
    return jc::Unexpected(u"the demo database was opened where a given one was expected"_s);
};

// Answers the modal dialogs that show, in order, each with a click on its button named in
// `buttons`, from inside the dialog's exec(); remembers their texts. A dialog beyond those is
// unexpected: it is rejected (so that the test goes on) and counted. Checked on every turn of
// the event loop, so each click comes as soon as its dialog is up.
class DialogAnswerer : public QObject
{
public:
    explicit DialogAnswerer(QStringList buttons = {})
        : m_buttons(std::move(buttons))
    {
        m_timer.setInterval(0);
        connect(&m_timer, &QTimer::timeout, this, &DialogAnswerer::check);
        m_timer.start();
    }

    bool answered() const { return m_answered > 0 && m_answered == m_buttons.size(); }
    int unexpected() const { return m_unexpected; }
    const QString &text() const { return m_text; }

private:
    void check()
    {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || !box->isVisible() || box == m_last)
            return;
        m_last = box;
        m_text += box->text() + u'\n' + box->informativeText() + u'\n';
        if (m_answered == m_buttons.size()) {
            ++m_unexpected;
            box->reject();
            return;
        }
        auto *button = box->findChild<QAbstractButton *>(m_buttons.at(m_answered));
        if (!button) {
            m_text += u"(no button named "_s + m_buttons.at(m_answered) + u")"_s;
            ++m_unexpected;
            box->reject();
            return;
        }
        ++m_answered;
        QTest::mouseClick(button, Qt::LeftButton);
    }

    QStringList m_buttons;
    QTimer m_timer;
    QPointer<QMessageBox> m_last;
    qsizetype m_answered = 0;
    int m_unexpected = 0;
    QString m_text;
};

// Migrates a PostgreSQL database and makes it read-only for every session after (this suite
// runs as root, which may write any file: a read-only SQLite file would not be); what failed.
QString migratedReadOnly(const jc::test::TestDatabase &database)
{
    jc::ConnectionFactory factory(database.url());
    const auto db = factory.connectionForCurrentThread();
    if (!db)
        return db.error();
    if (const auto migrated = jc::Migrator().migrate(*db); !migrated)
        return migrated.error();
    QSqlQuery query(*db);
    if (!query.exec(u"ALTER DATABASE "_s + database.url().databaseName() +
                    u" SET default_transaction_read_only = on"_s))
        return query.lastError().text();
    return {};
}

// Listens on a loopback port and never accepts: the kernel completes connections into the
// backlog, so a client connects and then waits for an answer that never comes.
class SilentServer
{
public:
    SilentServer()
        : m_fd(::socket(AF_INET, SOCK_STREAM, 0))
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        auto *generic = reinterpret_cast<sockaddr *>(&address);
        if (m_fd < 0 || ::bind(m_fd, generic, length) != 0 || ::listen(m_fd, 16) != 0 ||
            ::getsockname(m_fd, generic, &length) != 0)
            return;
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    int port() const { return m_port; }

private:
    int m_fd;
    int m_port = 0;
};

// A migrated test database.
QString migrate(const jc::test::TestDatabase &database)
{
    jc::ConnectionFactory factory(database.url());
    const auto db = factory.connectionForCurrentThread();
    if (!db)
        return db.error();
    const auto migrated = jc::Migrator().migrate(*db);
    return migrated ? QString() : migrated.error();
}

} // namespace

class tst_ConsoleDatabase : public QObject
{
    Q_OBJECT

private slots:
    void missingPathIsCreatedOnlyWhenChosen_data()
    {
        QTest::addColumn<QString>("button");
        QTest::addColumn<bool>("created");
        QTest::newRow("cancel") << u"cancelButton"_s << false;
        QTest::newRow("create a new database here") << u"createDatabaseButton"_s << true;
    }
    void missingPathIsCreatedOnlyWhenChosen()
    {
        QFETCH(QString, button);
        QFETCH(bool, created);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString typo = folder.filePath(u"typo.db"_s);
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);

        DialogAnswerer answerer({button});
        const auto opened = ConsoleDatabase::open(typo, false, noDemo, settings, vault);
        QVERIFY2(answerer.answered(), "no question was asked before opening");
        QCOMPARE(answerer.unexpected(), 0); // a database created here runs its jobs unasked
        QVERIFY2(answerer.text().contains(typo), qPrintable(answerer.text()));
        QCOMPARE(QFileInfo::exists(typo), created);
        if (!created) {
            QVERIFY(!opened);
            QVERIFY2(opened.error().contains(typo), qPrintable(opened.error()));
            QVERIFY2(opened.error().contains(u"does not exist"_s), qPrintable(opened.error()));
            QCOMPARE(QDir(folder.path()).entryList({u"typo*"_s}), QStringList{});
            return;
        }
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
        QVERIFY(opened->created);
        QVERIFY(opened->runsJobs);
        const auto db = opened->database->connectionForCurrentThread();
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QCOMPARE(jc::Migrator().currentVersion(*db).value(), jc::Migrator().latestVersion());
    }

    // A path whose folder does not exist: said at once, without offering to create a database
    // that could not be created (the offer came first, and a click on it then failed).
    void missingFolderIsSaidAtOnce()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString typo = folder.filePath(u"nope/typo.db"_s);
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        DialogAnswerer answerer;
        const auto opened = ConsoleDatabase::open(typo, false, noDemo, settings, vault);
        QVERIFY(!opened);
        QCOMPARE(answerer.unexpected(), 0); // no question
        QVERIFY2(opened.error().contains(u"its folder %1 does not exist"_s.arg(
                     QDir::toNativeSeparators(folder.filePath(u"nope"_s)))),
                 qPrintable(opened.error()));
        QVERIFY(!QFileInfo::exists(folder.filePath(u"nope"_s)));
    }

    void foreignDatabaseIsRefused_data() { jc::test::addDatabaseRowsWithMySql(); }
    void foreignDatabaseIsRefused()
    {
        QFETCH(jc::SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        {
            jc::ConnectionFactory factory(database.url());
            const auto db = factory.connectionForCurrentThread();
            QVERIFY2(db, qPrintable(db ? QString() : db.error()));
            QSqlQuery query(*db);
            QVERIFY(query.exec(u"CREATE TABLE customers (id integer)"_s));
        }
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto opened = ConsoleDatabase::open(jc::test::urlText(database.url()), false, noDemo,
                                                  settings, vault);
        QVERIFY(!opened);
        QVERIFY2(opened.error().contains(u"none of the app's"_s), qPrintable(opened.error()));
        QVERIFY2(opened.error().contains(u"users"_s), qPrintable(opened.error()));
        jc::ConnectionFactory factory(database.url());
        QCOMPARE(factory.connectionForCurrentThread()->tables(), QStringList{u"customers"_s});
    }

    void watchOnlyNeverMigrates_data() { jc::test::addDatabaseRowsWithMySql(); }
    void watchOnlyNeverMigrates()
    {
        QFETCH(jc::SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        // Every migration but the last (versions need not be consecutive).
        const QList<jc::Migration> allButLast =
            jc::MigrationCatalog::all().mid(0, jc::MigrationCatalog::all().size() - 1);
        const int older = allButLast.constLast().version;
        {
            jc::ConnectionFactory factory(database.url());
            const auto db = factory.connectionForCurrentThread();
            QVERIFY2(db, qPrintable(db ? QString() : db.error()));
            QVERIFY(jc::Migrator(allButLast).migrate(*db));
        }
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto opened =
            ConsoleDatabase::open(jc::test::urlText(database.url()), false, noDemo, settings, vault,
                                  ConsoleDatabase::Jobs::WatchOnly);
        QVERIFY(!opened);
        QVERIFY2(opened.error().contains(u" migrate`"_s), qPrintable(opened.error()));
        jc::ConnectionFactory factory(database.url());
        QCOMPARE(jc::Migrator().currentVersion(*factory.connectionForCurrentThread()).value(),
                 older);
    }

    // PostgreSQL only: this test runs as root, which may write any file.
    void watchOnlyOnAReadOnlyDatabase()
    {
        jc::test::TestDatabase database(jc::SqlDialect::Postgres);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString readOnly = migratedReadOnly(database);
        QVERIFY2(readOnly.isEmpty(), qPrintable(readOnly));
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto opened =
            ConsoleDatabase::open(jc::test::urlText(database.url()), false, noDemo, settings, vault,
                                  ConsoleDatabase::Jobs::WatchOnly);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
        QVERIFY(opened->database->options().readOnly);
        QVERIFY2(opened->readOnlyReason.contains(u"read-only"_s),
                 qPrintable(opened->readOnlyReason));

        jc::ManualClock clock(QDateTime(QDate(2026, 1, 15), QTime(10, 0), QTimeZone::utc()));
        jc::ConsoleSetup setup;
        setup.database = opened->database;
        setup.databaseText = u"PostgreSQL test"_s;
        setup.clock = &clock;
        setup.jobs = jc::JobCatalog::builtInJobs(opened->database, QTimeZone::utc());
        setup.user = u"tester"_s;
        setup.readOnlyReason = opened->readOnlyReason;
        jc::MainWindow window(setup);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTableView *table = jc::test::jobTable(window);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(table->model()->index(0, 0)).center());
        QAction *pause = jc::test::jobActions(window).pause();
        QTRY_VERIFY_WITH_TIMEOUT(jc::test::jobActions(window).preview()->isEnabled(),
                                 10000); // selected
        QVERIFY(!pause->isEnabled());
        QVERIFY2(pause->toolTip().contains(u"read-only"_s), qPrintable(pause->toolTip()));
        QVERIFY(!jc::test::jobActions(window).runNow()->isEnabled());
        QVERIFY(!jc::test::jobActions(window).resume()->isEnabled());
        QVERIFY(!jc::test::jobActions(window).cancel()->isEnabled());
        auto *toolBar = window.findChild<QToolBar *>(u"jobToolBar"_s);
        QVERIFY(toolBar);
        QWidget *pauseButton = toolBar->widgetForAction(pause);
        QVERIFY(pauseButton);
        QVERIFY(!pauseButton->isEnabled());
        QTest::mouseClick(pauseButton, Qt::LeftButton);
        QVERIFY(!QApplication::activeModalWidget()); // no Pause dialog
        const auto pauses = jc::PauseStore(opened->database).all();
        QVERIFY2(pauses, qPrintable(pauses ? QString() : pauses.error()));
        QVERIFY(pauses->isEmpty());
    }

    // A database this user may only read: nothing to choose, so no "Run jobs here?" question
    // and nothing kept; and where running here was chosen once (the permissions changed
    // since, or the answer was given before), the console opens watching and says why. It
    // asked, kept "Run jobs here", then failed to open at every start, File → Settings out of
    // reach (found clicking through the console). PostgreSQL: this test runs as root, which
    // may write any file.
    void aReadOnlyDatabaseIsWatchedWithoutAsking()
    {
        jc::test::TestDatabase database(jc::SqlDialect::Postgres);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        const QString readOnly = migratedReadOnly(database);
        QVERIFY2(readOnly.isEmpty(), qPrintable(readOnly));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const QString url = jc::test::urlText(database.url());
        const QString key = ConsoleSettings::databaseKey(database.url());
        {
            DialogAnswerer answerer; // any question is unexpected
            const auto opened = ConsoleDatabase::open(url, false, noDemo, settings, vault);
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
            QCOMPARE(answerer.unexpected(), 0);
            QVERIFY(!opened->runsJobs);
            QVERIFY2(opened->readOnlyReason.contains(u"read-only"_s),
                     qPrintable(opened->readOnlyReason));
            QVERIFY(!settings.runJobsOn(key)); // nothing kept
        }
        settings.setRunJobsOn(key, true);
        DialogAnswerer answerer;
        const auto opened = ConsoleDatabase::open(url, false, noDemo, settings, vault);
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
        QCOMPARE(answerer.unexpected(), 0);
        QVERIFY(!opened->runsJobs);
        QVERIFY(opened->database->options().readOnly);
        QVERIFY2(opened->readOnlyReason.contains(u"read-only"_s),
                 qPrintable(opened->readOnlyReason));
    }

    // Where jobs run is the admin's choice: a database this console did not create
    // (PostgreSQL, a SQLite file from elsewhere) is watched until the admin chooses, asked once
    // per database; the settings dialog's choice is then that database's.
    void asksOncePerDatabaseBeforeRunningJobs_data() { jc::test::addDatabaseRowsWithMySql(); }
    void asksOncePerDatabaseBeforeRunningJobs()
    {
        QFETCH(jc::SqlDialect, dialect);
        jc::test::TestDatabase first(dialect);
        jc::test::TestDatabase second(dialect);
        QVERIFY2(first.isReady(), qPrintable(first.error()));
        QVERIFY2(second.isReady(), qPrintable(second.error()));
        QCOMPARE(migrate(first), QString());
        QCOMPARE(migrate(second), QString());
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto start = [&](const jc::test::TestDatabase &database, const QStringList &answers,
                               bool asked, bool runs) {
            DialogAnswerer answerer(answers);
            const auto opened = ConsoleDatabase::open(jc::test::urlText(database.url()), false,
                                                      noDemo, settings, vault);
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
            QCOMPARE(answerer.answered(), asked);
            QCOMPARE(answerer.unexpected(), 0);
            if (asked)
                QVERIFY2(answerer.text().contains(u"Run the scheduled jobs of"_s),
                         qPrintable(answerer.text()));
            QCOMPARE(opened->runsJobs, runs);
        };
        // Asked before anything runs; "Only watch".
        start(first, {u"watchOnlyButton"_s}, true, false);
        // Not asked again: still watching.
        start(first, {}, false, false);
        // Another database: its own question; "Run jobs here".
        start(second, {u"runJobsHereButton"_s}, true, true);
        start(second, {}, false, true);
        // Kept for the next start of the console (a new settings object reads the file).
        ConsoleSettings reread(folder.filePath(u"settings.ini"_s));
        reread.setCurrentDatabase(ConsoleSettings::databaseKey(first.url()));
        QVERIFY(!reread.runJobsHere());
        reread.setCurrentDatabase(ConsoleSettings::databaseKey(second.url()));
        QVERIFY(reread.runJobsHere());
        // --watch-only runs nothing this time, asks nothing and keeps nothing.
        DialogAnswerer none;
        const auto watching =
            ConsoleDatabase::open(jc::test::urlText(second.url()), false, noDemo, settings, vault,
                                  ConsoleDatabase::Jobs::WatchOnly);
        QVERIFY(watching);
        QVERIFY(!watching->runsJobs);
        QCOMPARE(none.unexpected(), 0);
        QCOMPARE(settings.runJobsOn(ConsoleSettings::databaseKey(second.url())), true);
    }

    // A "server" that accepts the connection and never answers: what a wedged host or a
    // firewall that drops packets looks like to libpq.
    void unreachableServerIsGivenUpWithin5s()
    {
        SilentServer silent;
        QVERIFY2(silent.port() > 0, "cannot listen on 127.0.0.1");
        const QString url = u"postgresql://nobody@127.0.0.1:%1/jobs"_s.arg(silent.port());
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        QString shown;
        QTimer watch;
        watch.setInterval(0);
        connect(&watch, &QTimer::timeout, this, [&] {
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                if (widget->objectName() == u"connectingDialog"_s && widget->isVisible()) {
                    auto *label = widget->findChild<QLabel *>();
                    shown = label ? label->text() : u"(no label)"_s;
                    watch.stop();
                }
            }
        });
        watch.start();
        QElapsedTimer elapsed;
        elapsed.start();
        const auto opened = ConsoleDatabase::open(url, false, noDemo, settings, vault);
        const qint64 took = elapsed.elapsed();
        QVERIFY(!opened);
        QVERIFY2(took < 6000, qPrintable(u"gave up after %1 ms"_s.arg(took)));
        QVERIFY2(shown.contains(u"Connecting"_s), qPrintable(shown));
        QVERIFY2(shown.contains(u"127.0.0.1"_s), qPrintable(shown));
        QVERIFY2(opened.error().contains(u"did not answer within 5 s"_s),
                 qPrintable(opened.error()));
        QVERIFY2(opened.error().contains(QString::number(silent.port())),
                 qPrintable(opened.error()));
    }
};

QTEST_MAIN(tst_ConsoleDatabase)
#include "tst_consoledatabase.moc"

// Every open console shows a job's settings change at once (issue 21): a schedule changed in
// one console's Settings (typed and clicked as a person would) moves the Schedule column, Next
// run and Preview schedule of that console, which runs the jobs, and of a watch-only console
// on the same database within seconds, without a restart. Both databases.
#include "HistoryRows.h"
#include "MainWindowParts.h"
#include "TestDatabases.h"

#include "data/TimeDisplay.h"
#include "dialogs/SchedulePreviewDialog.h"
#include "engine/ManualClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "jobs/StaleCreditPurchaseCleanupJob.h"
#include "main/ConsoleStatusBar.h"
#include "main/JobActions.h"
#include "main/MainWindow.h"
#include "models/JobTableModel.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/Migrator.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>

#include <functional>

using namespace jc;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

const QString stale = QString::fromLatin1(StaleCreditPurchaseCleanupJob::name);

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// Answers the next modal dialog from inside its exec(), once it has the focus; any modal
// left open after that (or a second one) is rejected and noted, so a failing test fails
// instead of hanging.
class ModalAnswer
{
public:
    explicit ModalAnswer(std::function<QString(QWidget *)> answer)
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this, answer = std::move(answer)] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal)
                return;
            if (modal == m_answered || answered) {
                if (modal == m_answered && !m_since.hasExpired(5000))
                    return;
                problem += u" a modal was left open: "_s +
                           QString::fromLatin1(modal->metaObject()->className());
                if (auto *dialog = qobject_cast<QDialog *>(modal))
                    dialog->reject();
                return;
            }
            QWidget *focused = QApplication::focusWidget();
            if (!(modal->isActiveWindow() && focused && modal->isAncestorOf(focused)))
                return;
            answered = true;
            m_answered = modal;
            m_since.start();
            problem = answer(modal);
        });
        m_timer.start();
    }

    bool answered = false;
    QString problem;

private:
    QTimer m_timer;
    QElapsedTimer m_since;
    QPointer<QWidget> m_answered;
};

// One console window over the shared database: running the catalog's jobs (with `runtime`)
// or watch-only (without).
std::unique_ptr<MainWindow> openConsole(const std::shared_ptr<ConnectionFactory> &factory,
                                        const DatabaseUrl &url, Clock &clock, JobRuntime *runtime,
                                        ConsoleSettings *settings, PasswordVault *vault)
{
    ConsoleSetup setup;
    setup.database = factory;
    setup.databaseText = ConsoleStatusBar::describe(url);
    setup.clock = &clock;
    setup.jobs = JobCatalog::configuredJobs(factory, QTimeZone::utc());
    setup.runtime = runtime;
    setup.settings = settings;
    setup.vault = vault;
    setup.user = u"alice"_s;
    setup.refreshInterval = 100ms;
    auto window = std::make_unique<MainWindow>(setup);
    window->show();
    return window;
}

QString cell(MainWindow &window, int column)
{
    const JobTableModel *model = test::jobModel(window);
    return model->data(model->index(model->rowOf(stale), column)).toString();
}

// Clicks `job`'s row in the window's table, as a person picks it.
void clickRow(MainWindow &window, const QString &job)
{
    QTableView *table = test::jobTable(window);
    const QModelIndex index = test::jobProxy(window)->mapFromSource(
        test::jobModel(window)->index(test::jobModel(window)->rowOf(job), JobTableModel::Name));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
}

// Clicks the toolbar button of `action`.
void clickToolButton(MainWindow &window, QAction *action)
{
    auto *toolBar = window.findChild<QToolBar *>(u"jobToolBar"_s);
    QWidget *button = toolBar ? toolBar->widgetForAction(action) : nullptr;
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);
}

// Opens Preview schedule for the stale cleanup in `window` by mouse and returns the first
// line of its header and its first occurrence, "|"-separated; the dialog is closed again.
QString previewOf(MainWindow &window)
{
    clickRow(window, stale);
    if (test::selectedJobs(window) != QStringList{stale})
        return u"the row was not selected"_s;
    clickToolButton(window, test::jobActions(window).preview());
    auto *dialog = window.findChild<SchedulePreviewDialog *>();
    if (!dialog)
        return u"no preview dialog"_s;
    QString header;
    for (const QLabel *label : dialog->findChildren<QLabel *>())
        if (label->text().contains(u'\n'))
            header = label->text().section(u'\n', 0, 0);
    auto *table = dialog->findChild<QTableWidget *>(u"occurrenceTable"_s);
    const QString first = table && table->item(0, SchedulePreviewDialog::ScheduleZoneColumn)
                              ? table->item(0, SchedulePreviewDialog::ScheduleZoneColumn)->text()
                              : QString();
    dialog->close();
    delete dialog;
    return header + u'|' + first;
}

} // namespace

class tst_ConsoleFollowsChanges : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
    }

    void scheduleChangeShowsInEveryConsole_data() { test::addDatabaseRowsWithMySql(); }
    void scheduleChangeShowsInEveryConsole()
    {
        QFETCH(SqlDialect, dialect);
        test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:02:00Z"));
        // Its last run: today's midnight. Daily, it is due next at tomorrow's.
        const QString inserted = test::insertRuns(
            factory->connectionForCurrentThread().value(),
            {{.job = stale, .startedMSecs = utc("2026-01-15T00:00:00Z").toMSecsSinceEpoch()}});
        QVERIFY2(inserted.isEmpty(), qPrintable(inserted));

        JobRuntime::Options options;
        options.zone = QTimeZone::utc();
        options.mode = u"console"_s;
        options.scheduler.instanceId = u"console-a"_s;
        auto created = JobRuntime::create(factory, clock, options);
        QVERIFY2(created, qPrintable(created ? QString() : created.error()));
        std::unique_ptr<JobRuntime> runtime = std::move(created).value();
        runtime->scheduler().start();
        ConsoleSettings settings(
            m_home.filePath(u"%1.ini"_s.arg(QString::fromLatin1(QTest::currentDataTag()))));
        settings.setDisplayZone(TimeDisplay::Zone::Utc);
        PasswordVault vault(u"jobconsole-test"_s);
        auto running =
            openConsole(factory, database.url(), clock, runtime.get(), &settings, &vault);
        auto watching = openConsole(std::make_shared<ConnectionFactory>(database.url()),
                                    database.url(), clock, nullptr, nullptr, nullptr);
        QVERIFY(QTest::qWaitForWindowExposed(running.get()));
        QVERIFY(QTest::qWaitForWindowExposed(watching.get()));
        for (MainWindow *window : {running.get(), watching.get()}) {
            QVERIFY2(cell(*window, JobTableModel::ScheduleColumn).startsWith(u"daily — "_s),
                     qPrintable(cell(*window, JobTableModel::ScheduleColumn)));
            QCOMPARE(cell(*window, JobTableModel::NextRun),
                     u"Jan 16 00:00:00 UTC (in 13 h 58 min)"_s);
        }

        // In the running console: pick the job, open Settings, type the new schedule, OK.
        clickRow(*running, stale);
        ModalAnswer answer([](QWidget *modal) {
            auto *line = modal->findChild<QLineEdit *>(u"setting:%1:schedule"_s.arg(stale));
            if (!line)
                return u"no schedule field in %1"_s.arg(
                    QString::fromLatin1(modal->metaObject()->className()));
            line->selectAll();
            QTest::keyClicks(line, u"*/5 * * * *"_s);
            auto *buttons = modal->findChild<QDialogButtonBox *>();
            QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
            return QString();
        });
        running->findChild<QAction *>(u"settingsAction"_s)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(answer.answered, 10000);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));

        // Both consoles, within seconds: the schedule, the next run and the preview.
        for (MainWindow *window : {running.get(), watching.get()}) {
            QTRY_COMPARE_WITH_TIMEOUT(cell(*window, JobTableModel::ScheduleColumn),
                                      u"*/5 * * * * — every 5 minutes (UTC)"_s, 10000);
            QTRY_COMPARE_WITH_TIMEOUT(cell(*window, JobTableModel::NextRun),
                                      u"Jan 15 10:05:00 UTC (in 3 min 0 s)"_s, 10000);
            const QString preview = previewOf(*window);
            QVERIFY2(preview.startsWith(u"*/5 * * * *|"_s), qPrintable(preview));
            QVERIFY2(preview.contains(u"10:05:00"_s), qPrintable(preview));
            // The new schedule counts from 10:02, when it was set: not "overdue since 00:05".
            QCOMPARE(cell(*window, JobTableModel::State), u"idle"_s);
        }
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));
        // The runtime follows it too, and nothing ran for the change.
        QCOMPARE(runtime->scheduler().jobStatus(stale)->nextRun, utc("2026-01-15T10:05:00Z"));
        QVERIFY(runtime->scheduler().activeRuns().isEmpty());
        watching.reset();
        running.reset();
        runtime->scheduler().stop(10s);
    }

    // The window goes away (Quit, a signal) while its Settings dialog is open: the dialog goes
    // with it, and nothing of the window runs on after. (The dialog was exec()'d inside the
    // delivery of the settings' read, on the stack: the window's end deleted it under its own
    // exec().)
    void windowEndsUnderItsSettingsDialog()
    {
        test::TestDatabase database(SqlDialect::Sqlite);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        QVERIFY(Migrator().migrate(factory->connectionForCurrentThread().value()));
        ManualClock clock(utc("2026-01-15T10:02:00Z"));
        ConsoleSettings settings(m_home.filePath(u"ending.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        auto window = openConsole(factory, database.url(), clock, nullptr, &settings, &vault);
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));

        QPointer<QWidget> dialog;
        bool seen = false;
        QTimer closer; // ends the window as soon as the dialog shows, wherever that is
        closer.setInterval(10);
        QObject::connect(&closer, &QTimer::timeout, [&] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!modal || seen)
                return;
            seen = true;
            dialog = modal;
            window.reset();
        });
        closer.start();
        window->findChild<QAction *>(u"settingsAction"_s)->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(seen, 10000);
        QVERIFY(!window);
        QVERIFY(!dialog); // deleted with its window
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(tst_ConsoleFollowsChanges)
#include "tst_consolefollowschanges.moc"

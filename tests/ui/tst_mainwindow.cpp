// The console's main window on both databases, driven through its actions as a person would:
// the table lists the jobs; Run now shows the run live and records it; Pause (with a reason)
// and Resume go through the database and the scheduler; Cancel ends a live run cancelled;
// the status bar follows the database going away and coming back; a double-click opens the
// run's details. The jobs are the test's own: a run "runs" until the test opens its gate or
// cancels it, so nothing depends on timing; cross-thread results are waited for with QTRY.
//
// With JOBCONSOLE_SCREENSHOT_DIR set, the window and the run details dialog are saved there
// as mainwindow.png and run-details.png (for docs and reviews; the test never depends on it).
#include "EnginePrinters.h"
#include "MainWindowParts.h"
#include "TestDatabases.h"
#include "UiInput.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "dialogs/BackfillDialog.h"
#include "dialogs/PauseDialog.h"
#include "dialogs/RunDetailsDialog.h"
#include "dialogs/RunNowDialog.h"
#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "jobs/JobRuntime.h"
#include "main/ConsoleStatusBar.h"
#include "main/FocusRing.h"
#include "main/JobActions.h"
#include "main/JobOperations.h"
#include "main/MainWindow.h"
#include "main/TrayNotifier.h"
#include "models/ItemRoles.h"
#include "models/JobTableModel.h"
#include "models/RunHistoryModel.h"
#include "storage/JobSettingsStore.h"
#include "storage/Migrator.h"
#include "storage/PauseStore.h"
#include "storage/RunHistory.h"
#include "views/HistoryPane.h"
#include "views/RunTableView.h"

#include <QAbstractSpinBox>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlError>
#include <QSqlQuery>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>

#include <functional>

using namespace jc;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

const QString reportJob = QStringLiteral("alpha-report"); // runs until its gate opens
const QString syncJob = QStringLiteral("beta-sync");      // runs until cancelled
const QString cleanupJob = QStringLiteral("gamma-cleanup");
const QString importJob = QStringLiteral("delta-import"); // one file per step the test allows
const QString user = QStringLiteral("tester");

// The controls under `root` that a screen reader could not name: no accessible name, no
// text, no buddy label. Hidden ones count too: they show in some state.
QStringList unnamedControls(QWidget *root)
{
    QStringList unnamed;
    for (QWidget *widget : root->findChildren<QWidget *>()) {
        const bool control =
            qobject_cast<QAbstractButton *>(widget) || qobject_cast<QComboBox *>(widget) ||
            qobject_cast<QLineEdit *>(widget) || qobject_cast<QAbstractSpinBox *>(widget) ||
            qobject_cast<QAbstractItemView *>(widget);
        // Qt's own parts of a named control: headers (their sections are named by the
        // model), corner buttons, popups' insides, toolbar and menu bar overflow buttons.
        static const QStringList parts{u"QHeaderView"_s, u"QTableCornerButton"_s,
                                       u"QComboBoxListView"_s, u"QToolBarExtension"_s};
        if (parts.contains(QString::fromLatin1(widget->metaObject()->className())) ||
            widget->objectName().startsWith(u"qt_"_s))
            continue;
        if (!control || qobject_cast<QLineEdit *>(widget->parentWidget()) ||
            qobject_cast<QAbstractSpinBox *>(widget->parentWidget()) ||
            qobject_cast<QComboBox *>(widget->parentWidget()))
            continue; // a part of a composite control: the composite is named
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        if (!accessible || accessible->text(QAccessible::Name).trimmed().isEmpty())
            unnamed.append(QStringLiteral("%1 \"%2\"")
                               .arg(QString::fromLatin1(widget->metaObject()->className()),
                                    widget->objectName()));
    }
    return unnamed;
}

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// Daily at 03:00 UTC: with the manual clock standing still, no occurrence comes due.
Schedule daily()
{
    auto parsed = Schedule::parse(QStringLiteral("0 3 * * *"), QTimeZone("UTC"));
    if (!parsed)
        qFatal("schedule does not parse");
    return parsed.value();
}

QList<JobDefinition> testJobs(const std::shared_ptr<QSemaphore> &gate,
                              const std::shared_ptr<QSemaphore> &steps)
{
    JobDefinition report{reportJob,
                         QStringLiteral("Writes the report once let through"),
                         daily(),
                         [gate](JobContext &context) {
                             context.setProgress(3, 10, QStringLiteral("pages written"));
                             // Waits for the test, in short slices so a stop ends it too.
                             while (!gate->tryAcquire(1, 20)) {
                                 if (context.isStopRequested())
                                     return JobResult::failure(QStringLiteral("stopped"));
                             }
                             return JobResult::success(QJsonObject{{QStringLiteral("pages"), 10}});
                         },
                         {}};
    JobDefinition sync{syncJob,
                       QStringLiteral("Syncs until cancelled"),
                       daily(),
                       [](JobContext &context) {
                           if (context.sleepFor(10min)) // a stop cuts it short
                               return JobResult::success();
                           return JobResult::failure(QStringLiteral("stopped before the end"));
                       },
                       {}};
    JobDefinition cleanup{cleanupJob,
                          QStringLiteral("Cleans up"),
                          daily(),
                          [](JobContext &) { return JobResult::success(); },
                          {}};
    JobDefinition import{importJob,
                         QStringLiteral("Imports four files, one per step the test allows"),
                         daily(),
                         [steps](JobContext &context) {
                             for (int file = 0; file < 4; ++file) {
                                 context.setProgress(file, 4, QStringLiteral("files imported"));
                                 while (!steps->tryAcquire(1, 20)) {
                                     if (context.isStopRequested())
                                         return JobResult::failure(QStringLiteral("stopped"));
                                 }
                             }
                             return JobResult::success();
                         },
                         {}};
    return {report, sync, cleanup, import};
}

// Answers the modal dialog that the next action opens, from inside its exec(): `answer` gets
// it (and may check its type; a problem goes to `problem`) once the dialog has the focus.
// After the action returns, `answered` says whether a dialog was there to answer. A dialog
// left open (the answer found a problem, or its keys did not close it) is closed, so a
// failing test fails instead of hanging in exec().
class ModalAnswer
{
public:
    explicit ModalAnswer(std::function<QString(QWidget *)> answer)
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this, answer = std::move(answer)] {
            QWidget *modal = QApplication::activeModalWidget();
            if (!answered)
                answerWhenReady(modal, answer);
            else
                closeIfLeftOpen(modal);
        });
        m_timer.start();
    }

    bool answered = false;
    QString problem;

private:
    // The dialog is shown before it is activated and its focus set (the activation is a
    // queued window-system event, late on a slow sanitizer build): answering at once would
    // type into nothing. Waits for the focus inside the dialog, at most kSettle.
    void answerWhenReady(QWidget *modal, const std::function<QString(QWidget *)> &answer)
    {
        if (!modal)
            return;
        if (!m_seen.isValid())
            m_seen.start();
        QWidget *focused = QApplication::focusWidget();
        const bool settled = modal->isActiveWindow() && focused && modal->isAncestorOf(focused);
        if (!settled && !m_seen.hasExpired(kSettle.count()))
            return;
        answered = true;
        m_modal = modal;
        m_answeredAt.start();
        problem = answer(modal);
    }

    // A dialog the answer left open would block its exec() and the test forever: closed
    // after kSettle, and that is a problem of its own.
    void closeIfLeftOpen(QWidget *modal)
    {
        if (!modal || modal != m_modal) {
            m_timer.stop(); // answered and closed
            return;
        }
        if (problem.isEmpty() && !m_answeredAt.hasExpired(kSettle.count()))
            return;
        if (problem.isEmpty())
            problem = u"the dialog stayed open after the answer"_s;
        if (auto *dialog = qobject_cast<QDialog *>(modal))
            dialog->reject();
        else
            modal->close();
    }

    static constexpr std::chrono::milliseconds kSettle{5000};
    QTimer m_timer;
    QElapsedTimer m_seen;
    QElapsedTimer m_answeredAt;
    QPointer<QWidget> m_modal;
};

// The display text of `job`'s cell in `column`, as the table shows it (through the proxy).
QString cell(MainWindow &window, const QString &job, int column)
{
    const JobTableModel *model = test::jobModel(window);
    return model->data(model->index(model->rowOf(job), column)).toString();
}

// `job`'s cell in `column` as the jobs table shows it (through the proxy, scrolled to).
QModelIndex shownIndex(MainWindow &window, const QString &job, int column = JobTableModel::Name)
{
    const JobTableModel *model = test::jobModel(window);
    const QModelIndex index =
        test::jobProxy(window)->mapFromSource(model->index(model->rowOf(job), column));
    test::jobTable(window)->scrollTo(index);
    return index;
}

// Clicks `job`'s row with the mouse, as a person picks a job (with Ctrl: adds or removes it).
void clickRow(MainWindow &window, const QString &job, Qt::KeyboardModifiers modifiers = {})
{
    QTableView *table = test::jobTable(window);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers,
                      table->visualRect(shownIndex(window, job)).center());
}

// Clicks the toolbar button of `action` (a disabled one ignores the click, as for a person).
void clickToolButton(MainWindow &window, QAction *action)
{
    auto *bar = window.findChild<QToolBar *>(u"jobToolBar"_s);
    QTest::mouseClick(bar->widgetForAction(action), Qt::LeftButton);
}

// Gives `handle` the context menu that `open` (a person's input) opens, and returns once the
// menu is closed; the menus' exec() blocks until then, so `handle` must close it (a click on
// an action, Escape). Returns whether a menu opened.
bool handleMenuOpenedBy(const std::function<void()> &open,
                        const std::function<void(QMenu *)> &handle)
{
    bool opened = false;
    QTimer poll;
    poll.setInterval(10);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        poll.stop();
        opened = true;
        handle(menu);
    });
    poll.start();
    open();
    return opened;
}

// Right-clicks `job`'s row and clicks `action` in the context menu that opens. The click goes
// to the window (as the window system delivers it), so that Qt makes the context menu event
// of it. Returns what went wrong (empty: nothing). A menu without the action enabled is
// closed, so the test fails instead of hanging in the menu's exec().
QString chooseFromContextMenu(MainWindow &window, const QString &job, QAction *action)
{
    QString problem;
    QTableView *table = test::jobTable(window);
    const QPoint at =
        table->viewport()->mapTo(&window, table->visualRect(shownIndex(window, job)).center());
    const bool opened = handleMenuOpenedBy(
        [&] { QTest::mouseClick(window.windowHandle(), Qt::RightButton, {}, at); },
        [&](QMenu *menu) {
            if (!menu->actions().contains(action) || !action->isEnabled()) {
                problem = u"the context menu does not offer \"%1\""_s.arg(action->text());
                menu->close();
                return;
            }
            QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(action).center());
        });
    return opened ? problem : u"no context menu opened"_s;
}

// The push button of `dialog` named `name`, clicked with the mouse.
void clickButton(QWidget *dialog, const QString &name)
{
    QTest::mouseClick(dialog->findChild<QPushButton *>(name), Qt::LeftButton);
}

// What the History pane's title says, and whose runs it lists.
QString historyTitle(MainWindow &window)
{
    return window.findChild<QLabel *>(u"historyTitle"_s)->text();
}

// The error of `result`, or empty: QVERIFY2 evaluates its message even when it passes.
template <typename T> QString errorOf(const Expected<T, QString> &result)
{
    return result ? QString() : result.error();
}

void saveScreenshot(QWidget *widget, const QString &file)
{
    const QString folder = qEnvironmentVariable("JOBCONSOLE_SCREENSHOT_DIR");
    if (folder.isEmpty())
        return;
    QDir().mkpath(folder);
    if (!widget->grab().save(QDir(folder).filePath(file)))
        qWarning("could not save %s in %s", qPrintable(file), qPrintable(folder));
}

// A migrated test database, a runtime with the test jobs on it, and the window over both.
struct Console
{
    explicit Console(SqlDialect dialect, std::chrono::milliseconds refresh = 100ms)
        : database(dialect)
    {
        if (!database.isReady()) {
            error = database.error();
            return;
        }
        factory = std::make_shared<ConnectionFactory>(database.url());
        auto connection = factory->connectionForCurrentThread();
        if (!connection) {
            error = connection.error();
            return;
        }
        if (auto migrated = Migrator().migrate(*connection); !migrated) {
            error = migrated.error();
            return;
        }
        JobRuntime::Options options;
        options.zone = QTimeZone("UTC");
        options.jobs = testJobs(gate, steps);
        options.mode = QStringLiteral("console");
        options.scheduler.instanceId = QStringLiteral("console-test");
        options.scheduler.jitterSeed = 7;
        auto created = JobRuntime::create(factory, clock, options);
        if (!created) {
            error = created.error();
            return;
        }
        runtime = std::move(created).value();
        runtime->scheduler().start();

        ConsoleSetup setup;
        setup.database = factory;
        setup.databaseText = ConsoleStatusBar::describe(database.url());
        setup.clock = &clock;
        setup.jobs = *options.jobs;
        setup.runtime = runtime.get();
        setup.user = user;
        setup.refreshInterval = refresh;
        window = std::make_unique<MainWindow>(setup);
        window->show();
    }

    ~Console()
    {
        gate->release(100);
        steps->release(100);
        if (runtime)
            runtime->scheduler().stop(10s);
        window.reset();
        runtime.reset();
    }

    bool isReady() const { return error.isEmpty(); }

    // One statement on the test thread's own connection; the error, if any.
    QString exec(const QString &sql) const
    {
        auto connection = factory->connectionForCurrentThread();
        if (!connection)
            return connection.error();
        QSqlQuery query(*connection);
        return query.exec(sql) ? QString() : query.lastError().text();
    }

    QList<StoredRun> runsOf(const QString &job) const
    {
        auto runs = RunHistory(factory).runs(RunQuery{.job = job});
        return runs ? runs.value() : QList<StoredRun>{};
    }

    // How the job's newest stored run stands ("running", "succeeded"...), "none" without one.
    QString lastOutcome(const QString &job) const
    {
        const QList<StoredRun> runs = runsOf(job);
        return runs.isEmpty() ? QStringLiteral("none") : toText(runs.first().outcome);
    }

    // The id of the run the table shows as `job`'s last one (0: none).
    qint64 shownRunId(const QString &job) const
    {
        const JobOverview *row = test::jobModel(*window)->job(job);
        return row && row->lastRun ? row->lastRun->id : 0;
    }

    JobActions &actions() const { return test::jobActions(*window); }

    test::TestDatabase database;
    std::shared_ptr<ConnectionFactory> factory;
    ManualClock clock{utc("2026-01-15T10:00:00Z")};
    std::shared_ptr<QSemaphore> gate = std::make_shared<QSemaphore>();
    std::shared_ptr<QSemaphore> steps = std::make_shared<QSemaphore>();
    std::unique_ptr<JobRuntime> runtime;
    std::unique_ptr<MainWindow> window;
    QString error;
};

} // namespace

#define OPEN_CONSOLE()                                                                             \
    QFETCH(SqlDialect, dialect);                                                                   \
    Console c(dialect);                                                                            \
    QVERIFY2(c.isReady(), qPrintable(c.error));                                                    \
    QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));                                         \
    QTRY_VERIFY_WITH_TIMEOUT(test::jobModel(*c.window)->job(reportJob)->scheduledNext.isValid(),   \
                             10000)

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void databaseTextIsShortenedInTheMiddle()
    {
        const QString shortText = QStringLiteral("SQLite /tmp/jobs.db");
        QCOMPARE(ConsoleStatusBar::shortened(shortText), shortText);
        const QString demo =
            QStringLiteral("SQLite /home/admin/.local/share/JobConsole/jobconsole/demo/demo.db");
        const QString shown = ConsoleStatusBar::shortened(demo);
        QCOMPARE(shown.size(), 48);
        QVERIFY2(shown.startsWith(QStringLiteral("SQLite /hom…")), qPrintable(shown));
        QVERIFY2(shown.endsWith(QStringLiteral("/jobconsole/demo/demo.db")), qPrintable(shown));
    }
    void initTestCase() { TimeDisplay::setZone(TimeDisplay::Zone::Utc); }

    void listsTheJobs_data() { test::addDatabaseRowsWithMySql(); }
    void listsTheJobs()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        QVERIFY(window.windowTitle().endsWith(ConsoleStatusBar::describe(c.database.url())));
        const QAbstractItemModel *table = test::jobTable(window)->model();
        QCOMPARE(table, test::jobProxy(window));
        QCOMPARE(table->rowCount(), 4);
        for (int row = 0; row < 4; ++row) {
            QCOMPARE(table->index(row, JobTableModel::Name).data().toString(),
                     (QStringList{reportJob, syncJob, importJob, cleanupJob}).at(row));
            QCOMPARE(table->index(row, JobTableModel::State).data().toString(),
                     QStringLiteral("idle"));
            QCOMPARE(table->index(row, JobTableModel::LastRun).data().toString(),
                     QStringLiteral("never"));
            QCOMPARE(table->index(row, JobTableModel::NextRun).data().toString(),
                     QStringLiteral("Jan 16 03:00:00 UTC (in 17 h 0 min)"));
        }
        // The first row is selected at start: the single-job actions are on.
        QCOMPARE(test::selectedJobs(window), QStringList{reportJob});
        QVERIFY(c.actions().runNow()->isEnabled());
        QVERIFY(c.actions().pause()->isEnabled());
        QVERIFY(!c.actions().resume()->isEnabled());
        QVERIFY(!c.actions().cancel()->isEnabled());
        QVERIFY(c.actions().cancel()->toolTip().contains(QStringLiteral("it is not running")));
        QTRY_VERIFY_WITH_TIMEOUT(test::databaseReader(window)->isConnected(), 10000);
        const auto *database = window.findChild<QLabel *>(QStringLiteral("databaseLabel"));
        QVERIFY(database);
        const QString described = ConsoleStatusBar::describe(c.database.url());
        QCOMPARE(
            database->text(),
            QStringLiteral("Database: %1 — connected").arg(ConsoleStatusBar::shortened(described)));
        QCOMPARE(database->toolTip(), described);
        const auto *scheduler = window.findChild<QLabel *>(QStringLiteral("schedulerLabel"));
        QVERIFY(scheduler);
        QCOMPARE(scheduler->text(), QStringLiteral("Scheduler: running jobs here"));
        // This console announced itself in the database.
        QTRY_COMPARE_WITH_TIMEOUT(
            window.findChild<QLabel *>(QStringLiteral("instancesLabel"))->text(),
            QStringLiteral("Schedulers: 1"), 10000);

        clickRow(window, cleanupJob);
        QCOMPARE(test::selectedJobs(window), QStringList{cleanupJob});
    }

    // Issue 15: a click on a row moves the current index before it selects the row; the
    // panes followed the current row only and showed no job at all.
    void clickingARowShowsItsHistory_data() { test::addDatabaseRowsWithMySql(); }
    void clickingARowShowsItsHistory()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        const auto started = test::jobOperations(window)->runNow(cleanupJob, false, u"setup"_s);
        QVERIFY2(started, qPrintable(errorOf(started)));
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(cleanupJob), u"succeeded"_s, 10000);
        auto *history = window.findChild<HistoryPane *>(u"historyPane"_s);
        auto *changes = window.findChild<QLabel *>(u"settingsChangesTitle"_s);
        QVERIFY(history && changes);

        for (const QString &job : {syncJob, cleanupJob, reportJob, cleanupJob}) {
            clickRow(window, job);
            QCOMPARE(test::selectedJobs(window), QStringList{job});
            QCOMPARE(historyTitle(window), u"Runs of %1"_s.arg(job));
            QCOMPARE(history->model()->job(), job);
            QVERIFY2(changes->text().contains(job), qPrintable(changes->text()));
            QVERIFY(c.actions().runNow()->isEnabled());
            QVERIFY(c.actions().preview()->isEnabled());
        }
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 10000);
        QCOMPARE(history->model()->runAt(0).reason, u"setup"_s);

        // Ctrl+click adds a row: the panes stay on the job clicked last, which is selected.
        clickRow(window, syncJob, Qt::ControlModifier);
        QCOMPARE(test::selectedJobs(window), (QStringList{syncJob, cleanupJob}));
        QCOMPARE(history->model()->job(), syncJob);
        QVERIFY(c.actions().pause()->isEnabled());
        // Ctrl+click on it again removes it: no single job, the panes say so.
        clickRow(window, syncJob, Qt::ControlModifier);
        QCOMPARE(test::selectedJobs(window), QStringList{cleanupJob});
        QCOMPARE(historyTitle(window), u"Select a job to see its runs"_s);
        QVERIFY(!c.actions().runNow()->isEnabled());
    }

    // The panes' runs open with a double-click or Enter; the schedule preview with Ctrl+D on
    // the row clicked last, and Escape closes it.
    void panesOpenWhatIsClicked_data() { test::addDatabaseRowsWithMySql(); }
    void panesOpenWhatIsClicked()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        const auto started = test::jobOperations(window)->runNow(cleanupJob, false, u"setup"_s);
        QVERIFY2(started, qPrintable(errorOf(started)));
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(cleanupJob), u"succeeded"_s, 10000);
        const qint64 runId = c.runsOf(cleanupJob).first().id;
        clickRow(window, cleanupJob);
        auto *history = window.findChild<HistoryPane *>(u"historyPane"_s);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 10000);

        test::doubleClickIndex(history->table(), history->model()->index(0, 1));
        RunDetailsDialog *details = nullptr;
        QTRY_VERIFY((details = window.findChild<RunDetailsDialog *>(u"runDetails"_s)));
        QCOMPARE(details->windowTitle(), u"Run %1"_s.arg(runId));
        QTRY_COMPARE_WITH_TIMEOUT(details->findChild<QLabel *>(u"reasonValue"_s)->text(),
                                  u"setup"_s, 10000);
        QTest::keyClick(details, Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<RunDetailsDialog *>(u"runDetails"_s));

        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        QTest::keyClick(&window, Qt::Key_D, Qt::ControlModifier);
        QDialog *preview = nullptr;
        QTRY_VERIFY((preview = qobject_cast<QDialog *>(QApplication::activeModalWidget())));
        QCOMPARE(preview->windowTitle(), u"Schedule of %1"_s.arg(cleanupJob));
        QTest::keyClick(preview, Qt::Key_Escape);
        QTRY_VERIFY(!QApplication::activeModalWidget());
    }

    void runNowShowsTheRunLiveAndRecordsIt_data() { test::addDatabaseRowsWithMySql(); }
    void runNowShowsTheRunLiveAndRecordsIt()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, cleanupJob);
        clickRow(window, reportJob);
        QVERIFY(c.actions().runNow()->isEnabled());
        ModalAnswer answer([](QWidget *modal) {
            auto *dialog = qobject_cast<RunNowDialog *>(modal);
            if (!dialog)
                return QStringLiteral("expected the Run now dialog, got %1")
                    .arg(QString::fromLatin1(modal->metaObject()->className()));
            QTest::keyClicks(dialog->findChild<QLineEdit *>(u"reasonEdit"_s), u"month-end check"_s);
            clickButton(dialog, u"runButton"_s);
            return QString();
        });
        clickToolButton(window, c.actions().runNow());
        QVERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));

        // Running, with its progress, until the gate opens.
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, reportJob, JobTableModel::State),
                                  QStringLiteral("running 3/10"), 10000);
        QVERIFY(c.actions().cancel()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(reportJob), QStringLiteral("running"), 10000);
        c.gate->release();
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, reportJob, JobTableModel::State),
                                  QStringLiteral("idle"), 10000);
        QVERIFY(cell(window, reportJob, JobTableModel::LastRun)
                    .startsWith(QStringLiteral("Jan 15 10:00:00 UTC · succeeded · ")));
        QVERIFY(!c.actions().cancel()->isEnabled());

        // Recorded: a manual run by this user, with the reason and the summary.
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(reportJob), QStringLiteral("succeeded"), 10000);
        const QList<StoredRun> runs = c.runsOf(reportJob);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().trigger, RunTrigger::Manual);
        QCOMPARE(runs.first().requestedBy, user);
        QCOMPARE(runs.first().reason, QStringLiteral("month-end check"));
        QCOMPARE(runs.first().instanceId, QStringLiteral("console-test"));
        QCOMPARE(runs.first().summary.value(QStringLiteral("pages")).toInt(), 10);
        QCOMPARE(window.findChildren<QMessageBox *>(QStringLiteral("errorMessage")).size(), 0);
        saveScreenshot(&window, QStringLiteral("mainwindow.png"));

        // A double-click on the row opens the run's details.
        QTRY_COMPARE_WITH_TIMEOUT(c.shownRunId(reportJob), runs.first().id, 10000);
        QTableView *table = test::jobTable(window);
        const QModelIndex index =
            test::jobProxy(window)->mapFromSource(test::jobModel(window)->index(
                test::jobModel(window)->rowOf(reportJob), JobTableModel::Name));
        QCOMPARE(index.data(JobTableModel::JobNameRole).toString(), reportJob);
        const QPoint at = table->visualRect(index).center();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
        auto *details = window.findChild<RunDetailsDialog *>(QStringLiteral("runDetails"));
        QVERIFY(details);
        QVERIFY(details->isVisible());
        const auto field = [details](const char *name) {
            return details->findChild<QLabel *>(QString::fromLatin1(name))->text();
        };
        QTRY_COMPARE_WITH_TIMEOUT(field("jobValue"), reportJob, 10000);
        QCOMPARE(field("statusValue"), QStringLiteral("succeeded"));
        QCOMPARE(field("requestedByValue"), user);
        QCOMPARE(field("reasonValue"), QStringLiteral("month-end check"));
        QVERIFY(!details->isFollowing());
        saveScreenshot(details, QStringLiteral("run-details.png"));
    }

    // A running run is a row in History from its start, live: its outcome a progress bar
    // that moves with each step, its summary how far it is, its duration counting on the
    // console's clock; it ends as a plain row (issue 21: History showed a run only once it
    // had ended).
    // An open console holds no read transaction between its reads: the app's writers can
    // checkpoint SQLite's write-ahead log to the end (a snapshot held by a half-read
    // statement would keep the log growing for as long as the console is open; issue 22).
    void idleConsoleLetsCheckpointsFinish_data()
    {
        QTest::addColumn<SqlDialect>("dialect");
        QTest::newRow("sqlite") << SqlDialect::Sqlite;
    }
    void idleConsoleLetsCheckpointsFinish()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, importJob);
        auto *history = window.findChild<HistoryPane *>(u"historyPane"_s);
        QTRY_COMPARE(history->model()->job(), importJob);
        QTRY_VERIFY(!history->model()->isLoading());

        // The app's writer: a connection of its own, not the console's factory.
        const QString name = u"app-writer"_s;
        {
            QSqlDatabase app = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            app.setDatabaseName(c.database.url().filePath());
            QVERIFY2(app.open(), qPrintable(app.lastError().text()));
            QSqlQuery query(app);
            // A read on its way ends within the busy timeout; a snapshot held would not.
            QVERIFY(query.exec(u"PRAGMA busy_timeout = 5000"_s));
            QVERIFY2(query.exec(u"CREATE TABLE app_writes (x integer)"_s) &&
                         query.exec(u"INSERT INTO app_writes VALUES (1), (2), (3)"_s),
                     qPrintable(query.lastError().text()));
            QVERIFY(query.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
            QVERIFY(query.next());
            // busy, frames in the log, frames checkpointed: 0 busy and an emptied log.
            QCOMPARE(query.value(0).toInt(), 0);
            QCOMPARE(query.value(1).toInt(), 0);
        }
        QSqlDatabase::removeDatabase(name);
    }

    void runningRunIsALiveRowInHistory_data() { test::addDatabaseRowsWithMySql(); }
    void runningRunIsALiveRowInHistory()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, importJob);
        auto *history = window.findChild<HistoryPane *>(u"historyPane"_s);
        QTRY_COMPARE(history->model()->job(), importJob);
        const auto started = test::jobOperations(window)->runNow(importJob, false, u"nightly"_s);
        QVERIFY2(started, qPrintable(errorOf(started)));
        RunHistoryModel *model = history->model();
        const auto shown = [model](int column) {
            return model->rowCount() == 0 ? QString() : model->index(0, column).data().toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(shown(RunHistoryModel::Outcome), u"running 0%"_s, 10000);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(shown(RunHistoryModel::Summary), u"0 of 4 files imported"_s);
        QCOMPARE(shown(RunHistoryModel::Duration), u"0.0 s so far"_s);
        QCOMPARE(model->index(0, RunHistoryModel::Outcome).data(ItemRole::Progress).toList(),
                 (QVariantList{qint64(0), qint64(4)}));

        c.steps->release();
        QTRY_COMPARE_WITH_TIMEOUT(shown(RunHistoryModel::Outcome), u"running 25%"_s, 10000);
        QCOMPARE(shown(RunHistoryModel::Summary), u"1 of 4 files imported"_s);
        c.clock.advance(90s);
        QTRY_COMPARE_WITH_TIMEOUT(shown(RunHistoryModel::Duration), u"1 min 30 s so far"_s, 10000);
        c.steps->release(3);
        QTRY_COMPARE_WITH_TIMEOUT(shown(RunHistoryModel::Outcome), u"succeeded"_s, 10000);
        QCOMPARE(model->rowCount(), 1);
        QVERIFY(!model->index(0, RunHistoryModel::Outcome).data(ItemRole::Progress).isValid());
    }

    // The actions follow the selected job's own changes at once, though progress of the others
    // no longer reaches them: whenever the table's row says the job runs (a run the scheduler
    // started, not the console's Run now), Cancel is already on, and off again when it ended.
    // delta-import is the model's fourth row but the table's third (sorted by name), so the
    // selection must be looked up where the table shows the row.
    void actionsFollowTheSelectedJob_data() { test::addDatabaseRowsWithMySql(); }
    void actionsFollowTheSelectedJob()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, importJob);
        QVERIFY(!c.actions().cancel()->isEnabled());
        const JobTableModel *model = test::jobModel(window);
        QStringList behind; // a row change the actions had not followed when it was signalled
        int runningRows = 0;
        // Connected after the window's own handler, so it runs after it. Its context goes
        // before the variables it uses: a failed test's console still ends the run on exit.
        QObject watcher;
        QObject::connect(model, &QAbstractItemModel::dataChanged, &watcher, [&] {
            const bool running = model->job(importJob)->isRunning();
            runningRows += running ? 1 : 0;
            if (running != c.actions().cancel()->isEnabled())
                behind.append(running ? u"running, Cancel off"_s : u"ended, Cancel on"_s);
        });
        const auto started = c.runtime->scheduler().runNow(importJob, RunRequest{});
        QVERIFY2(started, qPrintable(errorOf(started)));
        QTRY_VERIFY_WITH_TIMEOUT(runningRows > 0, 10000);
        c.steps->release(4);
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(importJob), u"succeeded"_s, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!model->job(importJob)->isRunning(), 10000);
        QVERIFY2(behind.isEmpty(), qPrintable(behind.join(u"; "_s)));
        QVERIFY(!c.actions().cancel()->isEnabled());
    }

    // Issue 13: "Run for a past occurrence…" with Ctrl+Shift+R: the day before the newest
    // occurrence picked with Down, a reason typed, Run clicked; then from the context menu an
    // older one typed into the field (a time that is no occurrence first), as a dry run. Both
    // are recorded as backfills of the chosen occurrences and show like any run.
    void runForAPastOccurrence_data() { test::addDatabaseRowsWithMySql(); }
    void runForAPastOccurrence()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, cleanupJob);
        QVERIFY(c.actions().backfill()->isEnabled());
        QCOMPARE(c.actions().backfill()->shortcut(), QKeySequence(u"Ctrl+Shift+R"_s));
        ModalAnswer answer([](QWidget *modal) {
            auto *dialog = qobject_cast<BackfillDialog *>(modal);
            if (!dialog)
                return u"expected the backfill dialog, got %1"_s.arg(
                    QString::fromLatin1(modal->metaObject()->className()));
            auto *list = dialog->findChild<QListWidget *>(u"occurrenceList"_s);
            if (QApplication::focusWidget() != list)
                return u"the occurrences do not have the focus"_s;
            if (list->item(0)->text() != u"Thu 15 Jan 2026 03:00 UTC (+00:00)"_s)
                return u"the newest occurrence shows as %1"_s.arg(list->item(0)->text());
            QTest::keyClick(list, Qt::Key_Down);
            auto *reason = dialog->findChild<QLineEdit *>(u"reasonEdit"_s);
            QTest::mouseClick(reason, Qt::LeftButton);
            QTest::keyClicks(reason, u"missed on the 14th"_s);
            clickButton(dialog, u"runButton"_s);
            return QString();
        });
        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(cleanupJob), u"succeeded"_s, 10000);
        QList<StoredRun> runs = c.runsOf(cleanupJob);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().trigger, RunTrigger::Backfill);
        QCOMPARE(runs.first().occurrence, utc("2026-01-14T03:00:00Z"));
        QCOMPARE(runs.first().requestedBy, user);
        QCOMPARE(runs.first().reason, u"missed on the 14th"_s);
        QVERIFY(!runs.first().dryRun);
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(window, cleanupJob, JobTableModel::LastRun).contains(u" · succeeded · "_s), 10000);
        auto *history = window.findChild<HistoryPane *>(u"historyPane"_s);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 10000);
        QCOMPARE(history->model()->index(0, RunHistoryModel::Trigger).data().toString(),
                 u"backfill"_s);
        QCOMPARE(window.findChildren<QMessageBox *>(u"errorMessage"_s).size(), 0);

        ModalAnswer older([](QWidget *modal) {
            auto *dialog = qobject_cast<BackfillDialog *>(modal);
            if (!dialog)
                return u"expected the backfill dialog"_s;
            auto *field = dialog->findChild<QDateTimeEdit *>(u"occurrenceEdit"_s);
            auto *problem = dialog->findChild<QLabel *>(u"occurrenceProblem"_s);
            test::typeDate(field, QDateTime(QDate(2025, 12, 1), QTime(4, 0)));
            if (!problem->isVisible() || !problem->text().contains(u"2025-12-01T03:00:00"_s))
                return u"a time that is no occurrence: \"%1\""_s.arg(problem->text());
            if (dialog->findChild<QPushButton *>(u"runButton"_s)->isEnabled())
                return u"Run is on for a time that is no occurrence"_s;
            test::typeDate(field, QDateTime(QDate(2025, 12, 1), QTime(3, 0)));
            if (problem->isVisible())
                return u"an occurrence is refused: \"%1\""_s.arg(problem->text());
            test::clickBox(dialog->findChild<QCheckBox *>(u"dryRunCheck"_s));
            clickButton(dialog, u"runButton"_s);
            return QString();
        });
        const QString menuProblem =
            chooseFromContextMenu(window, cleanupJob, c.actions().backfill());
        QVERIFY2(menuProblem.isEmpty(), qPrintable(menuProblem));
        QTRY_VERIFY(older.answered);
        QVERIFY2(older.problem.isEmpty(), qPrintable(older.problem));
        QTRY_COMPARE_WITH_TIMEOUT(c.runsOf(cleanupJob).size(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(cleanupJob), u"succeeded"_s, 10000);
        runs = c.runsOf(cleanupJob);
        QCOMPARE(runs.first().trigger, RunTrigger::Backfill);
        QCOMPARE(runs.first().occurrence, utc("2025-12-01T03:00:00Z"));
        QVERIFY(runs.first().dryRun);
    }

    void pauseAndResume_data() { test::addDatabaseRowsWithMySql(); }
    void pauseAndResume()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        clickRow(window, cleanupJob);
        QVERIFY(c.actions().pause()->isEnabled());
        // The Settings changes tab lists the pause and the resume as they are made, without F5
        // (it listed them only after F5 or another job's selection).
        auto *changes = window.findChild<QAbstractItemView *>(u"settingsChangesTable"_s);
        QVERIFY(changes);
        auto *changesTitle = window.findChild<QLabel *>(u"settingsChangesTitle"_s);
        QVERIFY(changesTitle);
        QTRY_VERIFY(changesTitle->text().contains(u"nothing was ever changed"_s)); // read
        const int changesBefore = changes->model()->rowCount();
        ModalAnswer answer([](QWidget *modal) {
            auto *dialog = qobject_cast<PauseDialog *>(modal);
            if (!dialog)
                return QStringLiteral("expected the Pause dialog, got %1")
                    .arg(QString::fromLatin1(modal->metaObject()->className()));
            if (dialog->findChild<QCheckBox *>(QStringLiteral("resumeCheck"))->isChecked())
                return QStringLiteral("the resume time is on by default");
            QTest::keyClicks(dialog->findChild<QLineEdit *>(u"reasonEdit"_s),
                             u"restoring a backup"_s);
            clickButton(dialog, u"pauseButton"_s);
            return QString();
        });
        clickToolButton(window, c.actions().pause());
        QVERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));

        QTRY_COMPARE_WITH_TIMEOUT(cell(window, cleanupJob, JobTableModel::State),
                                  QStringLiteral("paused: restoring a backup"), 10000);
        QCOMPARE(cell(window, cleanupJob, JobTableModel::NextRun), QStringLiteral("paused"));
        const auto stored = PauseStore(c.factory).activePauses(c.clock.nowMSecs());
        QVERIFY2(stored, qPrintable(errorOf(stored)));
        QVERIFY(stored->contains(cleanupJob));
        QCOMPARE(stored->value(cleanupJob).pausedBy, user);
        QCOMPARE(stored->value(cleanupJob).reason, QStringLiteral("restoring a backup"));
        QVERIFY(!stored->value(cleanupJob).resumeAt);
        QTRY_VERIFY_WITH_TIMEOUT(c.runtime->scheduler().jobStatus(cleanupJob)->paused, 10000);
        QVERIFY(!c.runtime->scheduler().jobStatus(reportJob)->paused);
        QTRY_VERIFY_WITH_TIMEOUT(c.actions().resume()->isEnabled(), 10000);
        QVERIFY(!c.actions().pause()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), changesBefore + 1, 10000);

        clickToolButton(window, c.actions().resume());
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, cleanupJob, JobTableModel::State),
                                  QStringLiteral("idle"), 10000);
        const auto after = PauseStore(c.factory).activePauses(c.clock.nowMSecs());
        QVERIFY2(after, qPrintable(errorOf(after)));
        QVERIFY(!after->contains(cleanupJob));
        QTRY_VERIFY_WITH_TIMEOUT(!c.runtime->scheduler().jobStatus(cleanupJob)->paused, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(c.actions().pause()->isEnabled(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(changes->model()->rowCount(), changesBefore + 2, 10000);
        QCOMPARE(window.findChildren<QMessageBox *>(QStringLiteral("errorMessage")).size(), 0);
    }

    void cancelEndsTheRunCancelled_data() { test::addDatabaseRowsWithMySql(); }
    void cancelEndsTheRunCancelled()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        const auto started = test::jobOperations(*c.window)->runNow(syncJob, false, {});
        QVERIFY2(started, qPrintable(errorOf(started)));
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, syncJob, JobTableModel::State),
                                  QStringLiteral("running"), 10000);
        clickRow(window, syncJob);
        QTRY_VERIFY_WITH_TIMEOUT(c.actions().cancel()->isEnabled(), 10000);

        ModalAnswer answer([](QWidget *modal) {
            auto *box = qobject_cast<QMessageBox *>(modal);
            if (!box || !box->text().contains(syncJob))
                return QStringLiteral("expected the cancel question, got %1")
                    .arg(QString::fromLatin1(modal->metaObject()->className()));
            QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
            return QString();
        });
        // From the row's context menu this time.
        const QString menuProblem = chooseFromContextMenu(window, syncJob, c.actions().cancel());
        QVERIFY2(menuProblem.isEmpty(), qPrintable(menuProblem));
        QVERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));

        QTRY_VERIFY_WITH_TIMEOUT(cell(window, syncJob, JobTableModel::LastRun)
                                     .contains(QStringLiteral(" · cancelled · ")),
                                 10000);
        // "Cancelling …" lasted until the run ended, and the status bar says when it did.
        const QString ended = window.statusBar()->currentMessage();
        QVERIFY2(ended.startsWith(u"\"%1\" ended cancelled at "_s.arg(syncJob)) &&
                     ended.endsWith(u" (run %1)."_s.arg(c.runsOf(syncJob).first().id)),
                 qPrintable(ended));
        QVERIFY(!c.actions().cancel()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(syncJob), QStringLiteral("cancelled"), 10000);
        QCOMPARE(c.runsOf(syncJob).size(), 1);
        QCOMPARE(c.runtime->scheduler().activeRuns().size(), 0);
        // Who cancelled it and when are kept with the run, as for a cancel asked from
        // elsewhere (they were empty for a run of this console), and its log says so.
        const StoredRun cancelled = c.runsOf(syncJob).first();
        QCOMPARE(cancelled.cancelRequestedBy, user);
        QVERIFY(cancelled.cancelRequestedAt.isValid() &&
                cancelled.cancelRequestedAt >= cancelled.startedAt &&
                cancelled.cancelRequestedAt <= cancelled.finishedAt);
        const auto log = RunHistory(c.factory).logLines(cancelled.id, -1, 1000);
        QVERIFY2(log, qPrintable(log ? QString() : log.error()));
        QVERIFY(std::any_of(log->cbegin(), log->cend(), [](const StoredLogLine &line) {
            return line.message == u"Cancel requested"_s && line.fields.value(u"by"_s) == user;
        }));
    }

    // The Cancel question says how much of the run is done and stays done (issue 21: a
    // top-up's committed batches stay committed), from the run's progress.
    void cancelSaysWhatStaysDone_data() { test::addDatabaseRowsWithMySql(); }
    void cancelSaysWhatStaysDone()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        const auto started = test::jobOperations(*c.window)->runNow(reportJob, false, {});
        QVERIFY2(started, qPrintable(errorOf(started)));
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, reportJob, JobTableModel::State), u"running 3/10"_s,
                                  10000);
        clickRow(window, reportJob);
        QTRY_VERIFY_WITH_TIMEOUT(c.actions().cancel()->isEnabled(), 10000);
        ModalAnswer answer([](QWidget *modal) {
            auto *box = qobject_cast<QMessageBox *>(modal);
            if (!box)
                return u"expected the cancel question"_s;
            const QString says = box->informativeText();
            QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
            if (!says.contains(u"What it has done so far stays done: 3 of 10 pages written."_s))
                return u"the question says: "_s + says;
            return QString();
        });
        clickToolButton(window, c.actions().cancel());
        QVERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(reportJob), u"cancelled"_s, 10000);
    }

    // With a poll far away, a pause made by another program shows at once on PostgreSQL (the
    // database announces it); SQLite and MySQL say that they poll, and which database it is.
    void anotherInstancesChangeShowsAtOnce_data() { test::addDatabaseRowsWithMySql(); }
    void anotherInstancesChangeShowsAtOnce()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect, 1h);
        QVERIFY2(c.isReady(), qPrintable(c.error));
        QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));
        auto *updates = test::consoleStatusBar(*c.window)->findChild<QLabel *>(u"updatesLabel"_s);
        QVERIFY(updates);
        if (dialect != SqlDialect::Postgres) {
            QCOMPARE(updates->text(), u"Updates: every 1 h 0 min"_s);
            QVERIFY2(updates->toolTip().contains(dialect == SqlDialect::Sqlite
                                                     ? u"SQLite does not announce"_s
                                                     : u"MySQL/MariaDB does not announce"_s),
                     qPrintable(updates->toolTip()));
            auto *where =
                test::consoleStatusBar(*c.window)->findChild<QLabel *>(u"databaseLabel"_s);
            QVERIFY(where);
            QVERIFY2(where->text().startsWith(dialect == SqlDialect::Sqlite
                                                  ? u"Database: SQLite"_s
                                                  : u"Database: MySQL/MariaDB"_s),
                     qPrintable(where->text()));
            return;
        }
        QTRY_COMPARE_WITH_TIMEOUT(updates->text(), u"Updates: live"_s, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*c.window, cleanupJob, JobTableModel::State), u"idle"_s,
                                  10000);
        auto elsewhere = std::make_shared<ConnectionFactory>(c.database.url());
        QVERIFY(PauseStore(elsewhere).pause(cleanupJob, u"mallory"_s, u"from jobctl"_s,
                                            std::nullopt, c.clock.nowMSecs()));
        QTRY_COMPARE_WITH_TIMEOUT(cell(*c.window, cleanupJob, JobTableModel::State),
                                  u"paused: from jobctl"_s, 5000);
    }

    // Keyboard and help (issue 21, item 6): Tab leaves the jobs table instead of walking its
    // cells; Ctrl+F lands in the error log's search; F5 reads the database now (the poll here
    // is an hour away); F1 opens the user guide shipped in the program; Help names the
    // version and the database; every menu has a mnemonic.
    void keyboardAndHelp_data() { test::addDatabaseRowsWithMySql(); }
    void keyboardAndHelp()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect, 1h);
        QVERIFY2(c.isReady(), qPrintable(c.error));
        QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));
        MainWindow &window = *c.window;
        window.activateWindow();
        QTRY_VERIFY_WITH_TIMEOUT(test::jobModel(window)->job(cleanupJob), 10000);
        auto *table = window.findChild<QTableView *>(u"jobTable"_s);
        table->setFocus();
        QTRY_VERIFY(table->hasFocus());
        // The focus is clearly visible: a ring around the focused widget, following Tab.
        const auto ringAround = [](QWidget *focused) -> QString {
            FocusRing *ring = FocusRing::current();
            if (!ring || ring->widget() != focused)
                return u"no ring around %1"_s.arg(focused ? focused->objectName() : u"nothing"_s);
            const QRect around(ring->mapToGlobal(QPoint(0, 0)), ring->size());
            const QRect widget(focused->mapToGlobal(QPoint(0, 0)), focused->size());
            if (!around.contains(widget) || around == widget)
                return u"the ring does not go around it"_s;
            return QString();
        };
        QTRY_COMPARE(ringAround(table), QString());
        QTest::keyClick(table, Qt::Key_Tab);
        QTRY_VERIFY(!table->hasFocus());
        QTRY_COMPARE(ringAround(QApplication::focusWidget()), QString());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QTRY_COMPARE(ringAround(QApplication::focusWidget()), QString());

        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QTRY_COMPARE(QApplication::focusWidget(), window.findChild<QWidget *>(u"errorSearch"_s));
        QCOMPARE(window.findChild<QTabWidget *>(u"paneTabs"_s)->currentWidget()->objectName(),
                 u"errorLogPane"_s);

        // A pause written elsewhere shows only when read: F5 reads now.
        auto elsewhere = std::make_shared<ConnectionFactory>(c.database.url());
        QVERIFY(PauseStore(elsewhere).pause(cleanupJob, u"mallory"_s, u"from jobctl"_s,
                                            std::nullopt, c.clock.nowMSecs()));
        if (dialect == SqlDialect::Sqlite) // PostgreSQL announces it by itself
            QCOMPARE(cell(window, cleanupJob, JobTableModel::State), u"idle"_s);
        QTest::keyClick(&window, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, cleanupJob, JobTableModel::State),
                                  u"paused: from jobctl"_s, 5000);

        QTest::keyClick(&window, Qt::Key_F1);
        QTRY_VERIFY(window.findChild<QDialog *>(u"helpDialog"_s));
        auto *help = window.findChild<QDialog *>(u"helpDialog"_s);
        QTRY_VERIFY(help->isVisible());
        auto *browser = help->findChild<QTextBrowser *>(u"helpBrowser"_s);
        QVERIFY(browser->toPlainText().contains(u"Monthly Credit Top-Up"_s));
        QVERIFY(browser->toPlainText().contains(u"Ctrl+F"_s));
        QTest::keyClick(help, Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<QDialog *>(u"helpDialog"_s));

        QStringList menus;
        for (QAction *menu : window.menuBar()->actions()) {
            menus.append(menu->text());
            QVERIFY2(menu->text().contains(u'&'), qPrintable(menu->text()));
        }
        QVERIFY2(menus.contains(u"&Help"_s), qPrintable(menus.join(u", "_s)));
        window.findChild<QAction *>(u"aboutAction"_s)->trigger();
        QTRY_VERIFY(window.findChild<QMessageBox *>(u"aboutBox"_s));
        auto *about = window.findChild<QMessageBox *>(u"aboutBox"_s);
        QVERIFY2(about->informativeText().contains(u"Database: "_s +
                                                   ConsoleStatusBar::describe(c.database.url())),
                 qPrintable(about->informativeText()));
        QVERIFY(about->informativeText().contains(QString::fromLatin1(qVersion())));
        about->close();
    }

    // A glance answers "is everything fine?" (issue 15, item 5): the line above the table and
    // the window title say it in words, from the table's own facts, and change with them.
    void glanceSaysWhetherAllIsWell_data() { test::addDatabaseRowsWithMySql(); }
    void glanceSaysWhetherAllIsWell()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect, 1h);
        QVERIFY2(c.isReady(), qPrintable(c.error));
        QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));
        MainWindow &window = *c.window;
        auto *glance = window.findChild<QLabel *>(u"glanceLabel"_s);
        QVERIFY(glance);
        QTRY_COMPARE_WITH_TIMEOUT(glance->text(), u"All 4 jobs healthy"_s, 10000);
        QVERIFY(!window.windowTitle().contains(u"attention"_s));

        // Another instance recorded a failure of the cleanup an hour ago.
        const qint64 at = c.clock.nowMSecs() - 3'600'000;
        const QString inserted = c.exec(
            u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, status, "
            u"started_at_ms, finished_at_ms, attempts, instance_id, error) VALUES ('%1', "
            u"'manual', %2, 'manual:elsewhere', 'failed', %2, %3, 1, 'elsewhere', 'disk full')"_s
                .arg(cleanupJob)
                .arg(at)
                .arg(at + 3000));
        QVERIFY2(inserted.isEmpty(), qPrintable(inserted));
        window.activateWindow();
        QTest::keyClick(&window, Qt::Key_F5);
        QTRY_VERIFY_WITH_TIMEOUT(glance->text().startsWith(cleanupJob + u" failed at "_s), 10000);
        QVERIFY2(window.windowTitle().startsWith(u"⚠ 1 job needs attention"_s),
                 qPrintable(window.windowTitle()));
    }

    // The tray follows each job's alert rules, as `serve`'s webhooks do (issue 18): under
    // alertAfterFailures=2 another instance's first failure says nothing, its second does, and
    // the success after them is a recovery; a job under alertNoSuccessHours=1 that has not
    // succeeded since the console opened is told at the first refresh past the hour.
    void trayFollowsAlertRules_data() { test::addDatabaseRowsWithMySql(); }
    void trayFollowsAlertRules()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect, 1h);
        QVERIFY2(c.isReady(), qPrintable(c.error));
        JobSettingsStore settings(c.factory);
        QVERIFY(settings.set(cleanupJob, {{u"alertAfterFailures"_s, 2}}, u"test"_s,
                             c.clock.nowMSecs()));
        QVERIFY(settings.set(reportJob, {{u"alertNoSuccessHours"_s, 1}}, u"test"_s,
                             c.clock.nowMSecs()));
        QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));
        MainWindow &window = *c.window;
        auto *tray = window.findChild<TrayNotifier *>(u"trayNotifier"_s);
        QVERIFY(tray);
        QSignalSpy notified(tray, &TrayNotifier::notified);
        QTRY_VERIFY_WITH_TIMEOUT(test::jobModel(window)->job(cleanupJob), 10000);

        // Another instance's runs of the cleanup, one per refresh, each shown in the table.
        int minutesAgo = 50;
        const auto elsewhere = [&](const QString &status, const QString &error) {
            const qint64 at = c.clock.nowMSecs() - minutesAgo-- * 60'000;
            const QString inserted = c.exec(
                u"INSERT INTO jc_runs (job_name, \"trigger\", occurrence_ms, occurrence_key, "
                u"status, started_at_ms, finished_at_ms, attempts, instance_id, error) VALUES "
                u"('%1', 'manual', %2, 'manual:elsewhere:%2', '%3', %2, %4, 1, 'elsewhere', %5)"_s
                    .arg(cleanupJob)
                    .arg(at)
                    .arg(status)
                    .arg(at + 3000)
                    .arg(error.isEmpty() ? u"NULL"_s : u"'%1'"_s.arg(error)));
            if (!inserted.isEmpty())
                return inserted;
            window.activateWindow();
            QTest::keyClick(&window, Qt::Key_F5);
            const qint64 id = c.runsOf(cleanupJob).first().id;
            return QTest::qWaitFor([&] { return c.shownRunId(cleanupJob) == id; }, 10000)
                       ? QString()
                       : u"run %1 not shown"_s.arg(id);
        };
        QCOMPARE(elsewhere(u"failed"_s, u"disk full"_s), QString());
        QCOMPARE(elsewhere(u"failed"_s, u"disk still full"_s), QString());
        QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, 10000);
        QCOMPARE(notified.at(0).at(1).toString(),
                 u"\"%1\" failed (2 in a row): disk still full"_s.arg(cleanupJob));
        QCOMPARE(elsewhere(u"succeeded"_s, {}), QString());
        QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 2, 10000);
        QCOMPARE(notified.at(1).at(0).toString(), u"Job recovered"_s);
        QCOMPARE(notified.at(1).at(1).toString(),
                 u"\"%1\" succeeded again after 2 failed runs"_s.arg(cleanupJob));

        // The report never succeeded: nothing within the hour, then one notification.
        c.clock.advance(61min);
        QTest::keyClick(&window, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 3, 10000);
        QCOMPARE(notified.at(2).at(0).toString(), u"No success"_s);
        QCOMPARE(notified.at(2).at(1).toString(),
                 u"\"%1\" has not succeeded for 1 h: no run has ever succeeded (watched for "
                 u"longer than 1 h)"_s.arg(reportJob));
        QTest::keyClick(&window, Qt::Key_F5); // the same stretch: told once
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(!QTest::qWaitFor([&] { return notified.size() > 3; }, 500));
    }

    // Everything without a mouse: pick a job by typing its name, pause it with Ctrl+P and a
    // reason typed into the dialog, resume with Ctrl+U, switch panes by their mnemonics.
    void keyboardOnly_data() { test::addDatabaseRowsWithMySql(); }
    void keyboardOnly()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        auto *table = window.findChild<QTableView *>(u"jobTable"_s);
        QVERIFY(table);
        window.activateWindow();
        table->setFocus();
        QTRY_VERIFY(table->hasFocus());
        QTest::keyClicks(table, u"gamma"_s);
        QTRY_COMPARE(test::selectedJobs(window), QStringList{cleanupJob});

        ModalAnswer answer([](QWidget *modal) {
            if (!qobject_cast<PauseDialog *>(modal))
                return u"expected the Pause dialog"_s;
            QWidget *focused = QApplication::focusWidget();
            if (!focused || focused->objectName() != u"reasonEdit"_s)
                return u"the reason does not have the focus"_s;
            QTest::keyClicks(focused, u"keyboard only"_s);
            QTest::keyClick(focused, Qt::Key_Return);
            return QString();
        });
        QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier);
        QTRY_VERIFY(answer.answered);
        QVERIFY2(answer.problem.isEmpty(), qPrintable(answer.problem));
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, cleanupJob, JobTableModel::State),
                                  u"paused: keyboard only"_s, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(c.actions().resume()->isEnabled(), 10000);
        QCOMPARE(c.actions().resume()->shortcut(), QKeySequence(u"Ctrl+U"_s));
        // Offscreen, no window manager gives the activation back when a dialog closes.
        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        QTest::keySequence(&window, c.actions().resume()->shortcut());
        QTRY_COMPARE_WITH_TIMEOUT(cell(window, cleanupJob, JobTableModel::State), u"idle"_s, 10000);

        // Run now: Ctrl+R, then Enter runs it (the dialog's default is Run, not Cancel).
        ModalAnswer run([](QWidget *modal) {
            if (!qobject_cast<RunNowDialog *>(modal))
                return u"expected the Run now dialog"_s;
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
            return QString();
        });
        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
        QTRY_VERIFY(run.answered);
        QVERIFY2(run.problem.isEmpty(), qPrintable(run.problem));
        QTRY_COMPARE_WITH_TIMEOUT(c.lastOutcome(cleanupJob), u"succeeded"_s, 10000);

        auto *tabs = window.findChild<QTabWidget *>(u"paneTabs"_s);
        window.activateWindow();
        QTRY_VERIFY(window.isActiveWindow());
        QTest::keyClick(&window, Qt::Key_E, Qt::AltModifier);
        QTRY_COMPARE(tabs->currentIndex(), 1);
        QTest::keyClick(&window, Qt::Key_C, Qt::AltModifier);
        QTRY_COMPARE(tabs->currentIndex(), 2);
        QTest::keyClick(&window, Qt::Key_Y, Qt::AltModifier); // Alt+H is the Help menu's
        QTRY_COMPARE(tabs->currentIndex(), 0);

        // The row's context menu: Shift+F10 or the Menu key, beside the current row; Escape
        // closes it. Before, neither key opened it.
        for (const auto &[key, modifiers] :
             {std::pair{Qt::Key_F10, Qt::ShiftModifier}, std::pair{Qt::Key_Menu, Qt::NoModifier}}) {
            window.activateWindow();
            table->setFocus();
            QTRY_VERIFY(table->hasFocus());
            QStringList offered;
            QPoint where;
            const auto readAndClose = [&](QMenu *menu) {
                for (const QAction *action : menu->actions())
                    offered.append(action->text());
                where = menu->pos();
                QTest::keyClick(menu, Qt::Key_Escape);
            };
            QVERIFY2(
                handleMenuOpenedBy([&] { QTest::keyClick(table, key, modifiers); }, readAndClose),
                "no context menu opened");
            QVERIFY2(offered.contains(c.actions().runNow()->text()),
                     qPrintable(offered.join(u", "_s)));
            // Under the current cell, not over it: the row it acts on stays readable.
            const QRect cell = table->visualRect(table->currentIndex());
            const QPoint at = table->viewport()->mapFromGlobal(where);
            QVERIFY2(at.y() >= cell.bottom() && at.y() <= cell.bottom() + 2 &&
                         at.x() >= cell.left() && at.x() <= cell.right(),
                     qPrintable(u"the menu opened at %1,%2, not just under the current cell "
                                "(%3,%4 to %5,%6)"_s.arg(at.x())
                                    .arg(at.y())
                                    .arg(cell.left())
                                    .arg(cell.top())
                                    .arg(cell.right())
                                    .arg(cell.bottom())));
            QTRY_VERIFY(!QApplication::activePopupWidget());
        }
    }

    // A screen reader can name every control of the window.
    void everyControlIsNamed_data() { test::addDatabaseRowsWithMySql(); }
    void everyControlIsNamed()
    {
        OPEN_CONSOLE();
        const QStringList unnamed = unnamedControls(c.window.get());
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(u", "_s)));
    }

    // Each Alt+key of the window reaches one control, whichever pane is shown.
    void mnemonicsDoNotClash_data() { test::addDatabaseRowsWithMySql(); }
    void mnemonicsDoNotClash()
    {
        OPEN_CONSOLE();
        auto *tabs = c.window->findChild<QTabWidget *>(u"paneTabs"_s);
        for (int tab = 0; tab < tabs->count(); ++tab) {
            QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {},
                              tabs->tabBar()->tabRect(tab).center());
            QCOMPARE(tabs->currentIndex(), tab);
            QCOMPARE(test::clashingMnemonics(c.window.get()).join(u" | "_s), QString());
        }
        // And each menu's items among themselves.
        for (QMenu *menu : c.window->findChildren<QMenu *>()) {
            QStringList keys;
            for (QAction *action : menu->actions()) {
                const QString key = QKeySequence::mnemonic(action->text()).toString();
                QVERIFY2(key.isEmpty() || !keys.contains(key),
                         qPrintable(u"%1 in %2"_s.arg(key, menu->title())));
                keys.append(key);
            }
        }
    }

    void statusBarFollowsTheDatabase_data() { test::addDatabaseRowsWithMySql(); }
    void statusBarFollowsTheDatabase()
    {
        OPEN_CONSOLE();
        MainWindow &window = *c.window;
        ConsoleStatusBar *status = test::consoleStatusBar(window);
        auto *label = status->findChild<QLabel *>(QStringLiteral("databaseLabel"));
        auto *reconnect = status->findChild<QPushButton *>(QStringLiteral("reconnectButton"));
        QVERIFY(label && reconnect);
        QTRY_VERIFY_WITH_TIMEOUT(status->isConnectedShown(), 10000);
        QVERIFY(!reconnect->isVisible());

        // The runs table goes away (as a dropped schema or a database restored from an older
        // dump would): every read of the table fails.
        QString problem = c.exec(QStringLiteral("ALTER TABLE jc_runs RENAME TO jc_runs_away"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QTRY_VERIFY_WITH_TIMEOUT(!status->isConnectedShown(), 10000);
        QVERIFY(label->text().endsWith(QStringLiteral("— not reachable")));
        QVERIFY(label->toolTip().contains(QStringLiteral("jc_runs")));
        QVERIFY(reconnect->isVisible());
        QVERIFY(!test::databaseReader(window)->isConnected());

        problem = c.exec(QStringLiteral("ALTER TABLE jc_runs_away RENAME TO jc_runs"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QTest::mouseClick(reconnect, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(status->isConnectedShown(), 10000);
        QVERIFY(label->text().endsWith(QStringLiteral("— connected")));
        QVERIFY(!reconnect->isVisible());
        QVERIFY(test::databaseReader(window)->isConnected());
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"

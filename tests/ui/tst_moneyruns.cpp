// Run now on the job that moves money, as an admin clicks it (issue 21, item 5): the real
// Monthly Credit Top-Up in a console on a migrated database with users, both databases.
//  - The Run now dialog first shows what the run would do, from a dry run it starts at once
//    (users, credits, period), and Run stays off until then.
//  - When a run already did the period (here the scheduled one at the month's start), the
//    dialog says which and the admin is asked again: No runs nothing; Run again runs.
// Every dry run and run is in the history, by the admin.
#include "MainWindowParts.h"
#include "TestDatabases.h"

#include "data/TimeDisplay.h"
#include "dialogs/RunNowDialog.h"
#include "engine/ManualClock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobRuntime.h"
#include "jobs/MonthlyCreditTopUpJob.h"
#include "main/ConsoleStatusBar.h"
#include "main/JobActions.h"
#include "main/MainWindow.h"
#include "models/JobTableModel.h"
#include "storage/Migrator.h"
#include "storage/RunHistory.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolBar>

#include <functional>

using namespace jc;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

const QString topUp = QString::fromLatin1(MonthlyCreditTopUpJob::name);
const QString admin = u"alice"_s;

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// Answers the modal dialogs that an action opens, one after the other, from inside their
// exec(): each answer gets the next modal once it has the focus and returns a problem (empty:
// none). A modal left open after its answer is rejected and noted, so that a failing test
// fails instead of hanging.
class ModalAnswers
{
public:
    explicit ModalAnswers(QList<std::function<QString(QWidget *)>> answers)
        : m_answers(std::move(answers))
    {
        m_timer.setInterval(10);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { poll(); });
        m_timer.start();
    }

    qsizetype answered() const { return m_next; }
    QString problems;

private:
    void poll()
    {
        QWidget *modal = QApplication::activeModalWidget();
        if (!modal)
            return;
        if (modal == m_last) {
            if (!m_since.hasExpired(10000))
                return;
            problems += u" a modal was left open: "_s +
                        QString::fromLatin1(modal->metaObject()->className());
            if (auto *dialog = qobject_cast<QDialog *>(modal))
                dialog->reject();
            return;
        }
        QWidget *focused = QApplication::focusWidget();
        if (!(modal->isActiveWindow() && focused && modal->isAncestorOf(focused)))
            return;
        if (m_next == m_answers.size()) {
            problems +=
                u" an unexpected modal: "_s + QString::fromLatin1(modal->metaObject()->className());
            if (auto *dialog = qobject_cast<QDialog *>(modal))
                dialog->reject();
            return;
        }
        m_last = modal;
        m_since.start();
        const QString problem = m_answers.at(m_next++)(modal);
        if (!problem.isEmpty())
            problems += u' ' + problem;
    }

    QList<std::function<QString(QWidget *)>> m_answers;
    qsizetype m_next = 0;
    QTimer m_timer;
    QElapsedTimer m_since;
    QPointer<QWidget> m_last;
};

// The Run now dialog, once its dry run has ended: checks that it says `figures` and, when
// `doneBefore` is not empty, that it names that run; then clicks Run.
std::function<QString(QWidget *)> runAfterPreview(const QString &figures, const QString &doneBefore)
{
    return [figures, doneBefore](QWidget *modal) -> QString {
        auto *dialog = qobject_cast<RunNowDialog *>(modal);
        if (!dialog)
            return u"expected the Run now dialog"_s;
        auto *run = dialog->findChild<QPushButton *>(u"runButton"_s);
        auto *preview = dialog->findChild<QLabel *>(u"previewLabel"_s);
        auto *done = dialog->findChild<QLabel *>(u"alreadyDoneLabel"_s);
        auto *bar = dialog->findChild<QProgressBar *>(u"previewProgress"_s);
        if (!preview || !done || !bar) {
            dialog->reject();
            return u"the dialog shows no dry run"_s;
        }
        // The figures come from a run on the scheduler's worker: waited for here.
        QElapsedTimer waited;
        waited.start();
        while (!(run->isEnabled() && (doneBefore.isEmpty() || done->isVisible())) &&
               !waited.hasExpired(10000))
            QTest::qWait(10);
        if (!preview->isVisible() || !preview->text().contains(figures))
            return u"the dialog says \"%1\", not \"%2\""_s.arg(preview->text(), figures);
        if (bar->isVisible())
            return u"the dry run's bar is still shown"_s;
        if (doneBefore.isEmpty() && done->isVisible())
            return u"an earlier run is named: "_s + done->text();
        if (!doneBefore.isEmpty() && !done->text().contains(doneBefore))
            return u"the earlier run shows as \"%1\", not \"%2\""_s.arg(done->text(), doneBefore);
        QTest::mouseClick(run, Qt::LeftButton);
        return QString();
    };
}

// The second question (run again for a period already done): clicks `button`.
std::function<QString(QWidget *)> answerRunAgain(const QString &button)
{
    return [button](QWidget *modal) -> QString {
        auto *box = qobject_cast<QMessageBox *>(modal);
        if (!box || box->objectName() != u"runAgainQuestion"_s)
            return u"expected the question to run again"_s;
        for (QAbstractButton *candidate : box->buttons()) {
            if (candidate->text() == button) {
                QTest::mouseClick(candidate, Qt::LeftButton);
                return QString();
            }
        }
        return u"no button \"%1\""_s.arg(button);
    };
}

struct Console
{
    explicit Console(SqlDialect dialect)
        : database(dialect)
    {
        if (!database.isReady()) {
            error = database.error();
            return;
        }
        factory = std::make_shared<ConnectionFactory>(database.url());
        if (auto migrated = Migrator().migrate(factory->connectionForCurrentThread().value());
            !migrated) {
            error = migrated.error();
            return;
        }
        for (const char *id : {"u1", "u2", "u3"})
            if (const QString failed = addUser(QString::fromLatin1(id)); !failed.isEmpty()) {
                error = failed;
                return;
            }
        JobRuntime::Options options;
        options.zone = QTimeZone::utc();
        options.mode = u"console"_s;
        options.scheduler.instanceId = u"console-money"_s;
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
        setup.jobs = JobCatalog::configuredJobs(factory, QTimeZone::utc());
        setup.zone = QTimeZone::utc();
        setup.runtime = runtime.get();
        setup.user = admin;
        setup.refreshInterval = 100ms;
        window = std::make_unique<MainWindow>(setup);
        window->show();
    }

    ~Console()
    {
        if (runtime)
            runtime->scheduler().stop(10s);
        window.reset();
        runtime.reset();
    }

    // A user with 2 of a monthly limit of 10 free credits: owed 8.
    QString addUser(const QString &id) const
    {
        QSqlQuery insert(factory->connectionForCurrentThread().value());
        const bool done = insert.exec(
            u"INSERT INTO users (id, email, free_credits, paid_credits, monthly_credit_limit) "
            u"VALUES ('%1', '%1@example.org', 2, 0, 10)"_s.arg(id));
        return done ? QString() : insert.lastError().text();
    }

    QList<StoredRun> runs() const
    {
        auto read = RunHistory(factory).runs(RunQuery{.job = topUp});
        return read ? read.value() : QList<StoredRun>{};
    }
    // The runs that changed something: succeeded, not dry runs.
    QList<StoredRun> realRuns() const
    {
        QList<StoredRun> real;
        for (const StoredRun &run : runs())
            if (!run.dryRun && run.outcome == RunOutcome::Succeeded)
                real.append(run);
        return real;
    }
    qsizetype activeRuns() const { return runtime->scheduler().activeRuns().size(); }

    // Picks the top-up's row and clicks Run now on the toolbar.
    void clickRunNow() const
    {
        QTableView *table = test::jobTable(*window);
        const QModelIndex index =
            test::jobProxy(*window)->mapFromSource(test::jobModel(*window)->index(
                test::jobModel(*window)->rowOf(topUp), JobTableModel::Name));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        auto *toolBar = window->findChild<QToolBar *>(u"jobToolBar"_s);
        QTest::mouseClick(toolBar->widgetForAction(test::jobActions(*window).runNow()),
                          Qt::LeftButton);
    }

    test::TestDatabase database;
    std::shared_ptr<ConnectionFactory> factory;
    ManualClock clock{utc("2026-01-31T23:50:00Z")};
    std::unique_ptr<JobRuntime> runtime;
    std::unique_ptr<MainWindow> window;
    QString error;
};

} // namespace

class tst_MoneyRuns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { TimeDisplay::setZone(TimeDisplay::Zone::Utc); }

    void runNowShowsTheFiguresAndAsksAgain_data() { test::addDatabaseRowsWithMySql(); }
    void runNowShowsTheFiguresAndAsksAgain()
    {
        QFETCH(SqlDialect, dialect);
        Console c(dialect);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QVERIFY(QTest::qWaitForWindowExposed(c.window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(test::jobModel(*c.window)->job(topUp), 10000);

        // January, nobody granted yet: the figures, no earlier run, one click runs it.
        {
            ModalAnswers answers({runAfterPreview(u"would top up 3 users with 24 credits for "
                                                  u"2026-01"_s,
                                                  {})});
            c.clickRunNow();
            QVERIFY2(answers.problems.isEmpty(), qPrintable(answers.problems));
            QCOMPARE(answers.answered(), 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(c.realRuns().size(), 1, 10000);
        QCOMPARE(c.realRuns().first().trigger, RunTrigger::Manual);
        QCOMPARE(c.realRuns().first().summary.value(u"usersToppedUp"_s).toInt(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(c.activeRuns(), 0, 10000);

        // The users spend their credits; February's scheduled run grants February; then a
        // new user signs up.
        {
            QSqlQuery spend(c.factory->connectionForCurrentThread().value());
            QVERIFY2(spend.exec(u"UPDATE users SET free_credits = 2"_s),
                     qPrintable(spend.lastError().text()));
        }
        c.clock.setNow(utc("2026-02-01T00:00:30Z"));
        QTRY_COMPARE_WITH_TIMEOUT(c.realRuns().size(), 2, 10000);
        const StoredRun scheduled = c.realRuns().first();
        QCOMPARE(scheduled.trigger, RunTrigger::Scheduled);
        QCOMPARE(scheduled.summary.value(u"period"_s).toString(), u"2026-02"_s);
        QCOMPARE(scheduled.summary.value(u"usersToppedUp"_s).toInt(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(c.activeRuns(), 0, 10000);
        QVERIFY2(c.addUser(u"u4"_s).isEmpty(), "user u4");

        // Run now: the dry run finds only the new user, names the scheduled run, and "No" to
        // the second question runs nothing.
        const QString doneBy = u"A scheduled run by the scheduler already ran %1 for 2026-02 "
                               u"(run %2"_s.arg(topUp)
                                   .arg(scheduled.id);
        const QString figures = u"would top up 1 user with 8 credits for 2026-02 (3 already had "
                                u"theirs"_s;
        {
            ModalAnswers answers({runAfterPreview(figures, doneBy), answerRunAgain(u"Cancel"_s)});
            c.clickRunNow();
            QVERIFY2(answers.problems.isEmpty(), qPrintable(answers.problems));
            QCOMPARE(answers.answered(), 2);
        }
        QTRY_COMPARE_WITH_TIMEOUT(c.activeRuns(), 0, 10000);
        QCOMPARE(c.realRuns().size(), 2);

        // Asked again and said yes: it runs, and grants what the dry run said.
        {
            ModalAnswers answers(
                {runAfterPreview(figures, doneBy), answerRunAgain(u"Run again"_s)});
            c.clickRunNow();
            QVERIFY2(answers.problems.isEmpty(), qPrintable(answers.problems));
            QCOMPARE(answers.answered(), 2);
        }
        QTRY_COMPARE_WITH_TIMEOUT(c.realRuns().size(), 3, 10000);
        const StoredRun again = c.realRuns().first();
        QCOMPARE(again.trigger, RunTrigger::Manual);
        QCOMPARE(again.requestedBy, admin);
        QCOMPARE(again.summary.value(u"usersToppedUp"_s).toInt(), 1);

        // The three dry runs are on record, by the admin, saying why.
        qsizetype dryRuns = 0;
        for (const StoredRun &run : c.runs()) {
            if (!run.dryRun)
                continue;
            ++dryRuns;
            QCOMPARE(run.requestedBy, admin);
            QCOMPARE(run.reason, u"To see what Run now would do"_s);
            QCOMPARE(run.outcome, RunOutcome::Succeeded);
        }
        QCOMPARE(dryRuns, 3);
    }
};

QTEST_MAIN(tst_MoneyRuns)
#include "tst_moneyruns.moc"

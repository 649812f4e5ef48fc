// The jobs table's model: rows fixed by setJobs(), facts merged from the database snapshot
// and the live scheduler, the state and texts each row shows (idle, running with progress,
// paused with reason and end, overdue, failing), runEnded() once per ending, and the sort
// roles through a QSortFilterProxyModel as the main window uses it. The feed keeps it current
// from both databases.
#include "EnginePrinters.h"
#include "HistoryRows.h"

#include "common/ProcessIdentity.h"
#include "data/TimeDisplay.h"
#include "engine/ManualClock.h"
#include "models/JobTableFeed.h"
#include "models/JobTableModel.h"
#include "storage/PauseStore.h"
#include "views/ColumnFitter.h"
#include "views/JobTableView.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace jc;
using namespace std::chrono_literals;

namespace {

using Column = JobTableModel::Column;

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

// Daily at 03:00 UTC: from the tests' "now" (Jan 15 10:00 UTC) the next fire is in 17 hours.
Schedule daily()
{
    auto parsed = Schedule::parse(QStringLiteral("0 3 * * *"), QTimeZone("UTC"));
    if (!parsed)
        qFatal("schedule does not parse");
    return parsed.value();
}

JobOverview overview(const QString &name, const QString &description = {})
{
    JobOverview job;
    job.name = name;
    job.description = description;
    job.schedule = daily();
    return job;
}

StoredRun storedRun(qint64 id, const QString &job, RunOutcome outcome, const QDateTime &started,
                    qint64 durationMSecs = 2500)
{
    StoredRun run;
    run.id = id;
    run.job = job;
    run.outcome = outcome;
    run.startedAt = started;
    run.occurrence = started;
    if (outcome != RunOutcome::Running)
        run.finishedAt = started.addMSecs(durationMSecs);
    return run;
}

RunInfo runInfo(RunId id, const QString &job, const QDateTime &started)
{
    RunInfo run;
    run.id = id;
    run.job = job;
    run.trigger = RunTrigger::Manual;
    run.occurrence = started;
    run.startedAt = started;
    run.requestedBy = QStringLiteral("alice");
    return run;
}

RunRecord record(const RunInfo &info, qint64 storedId, RunOutcome outcome, qint64 durationMSecs,
                 const QString &error = {})
{
    RunRecord ended;
    ended.info = info;
    ended.storedRunId = storedId;
    ended.outcome = outcome;
    ended.finishedAt = info.startedAt.addMSecs(durationMSecs);
    ended.error = error;
    return ended;
}

QString text(const JobTableModel &model, const QString &job, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(model.rowOf(job), column), role).toString();
}

JobOverview::State state(const JobTableModel &model, const QString &job)
{
    return JobOverview::State(
        model.data(model.index(model.rowOf(job), Column::State), JobTableModel::StateRole).toInt());
}

// The job names in the proxy's row order.
QStringList order(const QSortFilterProxyModel &proxy)
{
    QStringList names;
    for (int row = 0; row < proxy.rowCount(); ++row)
        names.append(proxy.index(row, 0).data(JobTableModel::JobNameRole).toString());
    return names;
}

const QDateTime now = utc("2026-01-15T10:00:00Z");

} // namespace

namespace QTest {
template <> inline char *toString(const jc::JobOverview::State &value)
{
    return qstrdup(qPrintable(jc::toText(value)));
}
} // namespace QTest

class tst_JobTableModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { TimeDisplay::setZone(TimeDisplay::Zone::Utc); }

    // The jobs table fits its columns to the rows in view (issue 19: measuring 200 rows cost
    // 12-14 ms a fit): a long name far down is not measured until it scrolls into view, and
    // is shown whole once it has (Ctrl+End, real input).
    void columnsFitTheRowsScrolledIntoView()
    {
        JobTableModel model(now);
        QList<JobOverview> jobs;
        for (int i = 0; i < 80; ++i)
            jobs.append(overview(u"job-%1"_s.arg(i, 2, 10, QLatin1Char('0'))));
        const QString longName = u"nightly-reconciliation-of-partner-ledgers"_s;
        jobs.append(overview(longName));
        model.setJobs(jobs);
        JobTableView view(&model);
        view.resize(1000, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int wanted = view.fontMetrics().horizontalAdvance(longName);
        auto *fitter = view.findChild<ColumnFitter *>();
        QVERIFY(fitter);
        fitter->fit();
        QVERIFY2(view.columnWidth(JobTableModel::Name) < wanted,
                 "the long name, out of view, was measured");

        // A click on the first row, then Ctrl+End: the last rows scroll into view.
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                          view.visualRect(view.model()->index(0, 0)).center());
        QTest::keyClick(&view, Qt::Key_End, Qt::ControlModifier);
        QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
        QTRY_VERIFY2_WITH_TIMEOUT(
            view.columnWidth(JobTableModel::Name) >= wanted,
            qPrintable(u"%1 px for %2 px of name"_s.arg(view.columnWidth(JobTableModel::Name))
                           .arg(wanted)),
            5000);
    }

    void idleRowsAfterSetJobs()
    {
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(JobTableModel::ColumnCount));
        model.setNow(now); // no rows: nothing to change
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setJobs({overview(QStringLiteral("monthly-credits"), QStringLiteral("Tops up")),
                       overview(QStringLiteral("history-retention"))});
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.jobNames(), (QStringList{QStringLiteral("monthly-credits"),
                                                QStringLiteral("history-retention")}));
        QCOMPARE(model.rowOf(QStringLiteral("history-retention")), 1);
        QCOMPARE(model.rowOf(QStringLiteral("nope")), -1);
        QVERIFY(model.job(QStringLiteral("nope")) == nullptr);
        QCOMPARE(model.headerData(Column::NextRun, Qt::Horizontal).toString(),
                 QStringLiteral("Next run"));
        QVERIFY(!model.headerData(0, Qt::Vertical).isValid());

        model.setNow(now);
        const QString job = QStringLiteral("monthly-credits");
        QCOMPARE(text(model, job, Column::Name), job);
        QCOMPARE(text(model, job, Column::Name, JobTableModel::JobNameRole), job);
        QCOMPARE(text(model, job, Column::Name, Qt::ToolTipRole), QStringLiteral("Tops up"));
        QCOMPARE(text(model, QStringLiteral("history-retention"), Column::Name, Qt::ToolTipRole),
                 QStringLiteral("history-retention"));
        QCOMPARE(text(model, job, Column::State), QStringLiteral("idle"));
        QCOMPARE(state(model, job), JobOverview::State::Idle);
        QCOMPARE(text(model, job, Column::ScheduleColumn),
                 QStringLiteral("0 3 * * * — %1 (UTC)").arg(daily().description()));
        QCOMPARE(text(model, job, Column::LastRun), QStringLiteral("never"));
        QCOMPARE(text(model, job, Column::NextRun),
                 QStringLiteral("Jan 16 03:00:00 UTC (in 17 h 0 min)"));
        QCOMPARE(text(model, job, Column::LastSuccess), QStringLiteral("—"));
        QVERIFY(!model.data(model.index(0, Column::State), JobTableModel::ProgressRole).isValid());
        QVERIFY(!model.data(model.index(0, Column::State), Qt::ForegroundRole).isValid());

        // The scheduler's next occurrence wins over the schedule while it lies ahead.
        model.applyScheduled(job, utc("2026-01-15T10:05:00Z"));
        QCOMPARE(text(model, job, Column::NextRun),
                 QStringLiteral("Jan 15 10:05:00 UTC (in 5 min 0 s)"));
        model.setNow(utc("2026-01-15T10:06:00Z"));
        QCOMPARE(text(model, job, Column::NextRun),
                 QStringLiteral("Jan 16 03:00:00 UTC (in 16 h 54 min)"));
        model.applyScheduled(QStringLiteral("unknown"), now); // ignored
    }

    void liveRunShowsProgressThenItsEnd()
    {
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString job = QStringLiteral("monthly-credits");
        model.setJobs({overview(QStringLiteral("other")), overview(job)});
        model.setNow(now);
        model.applyStored({}, {}, {}); // the first snapshot: endings are news from now on
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy ended(&model, &JobTableModel::runEnded);

        const RunInfo info = runInfo(7, job, now);
        model.applyRunStarted(info);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex(), model.index(1, 0));
        QCOMPARE(changed.at(0).at(1).toModelIndex(), model.index(1, Column::LastSuccess));
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running"));
        QCOMPARE(state(model, job), JobOverview::State::Running);
        QCOMPARE(model.data(model.index(1, Column::State), JobTableModel::ProgressRole),
                 QVariant(QVariantList{qint64(0), qint64(0)}));
        QVERIFY(!model.data(model.index(1, Column::Name), JobTableModel::ProgressRole).isValid());
        QCOMPARE(model.data(model.index(1, Column::State), Qt::ForegroundRole).value<QColor>(),
                 QColor(0x2f, 0x80, 0xed));

        model.applyRunProgress(7, 3, 10, QStringLiteral("3 of 10 users"));
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 3/10"));
        QCOMPARE(model.data(model.index(1, Column::State), JobTableModel::ProgressRole),
                 QVariant(QVariantList{qint64(3), qint64(10)}));
        QCOMPARE(text(model, job, Column::State, Qt::ToolTipRole),
                 QStringLiteral("running 3/10\n3 of 10 users"));
        model.applyRunProgress(7, 5, 0, {});
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 5 done"));
        model.applyRunProgress(7, 50, 10, {}); // clamped, never trusted
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 10/10"));
        // Counts grouped as in the summaries and in jobctl: a top-up counts to millions.
        model.applyRunProgress(7, 46022, 300000, {});
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 46,022/300,000"));
        model.applyRunProgress(7, 1234567, 0, {});
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 1,234,567 done"));
        model.applyRunProgress(7, 10, 10, {});
        const int before = int(changed.count());
        model.applyRunProgress(99, 1, 2, {}); // not a run of this table
        QCOMPARE(changed.count(), before);
        QCOMPARE(text(model, job, Column::State), QStringLiteral("running 10/10"));

        // A minute later it succeeded after 2.5 s.
        model.setNow(now.addSecs(60));
        model.applyRunFinished(record(info, 41, RunOutcome::Succeeded, 2500));
        QCOMPARE(text(model, job, Column::State), QStringLiteral("idle"));
        QVERIFY(!model.data(model.index(1, Column::State), JobTableModel::ProgressRole).isValid());
        QCOMPARE(text(model, job, Column::LastRun),
                 QStringLiteral("Jan 15 10:00:00 UTC · succeeded · 2.5 s"));
        QVERIFY(text(model, job, Column::LastRun, Qt::ToolTipRole)
                    .startsWith(QStringLiteral("Run 41, started 2026-01-15 10:00:00 UTC")));
        QCOMPARE(text(model, job, Column::LastSuccess),
                 QStringLiteral("Jan 15 10:00:02 UTC (57.5 s ago)"));
        QCOMPARE(model.data(model.index(1, Column::LastRun), Qt::ForegroundRole).value<QColor>(),
                 QColor(0x2e, 0x9d, 0x4f));
        QVERIFY(model.data(model.index(1, Column::LastRun), Qt::DecorationRole).isValid());
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().id, 41);
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().outcome, RunOutcome::Succeeded);
        QCOMPARE(text(model, QStringLiteral("other"), Column::LastRun), QStringLiteral("never"));

        // A dry run that succeeds is no success.
        RunInfo dry = runInfo(8, job, now.addSecs(120));
        dry.dryRun = true;
        model.applyRunStarted(dry);
        model.applyRunFinished(record(dry, 42, RunOutcome::Succeeded, 1000));
        QCOMPARE(text(model, job, Column::LastSuccess, Qt::ToolTipRole),
                 QStringLiteral("2026-01-15 10:00:02 UTC"));
        QCOMPARE(ended.count(), 2);
        // ... and never reads as a plain Last run (issue 21: it looked like the real thing).
        QCOMPARE(text(model, job, Column::LastRun),
                 QStringLiteral("Jan 15 10:02:00 UTC · dry run succeeded · 1.0 s"));
    }

    // A run of this console's scheduler that ends before the first snapshot of the database
    // arrived (a slow server, a run cancelled at once) still ends for the window: runEnded
    // replaces "Cancelling …" and notifies. Before, it was dropped as history, and "Cancelling"
    // stayed in the status bar (seen under ASan on PostgreSQL: tst_mainwindow
    // cancelEndsTheRunCancelled). Stored endings before the first snapshot stay history.
    void ownRunEndingBeforeTheFirstSnapshotIsNews()
    {
        JobTableModel model(now);
        const QString job = QStringLiteral("monthly-credits");
        model.setJobs({overview(job)});
        model.setNow(now);
        QSignalSpy ended(&model, &JobTableModel::runEnded);
        const RunInfo info = runInfo(7, job, now);
        model.applyRunStarted(info);
        model.applyRunFinished(record(info, 41, RunOutcome::Cancelled, 500));
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().outcome, RunOutcome::Cancelled);
        // The first snapshot then shows the same ending: no second notice.
        StoredRun stored = ended.at(0).at(0).value<StoredRun>();
        model.applyStored({{job, stored}}, {}, {});
        QCOMPARE(ended.count(), 1);

        JobTableModel fresh(now); // an ending the first snapshot finds: history, no notice
        fresh.setJobs({overview(job)});
        QSignalSpy freshEnded(&fresh, &JobTableModel::runEnded);
        fresh.applyStored({{job, stored}}, {}, {});
        QCOMPARE(freshEnded.count(), 0);
    }

    // A run the first snapshot finds running is announced (runBegan): History, which read the
    // database before the run began, reads again. Before, the first snapshot was taken for
    // history and the later ones show the same run, so History stayed empty until the run
    // ended (seen under ASan in CI: tst_mainwindow runningRunIsALiveRowInHistory(sqlite), the
    // console's first read answering after "Run now" had claimed the run).
    void runRunningAtTheFirstSnapshotIsAnnounced()
    {
        JobTableModel model(now);
        const QString job = QStringLiteral("monthly-credits");
        model.setJobs({overview(QStringLiteral("other")), overview(job)});
        model.setNow(now);
        QSignalSpy began(&model, &JobTableModel::runBegan);
        QSignalSpy ended(&model, &JobTableModel::runEnded);
        StoredRun running;
        running.id = 41;
        running.job = job;
        running.outcome = RunOutcome::Running;
        running.startedAt = now;
        model.applyStored({{job, running}}, {}, {});
        QCOMPARE(began.count(), 1);
        QCOMPARE(began.at(0).at(0).value<StoredRun>().id, 41);
        model.applyStored({{job, running}}, {}, {}); // the same run again: no second notice
        QCOMPARE(began.count(), 1);
        QCOMPARE(ended.count(), 0);
    }

    void pausedShowsReasonAndUntilWhen()
    {
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString job = QStringLiteral("monthly-credits");
        model.setJobs({overview(job)});
        model.setNow(now);
        PauseState pause;
        pause.pausedBy = QStringLiteral("alice");
        pause.pausedAt = utc("2026-01-15T09:00:00Z");
        pause.reason = QStringLiteral("restoring a backup");
        pause.resumeAt = utc("2026-01-16T08:00:00Z");
        model.applyPause(job, pause);
        QCOMPARE(state(model, job), JobOverview::State::Paused);
        QCOMPARE(text(model, job, Column::State),
                 QStringLiteral("paused: restoring a backup (until Jan 16 08:00:00 UTC)"));
        QCOMPARE(text(model, job, Column::State, Qt::ToolTipRole),
                 QStringLiteral("paused: restoring a backup (until Jan 16 08:00:00 UTC)\n"
                                "Paused by alice at 2026-01-15 09:00:00 UTC"));
        // The run after the pause's end will happen: it said only "paused" (an admin's
        // click-through).
        QCOMPARE(text(model, job, Column::NextRun),
                 QStringLiteral("Jan 17 03:00:00 UTC (after the pause)"));
        QCOMPARE(text(model, job, Column::NextRun, Qt::ToolTipRole), QStringLiteral("—"));
        QCOMPARE(model.data(model.index(0, Column::State), Qt::ForegroundRole).value<QColor>(),
                 QColor(0xc7, 0x8a, 0x10));

        // Its end has come: idle again, with the next occurrence after it.
        model.setNow(utc("2026-01-16T08:00:00Z"));
        QCOMPARE(state(model, job), JobOverview::State::Idle);
        QCOMPARE(text(model, job, Column::NextRun),
                 QStringLiteral("Jan 17 03:00:00 UTC (in 19 h 0 min)"));

        // Paused until resumed, with no reason given.
        model.applyPause(job, PauseState{QString(), now, QString(), std::nullopt});
        QCOMPARE(text(model, job, Column::State), QStringLiteral("paused"));
        QCOMPARE(text(model, job, Column::NextRun), QStringLiteral("paused"));
        QVERIFY(text(model, job, Column::State, Qt::ToolTipRole)
                    .contains(QStringLiteral("Paused by someone")));
        model.applyPause(job, std::nullopt);
        QCOMPARE(text(model, job, Column::State), QStringLiteral("idle"));
        model.applyPause(QStringLiteral("unknown"), pause); // ignored
    }

    void overdueAndFailing()
    {
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString overdue = QStringLiteral("overdue-job");
        const QString failing = QStringLiteral("failing-job");
        model.setJobs({overview(overdue), overview(failing)});
        model.setNow(now);
        // No success for three days on a daily schedule: overdue since the next fire after it.
        // Failing: the last run failed, the last success is a day old (not yet overdue).
        model.applyStored(
            {{overdue, storedRun(1, overdue, RunOutcome::Succeeded, utc("2026-01-12T03:00:00Z"))},
             {failing, storedRun(2, failing, RunOutcome::Failed, utc("2026-01-15T03:00:00Z"))}},
            {{overdue, utc("2026-01-12T03:00:02Z")}, {failing, utc("2026-01-14T03:00:10Z")}}, {});
        QCOMPARE(state(model, overdue), JobOverview::State::Overdue);
        QCOMPARE(text(model, overdue, Column::State), QStringLiteral("overdue"));
        QCOMPARE(text(model, overdue, Column::NextRun),
                 QStringLiteral("overdue since Jan 13 03:00:00 UTC · next Jan 16 03:00:00 UTC "
                                "(in 17 h 0 min)"));
        QCOMPARE(model.data(model.index(0, Column::NextRun), Qt::ForegroundRole).value<QColor>(),
                 QColor(0xd9, 0x3b, 0x3b));

        QCOMPARE(state(model, failing), JobOverview::State::Failing);
        QCOMPARE(text(model, failing, Column::State), QStringLiteral("failing"));
        QCOMPARE(text(model, failing, Column::LastRun),
                 QStringLiteral("Jan 15 03:00:00 UTC · failed · 2.5 s"));
        QCOMPARE(text(model, failing, Column::LastSuccess),
                 QStringLiteral("Jan 14 03:00:10 UTC (1 d 6 h ago)"));
        QCOMPARE(text(model, failing, Column::NextRun),
                 QStringLiteral("Jan 16 03:00:00 UTC (in 17 h 0 min)"));

        // A job that ran but never succeeded says so; it is failing, not overdue: it ran at
        // its last due time, and the next one has not come.
        StoredRun failed = storedRun(3, failing, RunOutcome::Failed, utc("2026-01-15T03:00:00Z"));
        failed.error = QStringLiteral("SMTP refused\nsecond line");
        model.applyStored({{failing, failed}}, {}, {});
        QCOMPARE(text(model, failing, Column::LastSuccess), QStringLiteral("never"));
        QCOMPARE(state(model, failing), JobOverview::State::Failing);
        QCOMPARE(text(model, failing, Column::State, Qt::ToolTipRole),
                 QStringLiteral("failing\nSMTP refused …"));
        QCOMPARE(text(model, failing, Column::NextRun),
                 QStringLiteral("Jan 16 03:00:00 UTC (in 17 h 0 min)"));
        // ...and the overdue job, absent from the snapshot, has no last run any more.
        QCOMPARE(text(model, overdue, Column::LastRun), QStringLiteral("never"));
        QCOMPARE(state(model, overdue), JobOverview::State::Idle);
    }

    void snapshotsMergeWithLiveRuns()
    {
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString job = QStringLiteral("A");
        const QString other = QStringLiteral("B");
        model.setJobs({overview(job), overview(other)});
        model.setNow(now);
        QSignalSpy ended(&model, &JobTableModel::runEnded);

        // The first snapshot is history, not news.
        const QHash<QString, QDateTime> succeeded{{job, now.addSecs(-7200)}};
        model.applyStored({{job, storedRun(1, job, RunOutcome::Failed, now.addSecs(-3600))}},
                          succeeded, {});
        QCOMPARE(ended.count(), 0);
        QCOMPARE(state(model, job), JobOverview::State::Failing);

        // Another instance runs B, with progress from its heartbeat.
        StoredRun elsewhere = storedRun(2, other, RunOutcome::Running, now.addSecs(-60));
        elsewhere.instanceId = QStringLiteral("host-b:42");
        elsewhere.heartbeatAt = now.addSecs(-10); // within its lease: alive (RunLiveness)
        elsewhere.progress = {5, 20, QStringLiteral("five")};
        model.applyStored(
            {{job, storedRun(1, job, RunOutcome::Failed, now.addSecs(-3600))}, {other, elsewhere}},
            succeeded, {});
        QCOMPARE(ended.count(), 0);
        QCOMPARE(text(model, other, Column::State), QStringLiteral("running on host-b:42 5/20"));
        QCOMPARE(text(model, other, Column::LastRun),
                 QStringLiteral("Jan 15 09:59:00 UTC · running · 1 min 0 s"));
        QVERIFY(model.job(other)->isRunningElsewhere());

        // Its holder process is gone (this host, a start time that is not the process's):
        // not responding since its last heartbeat, however fresh that is.
        StoredRun orphan = elsewhere;
        orphan.holder = ProcessIdentity::currentHolder().section(u'/', 0, 2) + QStringLiteral("/1");
        model.applyStored(
            {{job, storedRun(1, job, RunOutcome::Failed, now.addSecs(-3600))}, {other, orphan}},
            succeeded, {});
        QCOMPARE(state(model, other), JobOverview::State::NotResponding);
        QCOMPARE(text(model, other, Column::State),
                 QStringLiteral("not responding since Jan 15 09:59:50 UTC (host-b:42)"));
        QCOMPARE(text(model, other, Column::LastRun),
                 QStringLiteral("Jan 15 09:59:00 UTC · not responding · 50.0 s"));
        QVERIFY(!model.index(model.rowOf(other), Column::State)
                     .data(JobTableModel::ProgressRole)
                     .isValid()); // no progress bar for it
        model.applyStored(
            {{job, storedRun(1, job, RunOutcome::Failed, now.addSecs(-3600))}, {other, elsewhere}},
            succeeded, {});

        // It ended there: news, once.
        elsewhere.outcome = RunOutcome::Cancelled;
        elsewhere.finishedAt = now;
        const QHash<QString, StoredRun> ending{
            {job, storedRun(1, job, RunOutcome::Failed, now.addSecs(-3600))}, {other, elsewhere}};
        model.applyStored(ending, succeeded, {});
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().id, 2);
        model.applyStored(ending, succeeded, {});
        QCOMPARE(ended.count(), 1);

        // A run of A ends here before the database says so: a stale "running" read keeps the
        // ending, and the later agreeing read is no second news.
        const RunInfo info = runInfo(9, job, now);
        model.applyRunStarted(info);
        model.applyRunFinished(record(info, 3, RunOutcome::Succeeded, 1000));
        QCOMPARE(ended.count(), 2);
        QHash<QString, StoredRun> stale = ending;
        stale[job] = storedRun(3, job, RunOutcome::Running, now);
        model.applyStored(stale, succeeded, {});
        QCOMPARE(state(model, job), JobOverview::State::Idle);
        QCOMPARE(model.job(job)->lastRun->outcome, RunOutcome::Succeeded);
        QHash<QString, StoredRun> agreeing = ending;
        agreeing[job] = storedRun(3, job, RunOutcome::Succeeded, now, 1000);
        model.applyStored(agreeing, {{job, now.addMSecs(1000)}}, {});
        QCOMPARE(ended.count(), 2);
        QCOMPARE(state(model, job), JobOverview::State::Idle);

        // A pause stored by another instance shows up.
        model.applyStored(agreeing, {{job, now.addMSecs(1000)}},
                          {{job, PauseState{QStringLiteral("bob"), now, {}, std::nullopt}}});
        QCOMPARE(state(model, job), JobOverview::State::Paused);
    }

    void sortsThroughTheProxy()
    {
        JobTableModel model(now);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(JobTableModel::SortRole);
        proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
        QAbstractItemModelTester sourceTester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString idle = QStringLiteral("charlie");
        const QString failing = QStringLiteral("Alpha");
        const QString paused = QStringLiteral("bravo");
        model.setJobs({overview(idle), overview(failing), overview(paused)});
        model.setNow(now);
        model.applyStored({{failing, storedRun(1, failing, RunOutcome::Failed, now.addSecs(-600))},
                           {idle, storedRun(2, idle, RunOutcome::Succeeded, now.addSecs(-3600))}},
                          {{idle, now.addSecs(-3597)}},
                          {{paused, PauseState{QStringLiteral("bob"), now, {}, std::nullopt}}});

        proxy.sort(Column::Name, Qt::AscendingOrder);
        QCOMPARE(order(proxy), (QStringList{failing, paused, idle}));
        proxy.sort(Column::State, Qt::AscendingOrder); // idle, running, paused, failing, overdue, …
        QCOMPARE(order(proxy), (QStringList{idle, paused, failing}));
        QCOMPARE(proxy.index(0, Column::State).data(JobTableModel::SortRole).toInt(),
                 int(JobOverview::State::Idle));
        proxy.sort(Column::LastRun, Qt::AscendingOrder); // never ran first
        QCOMPARE(order(proxy), (QStringList{paused, idle, failing}));
        QCOMPARE(proxy.index(0, Column::LastRun).data(JobTableModel::SortRole).toLongLong(), -1);
        proxy.sort(Column::LastSuccess, Qt::DescendingOrder);
        QCOMPARE(order(proxy).first(), idle);
        proxy.sort(Column::NextRun, Qt::AscendingOrder); // paused: no next run, last
        QCOMPARE(order(proxy).last(), paused);
        QCOMPARE(proxy.index(2, Column::NextRun).data(JobTableModel::SortRole).toLongLong(),
                 std::numeric_limits<qint64>::max());
        QCOMPARE(proxy.index(0, Column::NextRun).data(JobTableModel::SortRole).toLongLong(),
                 utc("2026-01-16T03:00:00Z").toMSecsSinceEpoch());

        // A live change re-sorts: Alpha starts running and moves up, before the paused one.
        proxy.sort(Column::State, Qt::AscendingOrder);
        QCOMPARE(order(proxy), (QStringList{idle, paused, failing}));
        model.applyRunStarted(runInfo(5, failing, now));
        QCOMPARE(order(proxy), (QStringList{idle, failing, paused}));
        QCOMPARE(proxy.index(1, Column::State).data().toString(), QStringLiteral("running"));
    }

    void feedReadsBothDatabases_data() { test::addDatabaseRowsWithMySql(); }
    void feedReadsBothDatabases()
    {
        OPEN_HISTORY_DATABASE();
        const qint64 t = now.toMSecsSinceEpoch();
        INSERT_RUNS((QList<test::RunRow>{
            {.job = QStringLiteral("A"), .startedMSecs = t - 3'600'000},
            {.job = QStringLiteral("B"), .startedMSecs = t - 7'200'000},
            {.job = QStringLiteral("B"),
             .status = QStringLiteral("failed"),
             .startedMSecs = t - 600'000,
             .error = QStringLiteral("disk full")},
            {.job = QStringLiteral("C"),
             .status = QStringLiteral("running"),
             .startedMSecs = t - 60'000,
             .durationMSecs = -1},
            // E succeeded on the 12th and was paused since: the scheduler recorded its
            // occurrences as skipped, the last one this morning. Resumed, it is not overdue.
            {.job = QStringLiteral("E"),
             .startedMSecs = utc("2026-01-12T03:00:00Z").toMSecsSinceEpoch()},
            {.job = QStringLiteral("E"),
             .status = QStringLiteral("skipped"),
             .startedMSecs = utc("2026-01-13T03:00:00Z").toMSecsSinceEpoch()},
            {.job = QStringLiteral("E"),
             .status = QStringLiteral("skipped"),
             .startedMSecs = utc("2026-01-15T03:00:00Z").toMSecsSinceEpoch()},
            // F succeeded on the 12th and nothing dealt with its occurrences since.
            {.job = QStringLiteral("F"),
             .startedMSecs = utc("2026-01-12T03:00:00Z").toMSecsSinceEpoch()},
        }));
        QSqlQuery query(h.db);
        // Heartbeating 10 s ago: alive on another host (RunLiveness).
        QVERIFY2(query.exec(QStringLiteral("UPDATE jc_runs SET instance_id = 'host-b:42', "
                                           "progress_done = 4, progress_total = 8, "
                                           "heartbeat_at_ms = %1 WHERE status = 'running'")
                                .arg(t - 10'000)),
                 qPrintable(query.lastError().text()));
        QVERIFY(PauseStore(h.factory).pause(QStringLiteral("A"), QStringLiteral("alice"),
                                            QStringLiteral("maintenance"), std::nullopt, t));

        ManualClock clock(now);
        JobTableModel model(now);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setJobs({overview(QStringLiteral("A")), overview(QStringLiteral("B")),
                       overview(QStringLiteral("C")), overview(QStringLiteral("D")),
                       overview(QStringLiteral("E")), overview(QStringLiteral("F"))});
        JobTableFeed feed(&model, h.reader.get(), clock);
        feed.setInterval(1h); // only the reads this test asks for
        QSignalSpy refreshed(&feed, &JobTableFeed::refreshed);
        QSignalSpy ended(&model, &JobTableModel::runEnded);
        feed.start();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 10000);
        QCOMPARE(refreshed.at(0).at(0).toBool(), true);
        QCOMPARE(model.now(), now);
        QCOMPARE(text(model, QStringLiteral("A"), Column::State),
                 QStringLiteral("paused: maintenance"));
        QCOMPARE(state(model, QStringLiteral("B")), JobOverview::State::Failing);
        QCOMPARE(text(model, QStringLiteral("B"), Column::State, Qt::ToolTipRole),
                 QStringLiteral("failing\ndisk full"));
        QCOMPARE(text(model, QStringLiteral("C"), Column::State),
                 QStringLiteral("running on host-b:42 4/8"));
        QCOMPARE(text(model, QStringLiteral("D"), Column::State), QStringLiteral("idle"));
        QCOMPARE(text(model, QStringLiteral("D"), Column::LastRun), QStringLiteral("never"));
        QCOMPARE(state(model, QStringLiteral("E")), JobOverview::State::Idle);
        QCOMPARE(state(model, QStringLiteral("F")), JobOverview::State::Overdue);
        QCOMPARE(text(model, QStringLiteral("F"), Column::NextRun),
                 QStringLiteral("overdue since Jan 13 03:00:00 UTC · next Jan 16 03:00:00 UTC "
                                "(in 17 h 0 min)"));
        QCOMPARE(ended.count(), 0);

        // The clock moves the model's now at once.
        clock.advance(90s);
        QCOMPARE(model.now(), now.addSecs(90));

        // The table goes away: the read fails and the reader says so; the rows stay.
        QSqlQuery alter(h.db);
        QVERIFY2(alter.exec(QStringLiteral("ALTER TABLE jc_runs RENAME TO jc_runs_away")),
                 qPrintable(alter.lastError().text()));
        feed.refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, 10000);
        QCOMPARE(refreshed.at(1).at(0).toBool(), false);
        QVERIFY(!h.reader->isConnected());
        QCOMPARE(state(model, QStringLiteral("B")), JobOverview::State::Failing);

        // It is back, and C ended there meanwhile: news.
        QVERIFY2(alter.exec(QStringLiteral("ALTER TABLE jc_runs_away RENAME TO jc_runs")),
                 qPrintable(alter.lastError().text()));
        QVERIFY2(query.exec(QStringLiteral("UPDATE jc_runs SET status = 'succeeded', "
                                           "finished_at_ms = started_at_ms + 5000 "
                                           "WHERE status = 'running'")),
                 qPrintable(query.lastError().text()));
        feed.refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 3, 10000);
        QCOMPARE(refreshed.at(2).at(0).toBool(), true);
        QVERIFY(h.reader->isConnected());
        QCOMPARE(state(model, QStringLiteral("C")), JobOverview::State::Idle);
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().job, QStringLiteral("C"));
        QCOMPARE(ended.at(0).at(0).value<StoredRun>().outcome, RunOutcome::Succeeded);
    }

    // Idle means idle: a poll whose run mark (RunHistory::mark) stood still and has no running
    // run reads no run answer again. The test changes a row behind the mark's back (an error
    // text: no writer of this program does that) to see whether a poll read it.
    void feedRereadsRunsOnlyWhenTheyChanged_data() { test::addDatabaseRowsWithMySql(); }
    void feedRereadsRunsOnlyWhenTheyChanged()
    {
        OPEN_HISTORY_DATABASE();
        const qint64 t = now.toMSecsSinceEpoch();
        INSERT_RUNS((QList<test::RunRow>{
            {.job = QStringLiteral("A"), .startedMSecs = t - 3'600'000},
            {.job = QStringLiteral("B"),
             .status = QStringLiteral("failed"),
             .startedMSecs = t - 600'000,
             .error = QStringLiteral("disk full")},
        }));
        ManualClock clock(now);
        JobTableModel model(now);
        model.setJobs({overview(QStringLiteral("A")), overview(QStringLiteral("B"))});
        JobTableFeed feed(&model, h.reader.get(), clock);
        feed.setInterval(1h); // only the reads this test asks for
        QSignalSpy refreshed(&feed, &JobTableFeed::refreshed);
        feed.start();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 10000);
        const auto tip = [&model] {
            return text(model, QStringLiteral("B"), Column::State, Qt::ToolTipRole);
        };
        QCOMPARE(tip(), QStringLiteral("failing\ndisk full"));

        QSqlQuery query(h.db);
        const auto setError = [&query](const QString &error) {
            query.prepare(QStringLiteral("UPDATE jc_runs SET error = ? WHERE job_name = 'B'"));
            query.addBindValue(error);
            return query.exec();
        };
        QVERIFY2(setError(QStringLiteral("quota")), qPrintable(query.lastError().text()));
        feed.refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 2, 10000);
        QCOMPARE(tip(), QStringLiteral("failing\ndisk full")); // not read again

        // A new run moves the mark: everything is read again.
        INSERT_RUNS(
            (QList<test::RunRow>{{.job = QStringLiteral("A"), .startedMSecs = t - 60'000}}));
        feed.refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 3, 10000);
        QCOMPARE(tip(), QStringLiteral("failing\nquota"));

        // And a minute on, even an unmoved mark is read past: the safety net.
        QVERIFY2(setError(QStringLiteral("inode table full")),
                 qPrintable(query.lastError().text()));
        clock.advance(61s);
        feed.refreshNow();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 4, 10000);
        QCOMPARE(tip(), QStringLiteral("failing\ninode table full"));
    }
};

QTEST_MAIN(tst_JobTableModel)
#include "tst_jobtablemodel.moc"

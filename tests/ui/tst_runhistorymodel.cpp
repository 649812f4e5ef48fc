#include "models/RunHistoryModel.h"

#include "models/ItemRoles.h"
#include "models/RunFormat.h"

#include "ChildProcess.h"
#include "HistoryRows.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <csignal>
#include <functional>
#include <utility>

using jc::RunHistoryModel;
using jc::RunOutcome;
using jc::test::RunRow;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QDateTime at(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

QList<RunRow> runsOf(const QString &job, int count, qint64 start = T0)
{
    QList<RunRow> rows;
    for (int i = 0; i < count; ++i)
        rows.append({.job = job, .startedMSecs = start + i * Hour});
    return rows;
}

// Runs `act` once, just before the first answer the reader hands back on the GUI thread: the
// query of that answer has been made, and the model has not seen it yet.
class BeforeFirstAnswer : public QObject
{
public:
    BeforeFirstAnswer(QObject *reader, std::function<void()> act)
        : m_act(std::move(act))
    {
        reader->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::MetaCall && m_act) {
            watched->removeEventFilter(this);
            std::exchange(m_act, {})();
        }
        return false;
    }

private:
    std::function<void()> m_act;
};

QStringList jobsIn(const RunHistoryModel &model)
{
    QStringList jobs;
    for (const jc::StoredRun &run : model.runs())
        jobs.append(run.job);
    jobs.removeDuplicates();
    return jobs;
}

} // namespace

class tst_RunHistoryModel : public QObject
{
    Q_OBJECT
private slots:
    void pagesUnderTheTester_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pagesUnderTheTester();
    void showsTheColumns_data() { jc::test::addDatabaseRowsWithMySql(); }
    void showsTheColumns();
    void summariesReadAsWords_data() { jc::test::addDatabaseRowsWithMySql(); }
    void summariesReadAsWords();
    void aRunningRunCountsInGroups_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aRunningRunCountsInGroups();
    void aRunWhoseProcessWasKilledSaysSo_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aRunWhoseProcessWasKilledSaysSo();
    void filtersByOutcomeAndTime_data() { jc::test::addDatabaseRowsWithMySql(); }
    void filtersByOutcomeAndTime();
    void refreshMergesTheNewestPage_data() { jc::test::addDatabaseRowsWithMySql(); }
    void refreshMergesTheNewestPage();
    void refreshDuringAReadIsNotLost_data() { jc::test::addDatabaseRowsWithMySql(); }
    void refreshDuringAReadIsNotLost();
    void staleRepliesAreDropped_data() { jc::test::addDatabaseRowsWithMySql(); }
    void staleRepliesAreDropped();
    void failureIsReported_data() { jc::test::addDatabaseRowsWithMySql(); }
    void failureIsReported();
};

void tst_RunHistoryModel::pagesUnderTheTester()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(runsOf(QStringLiteral("A"), 450) + runsOf(QStringLiteral("B"), 10));
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(200);
    QVERIFY(!model.canFetchMore({}));

    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 200);
    QVERIFY(model.canFetchMore({}));
    // Newest first: ids descend.
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.runIdAt(row) < model.runIdAt(row - 1));

    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), 400);
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), 450);
    QTRY_VERIFY(!model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    QVERIFY(model.isComplete());
    QCOMPARE(jobsIn(model), QStringList{QStringLiteral("A")});
    QVERIFY(h.reader->isConnected());

    model.setJob(QString());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.canFetchMore({}));
}

void tst_RunHistoryModel::showsTheColumns()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS((QList<RunRow>{
        {.job = QStringLiteral("A"),
         .status = QStringLiteral("failed"),
         .durationMSecs = 192'000,
         .error = QStringLiteral("SMTP refused\nsecond line"),
         .summary = QStringLiteral(R"({"usersToppedUp":120,"creditsGranted":900})"),
         .trigger = QStringLiteral("manual")},
    }));
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 1);
    const auto cell = [&](int column, int role = Qt::DisplayRole) {
        return model.data(model.index(0, column), role);
    };
    QCOMPARE(cell(RunHistoryModel::Trigger).toString(), QStringLiteral("manual"));
    QCOMPARE(cell(RunHistoryModel::Duration).toString(), QStringLiteral("3 min 12 s"));
    QCOMPARE(cell(RunHistoryModel::Outcome).toString(), QStringLiteral("failed"));
    QVERIFY(!cell(RunHistoryModel::Outcome, Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(cell(RunHistoryModel::Outcome, Qt::ForegroundRole).value<QColor>(),
             QColor(0xd9, 0x3b, 0x3b));
    QCOMPARE(cell(RunHistoryModel::Outcome, Qt::ToolTipRole).toString(),
             QStringLiteral("SMTP refused\nsecond line"));
    // A job without a sentence of its own: its keys in words, in key order.
    QCOMPARE(cell(RunHistoryModel::Summary).toString(),
             QStringLiteral("Credits granted 900 · users topped up 120"));
    // The full counters stay in the tooltip.
    QVERIFY(cell(RunHistoryModel::Summary, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("\"usersToppedUp\": 120")));
    QVERIFY(cell(RunHistoryModel::Start).toString().contains(QStringLiteral("Jan 1 00:00:00")));
    QCOMPARE(cell(RunHistoryModel::Start, RunHistoryModel::RunIdRole).toLongLong(),
             model.runIdAt(0));

    // Without counts, a failed run's summary cell shows its error's first line.
    INSERT_RUNS((QList<RunRow>{{.job = QStringLiteral("B"),
                                .status = QStringLiteral("failed"),
                                .error = QStringLiteral("Disk full\nwhile writing")}}));
    model.setJob(QStringLiteral("B"));
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(cell(RunHistoryModel::Summary).toString(), QStringLiteral("Disk full"));
    QCOMPARE(cell(RunHistoryModel::Summary, Qt::ToolTipRole).toString(),
             QStringLiteral("Disk full\nwhile writing"));
}

// Rows as the jobs stored them read as words: the counters with thousands grouped, a dry run
// (flagged on the row only) as what it would have done, the cutoff in UTC.
void tst_RunHistoryModel::summariesReadAsWords()
{
    OPEN_HISTORY_DATABASE();
    const QString topUp = QStringLiteral("Monthly Credit Top-Up");
    const QString stale = QStringLiteral("Stale Credit Purchase Cleanup");
    const QString retention = QStringLiteral("History Retention");
    INSERT_RUNS((QList<RunRow>{
        {.job = topUp,
         .summary = QStringLiteral(
             R"({"usersToppedUp":722043,"creditsGranted":12700374,"alreadyToppedUp":18433,)"
             R"("usersSkippedNegative":0,"period":"2026-12","batches":73,"dryRun":false})")},
        {.job = stale,
         .summary = QStringLiteral(R"({"deleted":2,"byStatus":{"pending":2,"failed":0},)"
                                   R"("cutoff":"2026-11-25T19:04:31+00:00","dryRun":false})")},
        {.job = retention, .summary = QStringLiteral(R"({"jobs":4,"runsDeleted":1200})")},
    }));
    QSqlQuery dry(h.db);
    QVERIFY2(dry.prepare(QStringLiteral("UPDATE jc_runs SET dry_run = ? WHERE job_name = ?")),
             qPrintable(dry.lastError().text()));
    dry.addBindValue(true);
    dry.addBindValue(retention);
    QVERIFY2(dry.exec(), qPrintable(dry.lastError().text()));

    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto summaryOf = [&](const QString &job) {
        model.setJob(job);
        if (!QTest::qWaitFor([&] { return model.rowCount() == 1 && model.runAt(0).job == job; }))
            return QStringLiteral("(no row)");
        return model.data(model.index(0, RunHistoryModel::Summary)).toString();
    };
    QCOMPARE(summaryOf(topUp),
             QStringLiteral("Topped up 722,043 users with 12,700,374 credits for 2026-12 "
                            "(18,433 already had theirs, 0 skipped: negative balance)"));
    QCOMPARE(summaryOf(stale), QStringLiteral("Deleted 2 stale purchases (2 pending, 0 failed) "
                                              "created before 25 Nov 19:04 UTC"));
    QCOMPARE(summaryOf(retention),
             QStringLiteral("Dry run: would delete 1,200 old runs (4 jobs checked)"));
}

// A top-up on another instance, as its live pass wrote it: the counts read as the summaries'
// do ("722,043 users"), not as "46022 of 300000".
void tst_RunHistoryModel::aRunningRunCountsInGroups()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS((QList<RunRow>{{.status = QStringLiteral("running"), .durationMSecs = -1}}));
    QSqlQuery progress(h.db);
    QVERIFY2(progress.exec(QStringLiteral(
                 "UPDATE jc_runs SET progress_done = 46022, progress_total = 300000, "
                 "progress_text = 'users, 46 of 300 batches committed'")),
             qPrintable(progress.lastError().text()));
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.data(model.index(0, RunHistoryModel::Summary)).toString(),
             QStringLiteral("46,022 of 300,000 users, 46 of 300 batches committed"));
    QCOMPARE(model.data(model.index(0, RunHistoryModel::Outcome)).toString(),
             QStringLiteral("running 15%"));
}

// A run another process holds, and that process is killed: the row still says `running` (no
// scheduler has swept it; on a database that no scheduler serves, none ever will), and the
// History pane said "running 15%" with a duration counting up for ever. It reads as what it is
// as soon as the process is gone, well within the run's lease (found clicking through the
// console: `jobctl run` killed with SIGKILL under a watching console).
void tst_RunHistoryModel::aRunWhoseProcessWasKilledSaysSo()
{
    OPEN_HISTORY_DATABASE();
    jc::test::ChildProcess holder(QStringLiteral("sleep"), {QStringLiteral("600")});
    QVERIFY(holder.pid() > 0);
    const QString holderText = holder.holder();
    QVERIFY2(!holderText.isEmpty(), "this host's /proc cannot tell who holds a run");
    INSERT_RUNS((QList<RunRow>{{.status = QStringLiteral("running"), .durationMSecs = -1}}));
    const QString held = jc::test::holdRunningRows(
        h.db, holderText, T0 + 30'000,
        QStringLiteral("progress_done = 46022, progress_total = 300000, progress_text = 'users'"));
    QVERIFY2(held.isEmpty(), qPrintable(held));

    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setNow(at(T0 + 40'000)); // 10 s after its last heartbeat: well within its lease
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 1);
    const auto cell = [&](int column, int role = Qt::DisplayRole) {
        return model.data(model.index(0, column), role);
    };
    QCOMPARE(cell(RunHistoryModel::Outcome).toString(), QStringLiteral("running 15%"));
    QVERIFY(cell(RunHistoryModel::Outcome, jc::ItemRole::Progress).isValid());
    QCOMPARE(cell(RunHistoryModel::Duration).toString(), QStringLiteral("40.0 s so far"));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    holder.signal(SIGKILL);
    QVERIFY(holder.waitForExit(10000));
    model.setNow(at(T0 + 41'000)); // the console's next tick
    QVERIFY(!changed.isEmpty());
    QCOMPARE(cell(RunHistoryModel::Outcome).toString(), QStringLiteral("not responding"));
    QVERIFY(!cell(RunHistoryModel::Outcome, jc::ItemRole::Progress).isValid());
    QCOMPARE(cell(RunHistoryModel::Outcome, Qt::ForegroundRole).value<QColor>(),
             jc::RunFormat::outcomeColor(RunOutcome::Interrupted));
    QCOMPARE(cell(RunHistoryModel::Duration).toString(), QStringLiteral("30.0 s"));
    QCOMPARE(cell(RunHistoryModel::Summary).toString(),
             QStringLiteral("not responding since Jan 1 00:00:30 UTC (web01:4711) · 46,022 of "
                            "300,000 users"));
    const QString why = cell(RunHistoryModel::Outcome, Qt::ToolTipRole).toString();
    QVERIFY2(why.contains(QStringLiteral("is gone")) && why.contains(QStringLiteral("interrupted")),
             qPrintable(why));

    // The jobs table read a later heartbeat (a live pass's) than this page: it counts. The
    // pane kept the page's and said "0.0 s" beside a table saying 2 s (a click-through).
    model.setLiveHeartbeat(model.runAt(0).id, at(T0 + 35'000));
    QCOMPARE(cell(RunHistoryModel::Duration).toString(), QStringLiteral("35.0 s"));
    QVERIFY(cell(RunHistoryModel::Summary)
                .toString()
                .startsWith(QStringLiteral("not responding since Jan 1 00:00:35 UTC")));
}

void tst_RunHistoryModel::filtersByOutcomeAndTime()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS((QList<RunRow>{
        {.status = QStringLiteral("succeeded"), .startedMSecs = T0},
        {.status = QStringLiteral("failed"), .startedMSecs = T0 + Hour},
        {.status = QStringLiteral("timed_out"), .startedMSecs = T0 + 2 * Hour},
        {.status = QStringLiteral("succeeded"), .startedMSecs = T0 + 3 * Hour},
        {.status = QStringLiteral("failed"), .startedMSecs = T0 + 4 * Hour},
        {.job = QStringLiteral("B"), .status = QStringLiteral("failed"), .startedMSecs = T0},
    }));
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 5);

    model.setFilter({RunOutcome::Failed, RunOutcome::TimedOut}, {}, {});
    QTRY_COMPARE(model.rowCount(), 3);
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 3);

    // [T0 + 1 h, T0 + 4 h): the failure at T0 + 4 h is outside.
    model.setFilter({RunOutcome::Failed}, at(T0 + Hour), at(T0 + 4 * Hour));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.runAt(0).startedAt, at(T0 + Hour));

    model.setFilter({}, at(T0 + 3 * Hour), {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 2);
}

void tst_RunHistoryModel::refreshMergesTheNewestPage()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows = runsOf(QStringLiteral("A"), 8);
    rows[7].status = QStringLiteral("running");
    rows[7].durationMSecs = -1;
    INSERT_RUNS(rows);
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(5);
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(model.rowCount(), 5);
    model.fetchMore({});
    QTRY_VERIFY2(model.rowCount() == 8, qPrintable(model.lastError()));
    QCOMPARE(model.runAt(0).outcome, RunOutcome::Running);
    const qint64 running = model.runIdAt(0);
    const qint64 deleted = model.runIdAt(2);
    const qint64 oldest = model.runIdAt(7);

    // The running run ends, a run is deleted, two new runs start.
    QSqlQuery query(h.db);
    QVERIFY(query.exec(
        QStringLiteral("UPDATE jc_runs SET status = 'failed', finished_at_ms = started_at_ms + "
                       "5000, error = 'boom' WHERE id = %1")
            .arg(running)));
    QVERIFY(query.exec(QStringLiteral("DELETE FROM jc_runs WHERE id = %1").arg(deleted)));
    INSERT_RUNS(runsOf(QStringLiteral("A"), 2, T0 + 100 * Hour));

    QPersistentModelIndex kept = model.index(6, 0); // below the refreshed page: stays
    const qint64 keptId = model.runIdAt(6);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.refresh();
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), 9); // 8 - 1 + 2
    QVERIFY(model.runIdAt(0) > running);
    QVERIFY(model.runIdAt(1) > running);
    QCOMPARE(model.runIdAt(2), running);
    QCOMPARE(model.runAt(2).outcome, RunOutcome::Failed);
    QCOMPARE(model.runAt(2).error, QStringLiteral("boom"));
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY(model.runIdAt(row) != deleted);
    QCOMPARE(model.runIdAt(8), oldest);
    QVERIFY(kept.isValid());
    QCOMPARE(model.runIdAt(kept.row()), keptId);
}

// A run begins while the pane's first page is on its way, read before the run's row was
// written: the refresh its start asks for must still happen (CI, tst_mainwindow on MariaDB: the
// running run never showed in History, because refresh() was dropped while a page was read).
// The same for a refresh asked for while another refresh is on its way.
void tst_RunHistoryModel::refreshDuringAReadIsNotLost()
{
    OPEN_HISTORY_DATABASE();
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString insertError;
    const auto runBegins = [&] {
        insertError = jc::test::insertRuns(h.db, runsOf(QStringLiteral("A"), 1, T0 + 10 * Hour));
        model.refresh();
    };

    {
        BeforeFirstAnswer hook(h.reader.get(), runBegins);
        model.setJob(QStringLiteral("A")); // no runs yet
        QTRY_VERIFY(!model.isLoading());
    }
    QVERIFY2(insertError.isEmpty(), qPrintable(insertError));
    QTRY_COMPARE(model.rowCount(), 1);

    {
        BeforeFirstAnswer hook(h.reader.get(), runBegins);
        model.refresh(); // reads the one row, then a second run begins
        QTRY_VERIFY(!model.isLoading());
    }
    QVERIFY2(insertError.isEmpty(), qPrintable(insertError));
    QTRY_COMPARE(model.rowCount(), 2);
    QVERIFY(model.runIdAt(0) > model.runIdAt(1));
}

void tst_RunHistoryModel::staleRepliesAreDropped()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(runsOf(QStringLiteral("A"), 600) + runsOf(QStringLiteral("B"), 300) +
                runsOf(QStringLiteral("C"), 7));
    RunHistoryModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setJob(QStringLiteral("A"));
    model.setJob(QStringLiteral("B"));
    model.setJob(QStringLiteral("C"));
    QTRY_COMPARE(model.rowCount(), 7);
    // Let every query in flight finish and deliver: only C's rows may remain.
    h.reader.reset();
    QCoreApplication::processEvents();
    QCOMPARE(model.rowCount(), 7);
    QCOMPARE(jobsIn(model), QStringList{QStringLiteral("C")});
}

void tst_RunHistoryModel::failureIsReported()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(runsOf(QStringLiteral("A"), 3));
    RunHistoryModel model(h.reader.get());
    QSignalSpy failed(&model, &RunHistoryModel::loadFailed);
    QSqlQuery query(h.db);
    QVERIFY2(query.exec(QStringLiteral("ALTER TABLE jc_runs RENAME TO jc_runs_away")),
             qPrintable(query.lastError().text()));
    model.setJob(QStringLiteral("A"));
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(!model.lastError().isEmpty());
    QVERIFY(!h.reader->isConnected());
    QVERIFY(!model.canFetchMore({})); // no retry storm from a view

    QVERIFY(query.exec(QStringLiteral("ALTER TABLE jc_runs_away RENAME TO jc_runs")));
    model.refresh();
    QTRY_COMPARE(model.rowCount(), 3);
    QVERIFY(model.lastError().isEmpty());
    QVERIFY(h.reader->isConnected());
}

QTEST_MAIN(tst_RunHistoryModel)
#include "tst_runhistorymodel.moc"

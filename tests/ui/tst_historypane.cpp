#include "views/HistoryPane.h"

#include "engine/SystemClock.h"
#include "models/RunHistoryModel.h"
#include "views/DateRangeFilter.h"
#include "views/RunDurationChart.h"
#include "views/RunTableView.h"

#include "ChildProcess.h"
#include "HistoryRows.h"
#include "UiInput.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QSet>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QXYSeries>

using jc::HistoryPane;
using jc::test::RunRow;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QStringList jobsIn(const jc::RunHistoryModel &model)
{
    QStringList jobs;
    for (const jc::StoredRun &run : model.runs())
        jobs.append(run.job);
    jobs.removeDuplicates();
    return jobs;
}

// Shows the pane at the size the tests click in, on `job`'s runs.
void showJob(HistoryPane &pane, const QString &job)
{
    pane.resize(900, 600);
    pane.show();
    pane.setJob(job);
}

} // namespace

class tst_HistoryPane : public QObject
{
    Q_OBJECT
private slots:
    void pagesThroughAHundredThousandRuns_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pagesThroughAHundredThousandRuns();
    void filtersByOutcomeAndDate_data() { jc::test::addDatabaseRowsWithMySql(); }
    void filtersByOutcomeAndDate();
    void chartsRecentDurations_data() { jc::test::addDatabaseRowsWithMySql(); }
    void chartsRecentDurations();
    void notRespondingShowsWholeInItsColumn_data() { jc::test::addDatabaseRowsWithMySql(); }
    void notRespondingShowsWholeInItsColumn();
    void chartLeavesDryRunsOutAndNamesItsFilter_data() { jc::test::addDatabaseRowsWithMySql(); }
    void chartLeavesDryRunsOutAndNamesItsFilter();
    void chartStaysStillWhileARunReportsProgress_data() { jc::test::addDatabaseRowsWithMySql(); }
    void chartStaysStillWhileARunReportsProgress();
    void chartTimeLabelsDiffer_data();
    void chartTimeLabelsDiffer();
    void switchingJobsDropsStaleReplies_data() { jc::test::addDatabaseRowsWithMySql(); }
    void switchingJobsDropsStaleReplies();
    void activatingARunEmitsItsId_data() { jc::test::addDatabaseRowsWithMySql(); }
    void activatingARunEmitsItsId();
    void showsAFailedRead_data() { jc::test::addDatabaseRowsWithMySql(); }
    void showsAFailedRead();
};

void tst_HistoryPane::pagesThroughAHundredThousandRuns()
{
    OPEN_HISTORY_DATABASE();
    constexpr int Total = 100'000;
    QList<RunRow> rows;
    rows.reserve(Total + 100);
    for (int i = 0; i < Total; ++i) {
        rows.append({.job = QStringLiteral("bulk"),
                     .status = i % 10 == 0 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                     .startedMSecs = T0 + qint64(i) * 60'000,
                     .durationMSecs = 1000 + i % 7000,
                     .error = i % 10 == 0 ? QStringLiteral("failure %1").arg(i) : QString(),
                     .summary = QStringLiteral(R"({"rows":%1})").arg(i)});
        if (i % 1000 == 0) // other jobs in between, as in a real database
            rows.append({.job = QStringLiteral("other"), .startedMSecs = T0 + qint64(i) * 60'000});
    }
    INSERT_RUNS(rows);

    // No QAbstractItemModelTester here: it walks every row on every insertion (quadratic
    // over 500 pages); the models' own tests run under it.
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    pane.resize(1000, 600);
    pane.show();
    jc::RunHistoryModel *model = pane.model();
    QSignalSpy loaded(model, &jc::RunHistoryModel::loaded);
    pane.setJob(QStringLiteral("bulk"));
    QVERIFY(loaded.wait(10000));
    // The first page only: the rest is read as the view scrolls.
    QCOMPARE(model->rowCount(), model->pageSize());
    QVERIFY(model->canFetchMore({}));
    QCOMPARE(model->runAt(0).summary.value(QStringLiteral("rows")).toInt(), Total - 1);

    // Scrolling to the bottom makes the view ask for the next page.
    // (Again at each try: the view lays its rows out after a pass of the event loop.)
    QTRY_VERIFY((pane.table()->scrollToBottom(), model->rowCount() > model->pageSize()));

    while (model->canFetchMore({})) {
        model->fetchMore({});
        QVERIFY(loaded.wait(10000));
    }
    QTRY_VERIFY(!model->isLoading());
    QCOMPARE(model->rowCount(), Total);
    QCOMPARE(jobsIn(*model), QStringList{QStringLiteral("bulk")});
    QCOMPARE(model->runAt(Total - 1).summary.value(QStringLiteral("rows")).toInt(), 0);
    for (int row = 1; row < Total; ++row) { // every run once, newest first
        if (model->runIdAt(row) >= model->runIdAt(row - 1))
            QFAIL(qPrintable(QStringLiteral("row %1 is out of order").arg(row)));
    }
}

void tst_HistoryPane::filtersByOutcomeAndDate()
{
    OPEN_HISTORY_DATABASE();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QDate threeDaysAgo = QDateTime::fromMSecsSinceEpoch(now - 72 * Hour, Qt::UTC).date();
    INSERT_RUNS((QList<RunRow>{
        {.job = QStringLiteral("J"),
         .status = QStringLiteral("timed_out"),
         .startedMSecs = now - 40 * 24 * Hour},
        {.job = QStringLiteral("J"),
         .status = QStringLiteral("succeeded"),
         .startedMSecs = now - 10 * 24 * Hour},
        {.job = QStringLiteral("J"),
         .status = QStringLiteral("failed"),
         .startedMSecs = now - 72 * Hour},
        {.job = QStringLiteral("J"),
         .status = QStringLiteral("failed"),
         .startedMSecs = now - 2 * Hour},
        {.job = QStringLiteral("J"),
         .status = QStringLiteral("succeeded"),
         .startedMSecs = now - Hour},
        {.job = QStringLiteral("K"),
         .status = QStringLiteral("failed"),
         .startedMSecs = now - Hour},
    }));
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    pane.resize(1000, 600);
    pane.show();
    jc::RunHistoryModel *model = pane.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.setJob(QStringLiteral("J"));
    QTRY_COMPARE(model->rowCount(), 5); // all time at first

    const auto settle = [model] { return !model->isLoading(); };
    // Chosen as a person does, with the keyboard on each combo box.
    auto *outcomes = pane.findChild<QComboBox *>(QStringLiteral("outcomeFilter"));
    auto *range = pane.rangeFilter()->findChild<QComboBox *>(QStringLiteral("rangePreset"));
    QVERIFY(outcomes && range);
    QVERIFY(jc::test::chooseByKeys(outcomes, QStringLiteral("Problems")));
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 3);

    QVERIFY(jc::test::chooseByKeys(range, QStringLiteral("Last 24 hours")));
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->runAt(0).outcome, jc::RunOutcome::Failed);

    QVERIFY(jc::test::chooseByKeys(range, QStringLiteral("Last 7 days")));
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 2);

    QVERIFY(jc::test::chooseByKeys(outcomes, QStringLiteral("Succeeded")));
    QVERIFY(jc::test::chooseByKeys(range, QStringLiteral("Last 30 days")));
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 2);

    // A custom range of whole days (TZ=UTC here), typed into its day fields.
    QVERIFY(jc::test::chooseByKeys(outcomes, QStringLiteral("All outcomes")));
    QVERIFY(jc::test::chooseByKeys(range, QStringLiteral("Custom range")));
    auto *from = pane.rangeFilter()->findChild<QDateEdit *>(QStringLiteral("rangeFrom"));
    auto *to = pane.rangeFilter()->findChild<QDateEdit *>(QStringLiteral("rangeTo"));
    QVERIFY(from && to && from->isVisible() && to->isVisible());
    jc::test::typeDate(from, threeDaysAgo.startOfDay());
    jc::test::typeDate(to, threeDaysAgo.startOfDay());
    QCOMPARE(pane.rangeFilter()->preset(), jc::DateRangeFilter::Preset::Custom);
    QCOMPARE(from->date(), threeDaysAgo);
    QCOMPARE(to->date(), threeDaysAgo);
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->runAt(0).startedAt.toMSecsSinceEpoch(), now - 72 * Hour);
    // From after To is the range between them (it showed nothing).
    jc::test::typeDate(from, QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).date().startOfDay());
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 3);
    QVERIFY2(pane.rangeFilter()->text().startsWith(threeDaysAgo.toString(Qt::ISODate)),
             qPrintable(pane.rangeFilter()->text()));
    jc::test::typeDate(from, threeDaysAgo.startOfDay());
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 1);

    // The filters stay when the job changes.
    pane.setJob(QStringLiteral("K"));
    QTRY_VERIFY(settle());
    QCOMPARE(model->rowCount(), 0);
}

void tst_HistoryPane::chartsRecentDurations()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (int i = 0; i < 80; ++i) {
        rows.append({.job = QStringLiteral("J"),
                     .status = i % 4 == 0 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                     .startedMSecs = T0 + i * Hour,
                     .durationMSecs = 1000 + i * 100});
    }
    rows.append({.job = QStringLiteral("J"),
                 .status = QStringLiteral("skipped"),
                 .startedMSecs = T0 + 90 * Hour});
    rows.append({.job = QStringLiteral("J"),
                 .status = QStringLiteral("running"),
                 .startedMSecs = T0 + 91 * Hour,
                 .durationMSecs = -1});
    INSERT_RUNS(rows);
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    showJob(pane, QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 82);
    // The newest 50 finished runs (not the skip, not the running one); runs 30..79, of which
    // 32, 36, ..., 76 failed.
    QTRY_COMPARE(pane.chart()->pointCount(), jc::RunDurationChart::MaxRuns);
    QCOMPARE(pane.chart()->failureCount(), 12);
    // It says so: before, only its tooltip did (UI tester, round 2, defect 11).
    QCOMPARE(pane.chart()->title(), QStringLiteral("The newest 50 finished runs of those listed"));

    auto *toggle = pane.findChild<QToolButton *>(QStringLiteral("chartToggle"));
    QVERIFY(toggle);
    QVERIFY(pane.chart()->isVisible());
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(!pane.chart()->isVisible());
    QTest::mouseClick(toggle, Qt::LeftButton);
    QVERIFY(pane.chart()->isVisible());
}

// A run whose process was killed reads "not responding" in the Outcome column: whole, with its
// dot (the column was 16 average characters wide: "not resp…").
void tst_HistoryPane::notRespondingShowsWholeInItsColumn()
{
    OPEN_HISTORY_DATABASE();
    jc::test::ChildProcess holder(QStringLiteral("sleep"), {QStringLiteral("600")});
    QVERIFY(holder.pid() > 0);
    const QString holderText = holder.holder();
    QVERIFY2(!holderText.isEmpty(), "this host's /proc cannot tell who holds a run");
    INSERT_RUNS((QList<RunRow>{
        {.job = QStringLiteral("J"), .status = QStringLiteral("running"), .durationMSecs = -1}}));
    const QString held = jc::test::holdRunningRows(h.db, holderText, T0 + 30'000);
    QVERIFY2(held.isEmpty(), qPrintable(held));
    holder.signal(SIGKILL);
    QVERIFY(holder.waitForExit(10000));

    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    showJob(pane, QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 1);
    pane.model()->setNow(QDateTime::fromMSecsSinceEpoch(T0 + 41'000, QTimeZone::utc()));
    const QModelIndex outcome = pane.model()->index(0, jc::RunHistoryModel::Outcome);
    QCOMPARE(outcome.data().toString(), QStringLiteral("not responding"));
    auto *table = pane.findChild<QTableView *>(QStringLiteral("historyTable"));
    QVERIFY(table);
    QStyleOptionViewItem option;
    option.initFrom(table);
    option.widget = table;
    const int wanted = table->itemDelegateForIndex(outcome)->sizeHint(option, outcome).width();
    QVERIFY2(table->columnWidth(jc::RunHistoryModel::Outcome) >= wanted,
             qPrintable(QStringLiteral("\"not responding\" needs %1 px, has %2")
                            .arg(wanted)
                            .arg(table->columnWidth(jc::RunHistoryModel::Outcome))));
}

// Dry runs change nothing and take next to no time: charted, they pulled the line to 0. An
// outcome filter that hides every run left the chart saying "No finished runs to chart", as
// for a job that never ran.
void tst_HistoryPane::chartLeavesDryRunsOutAndNamesItsFilter()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (int i = 0; i < 8; ++i)
        rows.append({.job = QStringLiteral("J"),
                     .status = QStringLiteral("succeeded"),
                     .startedMSecs = T0 + i * Hour,
                     .durationMSecs = i < 3 ? 20 : 60000});
    INSERT_RUNS(rows);
    QSqlQuery dry(h.db);
    QVERIFY2(dry.exec(QStringLiteral("UPDATE jc_runs SET dry_run = (1 = 1) WHERE finished_at_ms - "
                                     "started_at_ms = 20")),
             qPrintable(dry.lastError().text()));
    QCOMPARE(dry.numRowsAffected(), 3);
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    showJob(pane, QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 8);
    QTRY_COMPARE(pane.chart()->pointCount(), 5);

    auto *outcomes = pane.findChild<QComboBox *>(QStringLiteral("outcomeFilter"));
    QVERIFY(outcomes);
    QVERIFY(jc::test::chooseByKeys(outcomes, QStringLiteral("Cancelled")));
    QTRY_COMPARE(pane.model()->rowCount(), 0);
    QTRY_COMPARE(pane.chart()->pointCount(), 0);
    QVERIFY2(pane.chart()->title().contains(QStringLiteral("(Cancelled)")) &&
                 pane.chart()->title().contains(QStringLiteral("filter")),
             qPrintable(pane.chart()->title()));
    QVERIFY(jc::test::chooseByKeys(outcomes, QStringLiteral("All outcomes")));
    QTRY_COMPARE(pane.chart()->pointCount(), 5);
}

// A running run's progress changes its row in the history (and so the model) every report,
// but not the chart, which leaves running runs out: the chart is not redrawn for it. Each
// redraw lays the chart out anew; with a run reporting every 50 ms it was the console's
// longest GUI-thread turns (issue 19).
void tst_HistoryPane::chartStaysStillWhileARunReportsProgress()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (int i = 0; i < 5; ++i) {
        rows.append({.job = QStringLiteral("J"),
                     .status = QStringLiteral("succeeded"),
                     .startedMSecs = T0 + i * Hour,
                     .durationMSecs = 1000 + i * 100});
    }
    rows.append({.job = QStringLiteral("J"),
                 .status = QStringLiteral("running"),
                 .startedMSecs = T0 + 6 * Hour,
                 .durationMSecs = -1});
    INSERT_RUNS(rows);
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    showJob(pane, QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 6);
    QTRY_COMPARE(pane.chart()->pointCount(), 5);
    auto *update = pane.findChild<QTimer *>(QStringLiteral("chartUpdate"));
    QVERIFY(update);
    QTRY_VERIFY(!update->isActive());
    const auto series = pane.chart()->chart()->series();
    QVERIFY(!series.isEmpty());
    QSignalSpy redrawn(qobject_cast<QXYSeries *>(series.constFirst()), &QXYSeries::pointsReplaced);
    QVERIFY(redrawn.isValid());

    const qint64 running = pane.model()->runAt(0).id;
    QCOMPARE(pane.model()->runAt(0).outcome, jc::RunOutcome::Running);
    for (qint64 done = 1; done <= 5; ++done) {
        QSignalSpy changed(pane.model(), &QAbstractItemModel::dataChanged);
        pane.model()->setLiveProgress(running, {done, 10, QStringLiteral("users")});
        QCOMPARE(changed.count(), 1); // the row shows the progress...
        QVERIFY(update->isActive());
        QTRY_VERIFY(!update->isActive()); // ...and the chart's update has come and gone
    }
    QCOMPARE(redrawn.count(), 0);
    QCOMPARE(pane.chart()->pointCount(), 5);

    pane.chart()->setRuns({}); // a change the chart shows is still drawn
    QCOMPARE(redrawn.count(), 1);
    QCOMPARE(pane.chart()->pointCount(), 0);
}

// However close or far apart the runs, the time axis' labels tell its ticks apart (issue 21:
// runs a few seconds apart showed five times the same minute).
void tst_HistoryPane::chartTimeLabelsDiffer_data()
{
    QTest::addColumn<jc::SqlDialect>("dialect");
    QTest::addColumn<qint64>("apart");
    for (const jc::SqlDialect dialect : {jc::SqlDialect::Sqlite, jc::SqlDialect::Postgres}) {
        const QString name = jc::toString(dialect);
        QTest::newRow(qPrintable(name + QStringLiteral(", 5 s apart"))) << dialect << qint64(5000);
        QTest::newRow(qPrintable(name + QStringLiteral(", 50 s apart")))
            << dialect << qint64(50000);
        QTest::newRow(qPrintable(name + QStringLiteral(", an hour apart"))) << dialect << Hour;
        QTest::newRow(qPrintable(name + QStringLiteral(", 3 days apart"))) << dialect << 72 * Hour;
    }
}

void tst_HistoryPane::chartTimeLabelsDiffer()
{
    QFETCH(qint64, apart);
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (int i = 0; i < 10; ++i)
        rows.append({.job = QStringLiteral("J"),
                     .status = QStringLiteral("succeeded"),
                     .startedMSecs = T0 + i * apart,
                     .durationMSecs = 1000});
    INSERT_RUNS(rows);
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    showJob(pane, QStringLiteral("J"));
    QTRY_COMPARE(pane.chart()->pointCount(), 10);
    const QStringList labels = pane.chart()->timeLabels();
    QVERIFY2(labels.size() >= 2, qPrintable(labels.join(u", ")));
    QCOMPARE(QSet<QString>(labels.cbegin(), labels.cend()).size(), labels.size());
}

void tst_HistoryPane::switchingJobsDropsStaleReplies()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (const QString &job : {QStringLiteral("A"), QStringLiteral("B")}) {
        for (int i = 0; i < 500; ++i)
            rows.append({.job = job, .startedMSecs = T0 + i * Hour});
    }
    for (int i = 0; i < 3; ++i)
        rows.append({.job = QStringLiteral("C"), .startedMSecs = T0 + i * Hour});
    INSERT_RUNS(rows);
    {
        const jc::SystemClock clock;
        HistoryPane pane(h.reader.get(), clock);
        QAbstractItemModelTester tester(pane.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.setJob(QStringLiteral("A"));
        pane.setJob(QStringLiteral("B"));
        pane.setJob(QStringLiteral("C"));
        QTRY_COMPARE(pane.model()->rowCount(), 3);
        // Every query in flight finishes and delivers: the old ones must be dropped.
        h.reader.reset();
        QCoreApplication::processEvents();
        QCOMPARE(pane.model()->rowCount(), 3);
        QCOMPARE(jobsIn(*pane.model()), QStringList{QStringLiteral("C")});
    }
}

void tst_HistoryPane::activatingARunEmitsItsId()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS((QList<RunRow>{{.job = QStringLiteral("J"), .startedMSecs = T0},
                               {.job = QStringLiteral("J"), .startedMSecs = T0 + Hour}}));
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    pane.resize(900, 600);
    pane.show();
    QSignalSpy activated(&pane, &HistoryPane::runActivated);
    pane.setJob(QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 2);

    QTableView *table = pane.table();
    jc::test::clickIndex(table, pane.model()->index(1, 0));
    QCOMPARE(activated.size(), 0); // a click selects, it does not open
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), pane.model()->runIdAt(1));

    const QRect cell = table->visualRect(pane.model()->index(0, 2));
    // QTest's widget double-click sends the second press only: the first click comes before.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.size(), 1); // a click selects, it does not open
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toLongLong(), pane.model()->runIdAt(0));

    // Setting the same job again refreshes and keeps the selection.
    jc::test::clickIndex(table, pane.model()->index(1, 0));
    INSERT_RUNS((QList<RunRow>{{.job = QStringLiteral("J"), .startedMSecs = T0 + 2 * Hour}}));
    pane.setJob(QStringLiteral("J"));
    QTRY_COMPARE(pane.model()->rowCount(), 3);
    QCOMPARE(table->currentIndex().row(), 2);
}

void tst_HistoryPane::showsAFailedRead()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS((QList<RunRow>{{.job = QStringLiteral("J")}}));
    const jc::SystemClock clock;
    HistoryPane pane(h.reader.get(), clock);
    pane.show();
    QSignalSpy connection(h.reader.get(), &jc::DatabaseReader::connectionChanged);
    QSqlQuery query(h.db);
    QVERIFY(query.exec(QStringLiteral("ALTER TABLE jc_runs RENAME TO jc_runs_away")));
    pane.setJob(QStringLiteral("J"));
    auto *message = pane.findChild<QLabel *>(QStringLiteral("historyMessage"));
    QVERIFY(message);
    QTRY_VERIFY(message->isVisible());
    QVERIFY(message->text().contains(QStringLiteral("Could not load the history")));
    QVERIFY(!message->text().contains(u'\n'));
    QCOMPARE(connection.size(), 1);

    QVERIFY(query.exec(QStringLiteral("ALTER TABLE jc_runs_away RENAME TO jc_runs")));
    pane.refresh();
    QTRY_COMPARE(pane.model()->rowCount(), 1);
    QVERIFY(!message->isVisible());
    QCOMPARE(connection.size(), 2);
}

QTEST_MAIN(tst_HistoryPane)
#include "tst_historypane.moc"

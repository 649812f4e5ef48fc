#include "engine/ManualClock.h"
#include "models/ErrorLogModel.h"
#include "views/DateRangeFilter.h"
#include "views/ErrorLogPane.h"
#include "views/RunTableView.h"

#include "HistoryRows.h"
#include "UiInput.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using jc::ErrorLogModel;
using jc::RunOutcome;
using jc::test::RunRow;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

QDateTime at(qint64 msecs)
{
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

QStringList errorsIn(const ErrorLogModel &model)
{
    QStringList errors;
    for (const jc::StoredRun &run : model.runs())
        errors.append(run.error);
    return errors;
}

// One of each status, most with an error that mentions SMTP.
QList<RunRow> mixedRuns(qint64 start)
{
    return {
        {.job = QStringLiteral("mail"),
         .status = QStringLiteral("failed"),
         .startedMSecs = start,
         .error = QStringLiteral("Connection refused by SMTP host")},
        {.job = QStringLiteral("mail"),
         .status = QStringLiteral("succeeded"),
         .startedMSecs = start + Hour,
         .error = QStringLiteral("smtp was slow but it worked")},
        {.job = QStringLiteral("mail"),
         .status = QStringLiteral("skipped"),
         .startedMSecs = start + 2 * Hour,
         .error = QStringLiteral("smtp job was still running")},
        {.job = QStringLiteral("billing"),
         .status = QStringLiteral("timed_out"),
         .startedMSecs = start + 3 * Hour,
         .error = QStringLiteral("deadline passed waiting for the smtp relay")},
        {.job = QStringLiteral("billing"),
         .status = QStringLiteral("interrupted"),
         .startedMSecs = start + 4 * Hour,
         .error = QStringLiteral("instance died")},
        {.job = QStringLiteral("billing"),
         .status = QStringLiteral("missed"),
         .startedMSecs = start + 5 * Hour,
         .error = QStringLiteral("Not run: downtime")},
        {.job = QStringLiteral("billing"),
         .status = QStringLiteral("abandoned"),
         .startedMSecs = start + 6 * Hour,
         .error = QStringLiteral("body did not stop")},
        {.job = QStringLiteral("billing"),
         .status = QStringLiteral("cancelled"),
         .startedMSecs = start + 7 * Hour,
         .error = QStringLiteral("cancelled by admin")},
    };
}

} // namespace

class tst_ErrorLogModel : public QObject
{
    Q_OBJECT
private slots:
    void listsProblemsOnly_data() { jc::test::addDatabaseRowsWithMySql(); }
    void listsProblemsOnly();
    void searchesTheErrorText_data() { jc::test::addDatabaseRowsWithMySql(); }
    void searchesTheErrorText();
    void filtersByJobAndTime_data() { jc::test::addDatabaseRowsWithMySql(); }
    void filtersByJobAndTime();
    void pages_data() { jc::test::addDatabaseRowsWithMySql(); }
    void pages();
    void paneFindsAFailureByAWord_data() { jc::test::addDatabaseRowsWithMySql(); }
    void paneFindsAFailureByAWord();
};

void tst_ErrorLogModel::listsProblemsOnly()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(mixedRuns(T0));
    ErrorLogModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter({}, {}, {}, {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 5);
    QList<RunOutcome> outcomes;
    for (const jc::StoredRun &run : model.runs())
        outcomes.append(run.outcome);
    // Newest first.
    QCOMPARE(outcomes,
             (QList<RunOutcome>{RunOutcome::Abandoned, RunOutcome::Missed, RunOutcome::Interrupted,
                                RunOutcome::TimedOut, RunOutcome::Failed}));
    QCOMPARE(model.data(model.index(0, ErrorLogModel::Job)).toString(), QStringLiteral("billing"));
    QCOMPARE(model.data(model.index(0, ErrorLogModel::Error)).toString(),
             QStringLiteral("body did not stop"));
    QCOMPARE(model.data(model.index(0, ErrorLogModel::Outcome)).toString(),
             QStringLiteral("abandoned"));
}

void tst_ErrorLogModel::searchesTheErrorText()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(mixedRuns(T0));
    ErrorLogModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Either case finds both problems; never the success or the skip that mention it.
    for (const QString &word : {QStringLiteral("smtp"), QStringLiteral("SMTP")}) {
        model.setFilter({}, word, {}, {});
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(errorsIn(model),
                 (QStringList{QStringLiteral("deadline passed waiting for the smtp relay"),
                              QStringLiteral("Connection refused by SMTP host")}));
    }
    model.setFilter({}, QStringLiteral("refused"), {}, {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(errorsIn(model), QStringList{QStringLiteral("Connection refused by SMTP host")});
    model.setFilter({}, QStringLiteral("nowhere to be found"), {}, {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
}

void tst_ErrorLogModel::filtersByJobAndTime()
{
    OPEN_HISTORY_DATABASE();
    INSERT_RUNS(mixedRuns(T0));
    ErrorLogModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilter(QStringLiteral("mail"), {}, {}, {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(errorsIn(model), QStringList{QStringLiteral("Connection refused by SMTP host")});

    // [T0 + 3 h, T0 + 5 h): the timed-out and the interrupted run.
    model.setFilter({}, {}, at(T0 + 3 * Hour), at(T0 + 5 * Hour));
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(errorsIn(model),
             (QStringList{QStringLiteral("instance died"),
                          QStringLiteral("deadline passed waiting for the smtp relay")}));

    model.setFilter(QStringLiteral("billing"), QStringLiteral("smtp"), at(T0 + 4 * Hour), {});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 0);
}

void tst_ErrorLogModel::pages()
{
    OPEN_HISTORY_DATABASE();
    QList<RunRow> rows;
    for (int i = 0; i < 450; ++i) {
        rows.append({.job = QStringLiteral("job%1").arg(i % 3),
                     .status = i % 2 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                     .startedMSecs = T0 + i * Hour,
                     .error = QStringLiteral("error %1").arg(i)});
    }
    INSERT_RUNS(rows);
    ErrorLogModel model(h.reader.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPageSize(100);
    model.setFilter({}, {}, {}, {});
    QTRY_COMPARE(model.rowCount(), 100);
    QVERIFY(model.canFetchMore({}));
    QSignalSpy loaded(&model, &ErrorLogModel::loaded);
    while (model.canFetchMore({})) {
        model.fetchMore({});
        QVERIFY(loaded.wait(10000));
    }
    QCOMPARE(model.rowCount(), 225);
    QCOMPARE(model.runAt(0).error, QStringLiteral("error 449"));
    QCOMPARE(model.runAt(224).error, QStringLiteral("error 1"));
}

void tst_ErrorLogModel::paneFindsAFailureByAWord()
{
    OPEN_HISTORY_DATABASE();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    INSERT_RUNS(mixedRuns(now - 10 * Hour));
    const jc::ManualClock clock(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC));
    jc::ErrorLogPane pane(h.reader.get(), clock);
    pane.resize(900, 400);
    pane.show();
    pane.setJobs({QStringLiteral("billing"), QStringLiteral("mail")});
    QSignalSpy activated(&pane, &jc::ErrorLogPane::runActivated);
    QTRY_COMPARE(pane.model()->rowCount(), 5); // the last 7 days

    QTest::keyClicks(pane.searchField(), QStringLiteral("Refused"));
    QTRY_COMPARE(pane.model()->rowCount(), 1);
    QTRY_VERIFY(!pane.model()->isLoading());
    QCOMPARE(pane.model()->runAt(0).error, QStringLiteral("Connection refused by SMTP host"));

    // "worked" is only in the success's text: nothing.
    jc::test::retype(pane.searchField(), QStringLiteral("worked"));
    QTest::keyClick(pane.searchField(), Qt::Key_Return); // at once
    QTRY_VERIFY(!pane.model()->isLoading());
    QCOMPARE(pane.model()->rowCount(), 0);

    jc::test::retype(pane.searchField(), QString());
    QVERIFY(jc::test::chooseByKeys(pane.jobFilter(), QStringLiteral("mail")));
    QTRY_VERIFY(!pane.model()->isLoading());
    QCOMPARE(pane.model()->rowCount(), 1);
    // The chosen job survives a new job list.
    pane.setJobs({QStringLiteral("alpha"), QStringLiteral("billing"), QStringLiteral("mail")});
    QCOMPARE(pane.jobFilter()->currentText(), QStringLiteral("mail"));

    jc::test::clickIndex(pane.table(), pane.model()->index(0, 0));
    QTest::keyClick(pane.table(), Qt::Key_Return);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), pane.model()->runIdAt(0));

    // Runs older than the range are not listed; "All time" lists them.
    INSERT_RUNS((QList<RunRow>{{.job = QStringLiteral("mail"),
                                .status = QStringLiteral("failed"),
                                .startedMSecs = now - 20 * 24 * Hour,
                                .error = QStringLiteral("old news")}}));
    pane.refresh();
    QTRY_VERIFY(!pane.model()->isLoading());
    QCOMPARE(pane.model()->rowCount(), 1);
    QVERIFY(jc::test::chooseByKeys(
        pane.rangeFilter()->findChild<QComboBox *>(QStringLiteral("rangePreset")),
        QStringLiteral("All time")));
    QTRY_COMPARE(pane.model()->rowCount(), 2);
}

QTEST_MAIN(tst_ErrorLogModel)
#include "tst_errorlogmodel.moc"

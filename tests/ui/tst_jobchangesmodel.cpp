// The Settings changes tab: the selected job's changes, newest first, read from the database
// off the GUI thread; what changed shown key by key.
#include "data/TimeDisplay.h"
#include "jobs/JobOverrides.h"
#include "models/JobChangesModel.h"
#include "storage/PauseStore.h"
#include "views/SettingsChangesPane.h"

#include "HistoryRows.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QTableView>
#include <QTest>

using jc::JobChangesModel;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Hour = 3'600'000;

} // namespace

class tst_JobChangesModel : public QObject
{
    Q_OBJECT
private slots:
    void describesEachChangedKey();
    void listsTheJobsChangesNewestFirst_data() { jc::test::addDatabaseRowsWithMySql(); }
    void listsTheJobsChangesNewestFirst();
};

void tst_JobChangesModel::describesEachChangedKey()
{
    const QJsonObject before{{u"schedule"_qs, u"0 3 * * *"_qs}, {u"overlap"_qs, u"skip"_qs}};
    const QJsonObject after{{u"schedule"_qs, u"*/5 * * * *"_qs},
                            {u"overlap"_qs, u"skip"_qs},
                            {u"catchUpOnResume"_qs, true}};
    QCOMPARE(jc::JobOverrides::describeChange(before, after),
             u"catchUpOnResume: default → yes; schedule: 0 3 * * * → */5 * * * *"_qs);
    QCOMPARE(jc::JobOverrides::describeChange(after, {}),
             u"catchUpOnResume: yes → default; overlap: skip → default; "
             u"schedule: */5 * * * * → default"_qs);
    QCOMPARE(jc::JobOverrides::describeChange(before, before), u"no change"_qs);
    // Knowing the job's defaults, a change from or to one names its value.
    const QJsonObject defaults{{u"schedule"_qs, u"daily"_qs}, {u"overlap"_qs, u"skip"_qs}};
    QCOMPARE(jc::JobOverrides::describeChange({}, {{u"schedule"_qs, u"0 3 * * *"_qs}}, defaults),
             u"schedule: daily (default) → 0 3 * * *"_qs);
    QCOMPARE(jc::JobOverrides::describeChange({{u"overlap"_qs, u"queue"_qs}}, {}, defaults),
             u"overlap: queue → skip (default)"_qs);
}

void tst_JobChangesModel::listsTheJobsChangesNewestFirst()
{
    OPEN_HISTORY_DATABASE();
    jc::JobSettingsStore store(h.factory);
    QVERIFY(store.set(u"Top-Up"_qs, {{u"schedule"_qs, u"0 0 2 * *"_qs}}, u"alice"_qs, T0));
    QVERIFY(store.set(u"Other"_qs, {{u"overlap"_qs, u"queue"_qs}}, u"carol"_qs, T0 + Hour));
    QVERIFY(store.set(u"Top-Up"_qs, {{u"schedule"_qs, u"0 0 1 * *"_qs}, {u"timeoutSeconds"_qs, 60}},
                      u"bob"_qs, T0 + 2 * Hour));

    jc::SettingsChangesPane pane(h.reader.get());
    JobChangesModel &model = *pane.model();
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.setJob(u"Top-Up"_qs);
    QTRY_VERIFY(model.isLoaded());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, JobChangesModel::Who).data().toString(), u"bob"_qs);
    QCOMPARE(model.index(0, JobChangesModel::Change).data().toString(),
             u"schedule: 0 0 2 * * → 0 0 1 * *; timeoutSeconds: default → 60"_qs);
    QCOMPARE(model.index(1, JobChangesModel::Who).data().toString(), u"alice"_qs);
    QCOMPARE(model.index(1, JobChangesModel::Change).data().toString(),
             u"schedule: default → 0 0 2 * *"_qs);
    QVERIFY(model.index(0, JobChangesModel::When).data().toString().contains(u"02:00"_qs));

    // A job never changed says so; a refresh sees a new change.
    pane.setJob(u"Quiet"_qs);
    QTRY_VERIFY(model.isLoaded());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(pane.findChild<QLabel *>()->text().contains(u"nothing was ever changed"_qs));
    QVERIFY(store.set(u"Quiet"_qs, {{u"retryAttempts"_qs, 3}}, u"dave"_qs, T0 + 3 * Hour));
    pane.refresh();
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, JobChangesModel::Change).data().toString(),
             u"retryAttempts: default → 3"_qs);

    // Pauses and resumes are on the same record, in words.
    jc::PauseStore pauses(h.factory);
    QVERIFY(pauses.pause(u"Quiet"_qs, u"erin"_qs, u"disk swap"_qs, std::nullopt, T0 + 4 * Hour));
    QVERIFY(pauses.resume(u"Quiet"_qs, u"frank"_qs, T0 + 5 * Hour));
    pane.refresh();
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.index(0, JobChangesModel::Who).data().toString(), u"frank"_qs);
    // Times as the rest of the window writes them (it showed 2026-01-01T04:00:00+00:00).
    const QString since = jc::TimeDisplay::shortDateTime(
        QDateTime::fromMSecsSinceEpoch(T0 + 4 * Hour, QTimeZone::utc()));
    QVERIFY2(since.contains(u"04:00"_qs) && !since.contains(u"+00:00"_qs), qPrintable(since));
    QCOMPARE(model.index(0, JobChangesModel::Change).data().toString(),
             u"resumed (paused by erin since %1: disk swap)"_qs.arg(since));
    QCOMPARE(model.index(1, JobChangesModel::Who).data().toString(), u"erin"_qs);
    QCOMPARE(model.index(1, JobChangesModel::Change).data().toString(),
             u"paused until resumed: disk swap"_qs);
}

QTEST_MAIN(tst_JobChangesModel)
#include "tst_jobchangesmodel.moc"

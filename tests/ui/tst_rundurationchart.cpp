// The History pane's chart, offscreen: its time axis writes times as the tables do — in the
// display zone, named, with their date — whatever the machine's own zone (TimeAxisTicks has
// the scales). QtCharts' date-time axis wrote the machine's local time whatever the display
// zone, and no zone; one run showed "23:59:00 ... 00:01:00" without its date.
#include "views/RunDurationChart.h"

#include "MachineZone.h"

#include "data/TimeDisplay.h"
#include "engine/ManualClock.h"

#include <QTest>

#include <deque>

using namespace jc;
using namespace Qt::StringLiterals;

namespace {

using jc::test::setMachineZone;
using jc::test::utc;

StoredRun finishedRun(const QDateTime &startedAt, qint64 durationMSecs)
{
    StoredRun run;
    run.job = u"Monthly Credit Top-Up"_s;
    run.outcome = RunOutcome::Succeeded;
    run.startedAt = startedAt;
    run.finishedAt = startedAt.addMSecs(durationMSecs);
    return run;
}

// `count` runs `apartMSecs` apart from `first`, newest first as the history model holds them.
std::deque<StoredRun> runsFrom(const QDateTime &first, int count, qint64 apartMSecs)
{
    std::deque<StoredRun> runs;
    for (int i = 0; i < count; ++i)
        runs.push_front(finishedRun(first.addMSecs(apartMSecs * i), 1500));
    return runs;
}

} // namespace

class tst_RunDurationChart : public QObject
{
    Q_OBJECT
private slots:
    void cleanup()
    {
        setMachineZone("UTC");
        TimeDisplay::setZone(TimeDisplay::Zone::Local);
    }

    // The cancelled top-up of Oct 1 alone: its two-minute span crosses midnight, and each label
    // says which day.
    void oneRunIsChartedWithItsDate()
    {
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
        const ManualClock clock(utc("2026-12-06T12:00:00Z"));
        RunDurationChart chart(clock);
        chart.setRuns({finishedRun(utc("2026-10-01T00:00:00Z"), 1100)});
        QCOMPARE(chart.pointCount(), 1);
        QCOMPARE(chart.timeLabels(), QStringList({u"Sep 30 23:59:30 UTC"_s, u"Oct 1 00:00:00 UTC"_s,
                                                  u"Oct 1 00:00:30 UTC"_s}));
    }

    // UTC chosen in the settings on a machine in Auckland (+13:00 in December): the axis reads
    // as the History table does, in UTC, and says so.
    void utcDisplayOnAMachineElsewhere()
    {
        setMachineZone("Pacific/Auckland");
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
        const ManualClock clock(utc("2026-12-06T12:00:00Z"));
        RunDurationChart chart(clock);
        chart.setRuns(runsFrom(utc("2026-12-01T00:00:00Z"), 5, 3'600'000));
        QCOMPARE(chart.timeLabels(),
                 QStringList({u"Dec 1 01:00 UTC"_s, u"Dec 1 02:00 UTC"_s, u"Dec 1 03:00 UTC"_s}));
    }

    // An empty chart spans the hour before the console's now, in the same words.
    void anEmptyChartSpansTheLastHour()
    {
        TimeDisplay::setZone(TimeDisplay::Zone::Utc);
        const ManualClock clock(utc("2026-12-06T12:00:00Z"));
        RunDurationChart chart(clock);
        chart.setRuns({});
        QCOMPARE(chart.timeLabels(),
                 QStringList({u"Dec 6 11:10 UTC"_s, u"Dec 6 11:20 UTC"_s, u"Dec 6 11:30 UTC"_s,
                              u"Dec 6 11:40 UTC"_s, u"Dec 6 11:50 UTC"_s}));
    }
};

QTEST_MAIN(tst_RunDurationChart)
#include "tst_rundurationchart.moc"

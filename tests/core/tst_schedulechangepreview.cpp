// ScheduleChangePreview: what a schedule change does before it is saved, on a fixed instant
// (no wall clock): the runs it drops or adds within the coming day, and the daylight-saving
// marks of the occurrences on both sides.
#include "schedule/ScheduleChangePreview.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using jc::Schedule;
using jc::ScheduleChangePreview;
using jc::SchedulePreview;

namespace {

Schedule berlin(const QString &text)
{
    auto parsed = Schedule::parse(text, QTimeZone("Europe/Berlin"));
    if (!parsed)
        qFatal("bad schedule %s", qPrintable(text));
    return parsed.value();
}

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

} // namespace

class tst_ScheduleChangePreview : public QObject
{
    Q_OBJECT

private slots:
    // 02:30 -> 03:30 in Berlin on the eve of the spring change (2027-03-28, 02:00 -> 03:00):
    // 02:30 does not exist that night and runs at 03:00 CEST (01:00Z); the new schedule runs
    // at 03:30 CEST (01:30Z). The change drops the one and adds the other.
    void acrossTheSpringChange()
    {
        const auto preview = ScheduleChangePreview::compute(
            berlin(u"30 2 * * *"_s), berlin(u"30 3 * * *"_s), utc("2027-03-27T12:00:00Z"));
        QCOMPARE(preview.before.size(), ScheduleChangePreview::defaultCount);
        QCOMPARE(preview.after.size(), ScheduleChangePreview::defaultCount);
        QCOMPARE(preview.dropped, QList<QDateTime>{utc("2027-03-28T01:00:00Z")});
        QCOMPARE(preview.added, QList<QDateTime>{utc("2027-03-28T01:30:00Z")});
        QVERIFY(preview.changesTheComingDay());
        QCOMPARE(preview.before.first().effect, SchedulePreview::DstEffect::ShiftedByGap);
        QVERIFY(!preview.before.first().note.isEmpty());
        QCOMPARE(preview.after.first().effect, SchedulePreview::DstEffect::OffsetChanged);
    }

    // A zone change that keeps the runs of the coming day (first of the month, days away)
    // changes nothing within the day, though every later run moves.
    void laterRunsOnly()
    {
        auto utcMonthly = Schedule::parse(u"0 0 1 * *"_s, QTimeZone("UTC"));
        QVERIFY(utcMonthly);
        const auto preview = ScheduleChangePreview::compute(
            utcMonthly.value(), berlin(u"0 0 1 * *"_s), utc("2027-03-10T00:00:00Z"));
        QVERIFY(!preview.changesTheComingDay());
        QCOMPARE(preview.before.first().instant, utc("2027-04-01T00:00:00Z"));
        QCOMPARE(preview.after.first().instant, utc("2027-03-31T22:00:00Z"));
    }

    // The same schedule: nothing moves.
    void sameSchedule()
    {
        const auto preview = ScheduleChangePreview::compute(
            berlin(u"*/5 * * * *"_s), berlin(u"*/5 * * * *"_s), utc("2027-10-30T12:00:00Z"));
        QVERIFY(!preview.changesTheComingDay());
        QCOMPARE(preview.before.size(), preview.after.size());
    }
};

QTEST_GUILESS_MAIN(tst_ScheduleChangePreview)
#include "tst_schedulechangepreview.moc"

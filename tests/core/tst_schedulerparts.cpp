// The scheduler's parts on their own: each policy's decision, the event timeline and the
// catch-up planner. The whole engine is tested through the Scheduler in tst_scheduler; these
// pin each rule where it is written, so that a change to one shows here first.
#include "engine/CatchUpPlanner.h"
#include "engine/EventTimeline.h"
#include "engine/MissedRunPolicy.h"
#include "engine/OverlapPolicy.h"
#include "engine/RetryPolicy.h"
#include "engine/SchedulerJob.h"

#include <QTest>

using namespace jc;
using namespace std::chrono_literals;

namespace {

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

Schedule cron(const char *text, const char *zone = "UTC")
{
    auto parsed = Schedule::parse(QString::fromLatin1(text), QTimeZone(zone));
    if (!parsed)
        qFatal("bad test schedule %s", text);
    return parsed.value();
}

SchedulerJob job(const char *name, const char *schedule, MissedRunPolicy missed = {})
{
    JobDefinition definition{QString::fromLatin1(name), {}, cron(schedule), {}, {}};
    definition.policies.missed = missed;
    return SchedulerJob(std::move(definition));
}

} // namespace

Q_DECLARE_METATYPE(jc::OverlapPolicy)
Q_DECLARE_METATYPE(jc::OverlapAdmission)

class TestSchedulerParts : public QObject
{
    Q_OBJECT

private slots:
    void overlapAdmission_data();
    void overlapAdmission();
    void overlapAcrossInstancesRefusesOnlyUnderSkip();
    void retryFollowsOnlyFailuresWhileAttemptsLast();
    void missedRunVerdicts();
    void timelineHandsOutEventsInOrder();
    void timelineErasesOneJobsEventsOfOneKind();
    void wakeCoalescesEverythingDueIntoTheLatest();
    void startUpCountsWhatCameDueSinceTheLastOccurrence();
    void startUpFollowsTheScheduleInForceAtEachMoment();
    void unfinishedIsCaughtUpOnlyWithoutALaterOccurrence();
};

void TestSchedulerParts::overlapAdmission_data()
{
    QTest::addColumn<OverlapPolicy>("policy");
    QTest::addColumn<int>("running");
    QTest::addColumn<bool>("queued");
    QTest::addColumn<OverlapAdmission>("expected");
    QTest::newRow("skip, idle") << OverlapPolicy::Skip << 0 << false << OverlapAdmission::Start;
    QTest::newRow("skip, running") << OverlapPolicy::Skip << 1 << false << OverlapAdmission::Refuse;
    QTest::newRow("queue, running")
        << OverlapPolicy::Queue << 1 << false << OverlapAdmission::Queue;
    QTest::newRow("queue, running, one queued")
        << OverlapPolicy::Queue << 1 << true << OverlapAdmission::Refuse;
    QTest::newRow("parallel, two running")
        << OverlapPolicy::Parallel << 2 << false << OverlapAdmission::Start;
}

void TestSchedulerParts::overlapAdmission()
{
    QFETCH(OverlapPolicy, policy);
    QFETCH(int, running);
    QFETCH(bool, queued);
    QFETCH(OverlapAdmission, expected);
    QCOMPARE(admitBeside(policy, running, queued), expected);
}

void TestSchedulerParts::overlapAcrossInstancesRefusesOnlyUnderSkip()
{
    QCOMPARE(admitBesideAnotherInstance(OverlapPolicy::Skip), OverlapAdmission::Refuse);
    QCOMPARE(admitBesideAnotherInstance(OverlapPolicy::Queue), OverlapAdmission::Start);
    QCOMPARE(admitBesideAnotherInstance(OverlapPolicy::Parallel), OverlapAdmission::Start);
}

void TestSchedulerParts::retryFollowsOnlyFailuresWhileAttemptsLast()
{
    RetryPolicy policy;
    policy.attempts = 3;
    QCOMPARE(policy.nextAttempt(RunOutcome::Failed, 1), std::optional(2));
    QCOMPARE(policy.nextAttempt(RunOutcome::TimedOut, 2), std::optional(3));
    QCOMPARE(policy.nextAttempt(RunOutcome::Failed, 3), std::nullopt);
    QCOMPARE(policy.nextAttempt(RunOutcome::Succeeded, 1), std::nullopt);
    QCOMPARE(policy.nextAttempt(RunOutcome::Cancelled, 1), std::nullopt);
    QCOMPARE(policy.nextAttempt(RunOutcome::Interrupted, 1), std::nullopt);
    QCOMPARE(RetryPolicy{}.nextAttempt(RunOutcome::Failed, 1), std::nullopt); // 1 attempt
}

void TestSchedulerParts::missedRunVerdicts()
{
    using Verdict = MissedRunPolicy::Verdict;
    const qint64 now = utc("2026-12-04T12:00:00Z");
    MissedRunPolicy policy;
    policy.catchUpWindow = 1h;
    QCOMPARE(policy.onMissed(now - 59 * 60000, now, false), Verdict::CatchUp);
    QCOMPARE(policy.onMissed(now - 60 * 60000, now, false), Verdict::CatchUp); // edge: inside
    QCOMPARE(policy.onMissed(now - 61 * 60000, now, false), Verdict::OutsideWindow);
    QCOMPARE(policy.onMissed(now - 1000, now, true), Verdict::JobPaused);
    policy.action = MissedRunPolicy::Action::Skip;
    QCOMPARE(policy.onMissed(now - 1000, now, false), Verdict::PolicySkips);
    QCOMPARE(policy.onMissed(now - 2 * 3600000, now, false), Verdict::OutsideWindow);

    // Resuming catches up only with catchUpOnResume, whatever the action, inside the window.
    QCOMPARE(policy.onResume(now - 1000, now), Verdict::PolicySkips);
    policy.catchUpOnResume = true;
    QCOMPARE(policy.onResume(now - 1000, now), Verdict::CatchUp);
    QCOMPARE(policy.onResume(now - 2 * 3600000, now), Verdict::OutsideWindow);
    QCOMPARE(toText(Verdict::OutsideWindow), QStringLiteral("outside the catch-up window"));
}

void TestSchedulerParts::timelineHandsOutEventsInOrder()
{
    EventTimeline timeline;
    QCOMPARE(timeline.earliest(), std::nullopt);
    timeline.add(300, {EventTimeline::Kind::Heartbeat, nullptr, 0, {}});
    timeline.add(100, {EventTimeline::Kind::Timeout, nullptr, 7, {}});
    std::optional<EventTimeline::Handle> abandon =
        timeline.add(200, {EventTimeline::Kind::Abandon, nullptr, 7, {}});
    QCOMPARE(timeline.earliest(), std::optional<qint64>(100));
    QCOMPARE(timeline.takeDue(99), std::nullopt);

    const auto first = timeline.takeDue(250);
    QVERIFY(first);
    QCOMPARE(first->first, 100);
    QCOMPARE(first->second.kind, EventTimeline::Kind::Timeout);
    timeline.erase(abandon);
    QVERIFY(!abandon);
    timeline.erase(abandon); // a cleared handle: nothing to do
    QCOMPARE(timeline.takeDue(250), std::nullopt);
    QCOMPARE(timeline.earliest(), std::optional<qint64>(300));
}

void TestSchedulerParts::timelineErasesOneJobsEventsOfOneKind()
{
    SchedulerJob a = job("a", "0 * * * *");
    SchedulerJob b = job("b", "0 * * * *");
    EventTimeline timeline;
    timeline.add(100, {EventTimeline::Kind::Due, &a, 0, {}});
    timeline.add(100, {EventTimeline::Kind::Retry, &a, 0, {}});
    timeline.add(100, {EventTimeline::Kind::Due, &b, 0, {}});
    timeline.eraseJobEvents(a, EventTimeline::Kind::Due, std::nullopt); // no instant: no-op
    timeline.eraseJobEvents(a, EventTimeline::Kind::Due, 100);
    QList<const SchedulerJob *> left;
    while (const auto event = timeline.takeDue(100))
        left.append(event->second.job);
    QCOMPARE(left.size(), 2);
    QVERIFY(left.contains(&b));
    QVERIFY(left.contains(&a)); // its retry stays
}

void TestSchedulerParts::wakeCoalescesEverythingDueIntoTheLatest()
{
    const Schedule hourly = cron("0 * * * *");
    const auto onTime =
        CatchUpPlanner::atWake(hourly, utc("2026-12-04T10:00:00Z"), utc("2026-12-04T10:00:00Z"));
    QCOMPARE(onTime.occurrence, utc("2026-12-04T10:00:00Z"));
    QCOMPARE(onTime.coalesced, 0);
    // Asleep from before 10:00 until 13:30: 10, 11, 12 and 13 came due; 13 runs.
    const auto late =
        CatchUpPlanner::atWake(hourly, utc("2026-12-04T10:00:00Z"), utc("2026-12-04T13:30:00Z"));
    QCOMPARE(late.occurrence, utc("2026-12-04T13:00:00Z"));
    QCOMPARE(late.coalesced, 3);
}

void TestSchedulerParts::startUpCountsWhatCameDueSinceTheLastOccurrence()
{
    MissedRunPolicy window;
    window.catchUpWindow = 2h;
    SchedulerJob daily = job("daily", "0 3 * * *", window);
    CatchUpPlanner planner;
    const qint64 now = utc("2026-12-04T04:00:00Z");
    QCOMPARE(planner.atStartUp(daily, now), std::nullopt); // never ran: nothing missed

    planner.setLastOccurrences({{QStringLiteral("daily"), utc("2026-12-01T03:00:00Z")}});
    const auto plan = planner.atStartUp(daily, now);
    QVERIFY(plan);
    QCOMPARE(plan->first, utc("2026-12-02T03:00:00Z"));
    QCOMPARE(plan->latest, utc("2026-12-04T03:00:00Z"));
    QCOMPARE(plan->count, 3);
    QVERIFY(plan->runsLatest());
    QCOMPARE(plan->recordedMissed(), 2);
    QCOMPARE(plan->recordedAt(), plan->first);

    // Outside the window nothing runs: all three are recorded, at the latest.
    const auto late = planner.atStartUp(daily, utc("2026-12-04T06:00:00Z"));
    QVERIFY(late);
    QCOMPARE(late->verdict, MissedRunPolicy::Verdict::OutsideWindow);
    QCOMPARE(late->recordedMissed(), 3);
    QCOMPARE(late->recordedAt(), late->latest);

    daily.paused = true;
    QCOMPARE(planner.atStartUp(daily, now)->verdict, MissedRunPolicy::Verdict::JobPaused);
}

void TestSchedulerParts::startUpFollowsTheScheduleInForceAtEachMoment()
{
    SchedulerJob shifted = job("shifted", "0 12 * * *");
    CatchUpPlanner planner;
    planner.setLastOccurrences({{QStringLiteral("shifted"), utc("2026-12-01T03:00:00Z")}});
    // Daily at 03:00 until 2026-12-02T06:00, then at 12:00.
    planner.setEarlierSchedules(
        {{QStringLiteral("shifted"), {{cron("0 3 * * *"), utc("2026-12-02T06:00:00Z")}}}});
    const auto plan = planner.atStartUp(shifted, utc("2026-12-03T13:00:00Z"));
    QVERIFY(plan);
    QCOMPARE(plan->first, utc("2026-12-02T03:00:00Z"));  // the old schedule's
    QCOMPARE(plan->latest, utc("2026-12-03T12:00:00Z")); // the new one's
    QCOMPARE(plan->count, 3);                            // 12-02 03:00, 12:00; 12-03 12:00
}

void TestSchedulerParts::unfinishedIsCaughtUpOnlyWithoutALaterOccurrence()
{
    SchedulerJob monthly = job("top-up", "0 0 1 * *");
    CatchUpPlanner planner;
    const qint64 first = utc("2026-12-01T00:00:00Z");
    planner.setLastOccurrences({{QStringLiteral("top-up"), first}});
    QCOMPARE(planner.unfinishedAtStartUp(monthly, utc("2026-12-04T00:00:00Z")), std::nullopt);

    planner.setUnfinishedOccurrences({{QStringLiteral("top-up"), first}});
    const auto unfinished = planner.unfinishedAtStartUp(monthly, utc("2026-12-04T00:00:00Z"));
    QVERIFY(unfinished);
    QCOMPARE(unfinished->occurrence, first);
    QCOMPARE(unfinished->verdict, MissedRunPolicy::Verdict::CatchUp);
    // January's occurrence came due meanwhile: the start-up plan runs that one instead.
    QCOMPARE(planner.unfinishedAtStartUp(monthly, utc("2027-01-01T00:00:01Z")), std::nullopt);
}

QTEST_GUILESS_MAIN(TestSchedulerParts)
#include "tst_schedulerparts.moc"

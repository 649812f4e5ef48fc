// The one rule for a job's health (JobHealth): its precedence, one row per pair of facts
// that used to be decided differently by the console and `jobctl list`, and "overdue" only
// when a due time has really passed. The callers read their facts from both databases:
// tst_jobtablemodel (the console's feed) and tst_jobctl_run (`jobctl list`).
#include "jobs/JobHealth.h"
#include "jobs/JobsAtAGlance.h"

#include <QTest>

using jc::JobHealth;
using jc::PauseState;
using jc::RunOutcome;
using jc::StoredRun;
using State = JobHealth::State;

namespace QTest {
template <> inline char *toString(const State &value)
{
    return qstrdup(qPrintable(jc::toText(value)));
}
} // namespace QTest

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

jc::Schedule schedule(const char *text)
{
    auto parsed = jc::Schedule::parse(QString::fromLatin1(text), QTimeZone("UTC"));
    if (!parsed)
        qFatal("schedule does not parse");
    return parsed.value();
}

StoredRun run(RunOutcome outcome, const char *started)
{
    StoredRun stored;
    stored.job = QStringLiteral("A");
    stored.outcome = outcome;
    stored.startedAt = utc(started);
    stored.occurrence = stored.startedAt;
    if (outcome != RunOutcome::Running)
        stored.finishedAt = stored.startedAt.addSecs(3);
    return stored;
}

PauseState pausedUntil(const char *until = nullptr)
{
    PauseState pause{QStringLiteral("alice"), utc("2026-01-10T00:00:00Z"), QString(), std::nullopt};
    if (until)
        pause.resumeAt = utc(until);
    return pause;
}

// Thursday 2026-01-15 10:00 UTC.
const QDateTime now = utc("2026-01-15T10:00:00Z");

} // namespace

class tst_JobHealth : public QObject
{
    Q_OBJECT
private slots:
    void precedence_data();
    void precedence();
    void overdueSinceTheFirstMissedDueTime();
    void aNewScheduleCountsFromItsChange();
    void atAGlance();
};

void tst_JobHealth::precedence_data()
{
    QTest::addColumn<JobHealth::Facts>("facts");
    QTest::addColumn<State>("expected");
    QTest::addColumn<QDateTime>("at");

    const auto facts = [](const char *scheduleText) {
        JobHealth::Facts made;
        made.schedule = schedule(scheduleText);
        return made;
    };
    const char *daily = "0 3 * * *";

    QTest::newRow("never ran: idle, nothing says since when it is due")
        << facts(daily) << State::Idle << now;
    {
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Succeeded, "2026-01-15T03:00:00Z");
        QTest::newRow("ran at its last due time: idle") << f << State::Idle << now;
    }
    {
        // `jobctl list` said "paused" here, the console "running": a run under way goes on.
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Running, "2026-01-15T09:58:00Z");
        f.pause = pausedUntil();
        QTest::newRow("running elsewhere while paused: running") << f << State::Running << now;
        f.lastRun.reset();
        f.runningHere = true;
        QTest::newRow("running here while paused: running") << f << State::Running << now;
    }
    {
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Running, "2026-01-15T03:00:00Z");
        f.notResponding = true;
        f.pause = pausedUntil();
        QTest::newRow("stored running, holder dead: not responding")
            << f << State::NotResponding << now;
        f.runningHere = true; // this process runs it: it answers
        QTest::newRow("running here: the liveness flag does not apply")
            << f << State::Running << now;
        f.runningHere = false;
        f.lastRun = run(RunOutcome::Failed, "2026-01-15T03:00:00Z");
        QTest::newRow("no run stored as running: the flag does not apply")
            << f << State::Paused << now;
    }
    {
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Failed, "2026-01-12T03:00:00Z");
        f.pause = pausedUntil("2026-01-16T00:00:00Z");
        QTest::newRow("paused, due times passed: paused") << f << State::Paused << now;
        f.pause = pausedUntil("2026-01-15T09:00:00Z");
        QTest::newRow("the pause ended, due times passed: overdue") << f << State::Overdue << now;
        // While paused the scheduler recorded each occurrence as skipped.
        f.lastOccurrence = utc("2026-01-15T03:00:00Z");
        QTest::newRow("a pause just ended, occurrences recorded: failing")
            << f << State::Failing << now;
    }
    {
        // Today's rule said "overdue" as soon as a job that never succeeded had run once.
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Failed, "2026-01-15T03:00:00Z");
        QTest::newRow("failed at its last due time, never succeeded: failing")
            << f << State::Failing << now;
        f.lastRun = run(RunOutcome::Interrupted, "2026-01-15T03:00:00Z");
        QTest::newRow("interrupted: failing") << f << State::Failing << now;
        f.lastRun = run(RunOutcome::Cancelled, "2026-01-15T03:00:00Z");
        QTest::newRow("cancelled: idle") << f << State::Idle << now;
        f.lastRun = run(RunOutcome::Failed, "2026-01-13T03:00:00Z");
        QTest::newRow("failed, and nothing ran since: overdue") << f << State::Overdue << now;
    }
    {
        // Weekdays at 09:00. On Sunday the next two fires are a day apart, so today's rule
        // ("no success for twice the interval") called Friday's success overdue.
        auto f = facts("0 9 * * 1-5");
        f.lastRun = run(RunOutcome::Succeeded, "2026-01-16T09:00:00Z");
        QTest::newRow("weekdays, Sunday after Friday's run: idle")
            << f << State::Idle << utc("2026-01-18T10:00:00Z");
        QTest::newRow("weekdays, Monday after the due time: overdue")
            << f << State::Overdue << utc("2026-01-19T09:05:00Z");
    }
    {
        auto f = facts(daily);
        f.lastRun = run(RunOutcome::Succeeded, "2026-01-12T03:00:00Z");
        f.lastRun->trigger = jc::RunTrigger::Manual;
        f.lastRun->startedAt = utc("2026-01-15T08:00:00Z"); // after the missed 03:00
        QTest::newRow("a manual run counts as work done") << f << State::Idle << now;
    }
    {
        auto f = facts("*/10 * * * *");
        f.lastRun = run(RunOutcome::Succeeded, "2026-01-15T09:50:00Z");
        QTest::newRow("a due time within the grace: idle") << f << State::Idle << now;
        f.lastRun = run(RunOutcome::Succeeded, "2026-01-15T09:40:00Z");
        QTest::newRow("a due time past the grace: overdue") << f << State::Overdue << now;
    }
}

void tst_JobHealth::precedence()
{
    QFETCH(JobHealth::Facts, facts);
    QFETCH(State, expected);
    QFETCH(QDateTime, at);
    QCOMPARE(JobHealth::state(facts, at), expected);
}

void tst_JobHealth::overdueSinceTheFirstMissedDueTime()
{
    JobHealth::Facts facts;
    facts.schedule = schedule("0 3 * * *");
    facts.lastRun = run(RunOutcome::Succeeded, "2026-01-12T03:00:00Z");
    QCOMPARE(JobHealth::overdueSince(facts, now), utc("2026-01-13T03:00:00Z"));
    // The grace is exact: overdue from five minutes after the due time on.
    facts.lastRun = run(RunOutcome::Succeeded, "2026-01-14T03:00:00Z");
    QVERIFY(!JobHealth::overdueSince(facts, utc("2026-01-15T03:04:59Z")).isValid());
    QCOMPARE(JobHealth::overdueSince(facts, utc("2026-01-15T03:05:00Z")),
             utc("2026-01-15T03:00:00Z"));
    QCOMPARE(JobHealth::state(facts, utc("2026-01-15T03:05:00Z")), State::Overdue);
    // Paused: not overdue, whatever passed.
    facts.pause = pausedUntil();
    QVERIFY(!JobHealth::overdueSince(facts, now).isValid());
    // A schedule that never fires again is never overdue.
    facts.pause.reset();
    facts.schedule = schedule("0 0 30 2 *");
    QVERIFY(!JobHealth::overdueSince(facts, now).isValid());
    QCOMPARE(jc::toText(State::NotResponding), QStringLiteral("not responding"));
}

// A schedule or zone changed after the last run: its due times count from the change, as the
// scheduler walks them; the old schedule still owns the ones before (README: "a new schedule
// applies from the moment it was set"). The state walked the new schedule from the last run:
// "overdue since 00:07" for a daily job made every 7 minutes at 23:12.
void tst_JobHealth::aNewScheduleCountsFromItsChange()
{
    JobHealth::Facts facts;
    facts.lastRun = run(RunOutcome::Succeeded, "2026-12-06T00:00:00Z");
    const qint64 changedAt = utc("2026-12-06T23:12:00Z").toMSecsSinceEpoch();
    facts.schedule = schedule("*/7 * * * *");
    facts.earlierSchedules = {{schedule("0 0 * * *"), changedAt}};
    QCOMPARE(JobHealth::state(facts, utc("2026-12-06T23:13:00Z")), State::Idle);
    // Its first due time is 23:14; five minutes' grace after it, it is overdue.
    QCOMPARE(JobHealth::overdueSince(facts, utc("2026-12-06T23:19:00Z")),
             utc("2026-12-06T23:14:00Z"));

    // Only the zone changed (daily at midnight, now in Auckland: 11:00 UTC): not overdue
    // until the new zone's midnight has passed.
    auto auckland = jc::Schedule::parse(QStringLiteral("0 0 * * *"), QTimeZone("Pacific/Auckland"));
    QVERIFY(auckland);
    facts.schedule = auckland.value();
    QCOMPARE(JobHealth::state(facts, utc("2026-12-06T23:15:00Z")), State::Idle);
    QCOMPARE(JobHealth::overdueSince(facts, utc("2026-12-07T11:05:00Z")),
             utc("2026-12-07T11:00:00Z"));

    // A due time the old schedule missed before the change stays missed.
    facts.lastRun = run(RunOutcome::Succeeded, "2026-12-04T00:00:00Z");
    QCOMPARE(JobHealth::overdueSince(facts, utc("2026-12-06T23:15:00Z")),
             utc("2026-12-05T00:00:00Z"));
}

// One line for "is everything fine?", from the same rule: problems named with since when,
// pauses mentioned but not flagged.
void tst_JobHealth::atAGlance()
{
    const auto iso = [](const QDateTime &at) { return at.toUTC().toString(Qt::ISODate); };
    JobHealth::Facts fine;
    fine.schedule = schedule("0 3 * * *");
    fine.lastRun = run(RunOutcome::Succeeded, "2026-01-15T03:00:00Z");
    JobHealth::Facts paused = fine;
    paused.pause = pausedUntil();
    auto glance =
        jc::JobsAtAGlance::of({{u"A"_qs, fine}, {u"B"_qs, fine}, {u"C"_qs, paused}}, now, iso);
    QCOMPARE(glance.level, jc::JobsAtAGlance::Level::Healthy);
    QCOMPARE(glance.text, u"All 3 jobs healthy (paused: C)"_qs);

    // A cancelled top-up left its period unfinished: healthy (an admin's decision), but named.
    JobHealth::Facts cancelled = fine;
    cancelled.lastRun = run(RunOutcome::Cancelled, "2026-01-15T03:00:00Z");
    glance = jc::JobsAtAGlance::of({{u"A"_qs, cancelled}, {u"C"_qs, paused}}, now, iso);
    QCOMPARE(glance.level, jc::JobsAtAGlance::Level::Healthy);
    QCOMPARE(glance.text, u"All 2 jobs healthy (paused: C; latest run cancelled, unfinished: A at "
                          "2026-01-15T03:00:03Z)"_qs);

    JobHealth::Facts failed = fine;
    failed.lastRun = run(RunOutcome::TimedOut, "2026-01-15T03:00:00Z");
    JobHealth::Facts overdue = fine;
    overdue.lastRun = run(RunOutcome::Succeeded, "2026-01-13T03:00:00Z");
    JobHealth::Facts silent = fine;
    silent.lastRun = run(RunOutcome::Running, "2026-01-15T09:00:00Z");
    silent.lastRun->heartbeatAt = utc("2026-01-15T09:30:00Z");
    silent.notResponding = true;
    glance = jc::JobsAtAGlance::of(
        {{u"A"_qs, fine}, {u"B"_qs, failed}, {u"C"_qs, overdue}, {u"D"_qs, silent}}, now, iso);
    QCOMPARE(glance.level, jc::JobsAtAGlance::Level::NeedsAttention);
    QCOMPARE(glance.problems, 3);
    QCOMPARE(glance.text, u"B timed out at 2026-01-15T03:00:03Z; C overdue since "
                          "2026-01-14T03:00:00Z; D not responding since 2026-01-15T09:30:00Z"_qs);
}

QTEST_GUILESS_MAIN(tst_JobHealth)
#include "tst_jobhealth.moc"

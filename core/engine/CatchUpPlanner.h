#pragma once

#include "engine/MissedRunPolicy.h"
#include "schedule/ScheduleTimeline.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace jc {

struct SchedulerJob;

// Decides what becomes of occurrences that came due unseen: several due at one wake (they are
// coalesced into the latest), those missed while no instance ran (found at start-up from the
// journal's memory) and a last occurrence whose run did not get done. It only plans: the
// scheduler carries a plan out (records, logs, starts the run).
//
// What the journal remembers is given before the scheduler starts. Value type; thread: the
// scheduler's.
class CatchUpPlanner
{
public:
    // How many overdue occurrences one plan walks through to find the latest. Beyond it (a
    // per-second job after a day of downtime) the rest are counted from the next after now.
    static constexpr int maxWalk = 100000;

    // At a wake, `due` came due: the latest occurrence due by `now` runs, and `coalesced`
    // earlier ones (from `due` on) are folded into it.
    struct Wake
    {
        qint64 occurrence = 0;
        int coalesced = 0;

        // What the history says of the coalesced ones.
        [[nodiscard]] QString coalescedDetail() const;
    };
    static Wake atWake(const Schedule &schedule, qint64 due, qint64 now);

    // At start-up: `count` occurrences, `first` to `latest`, came due after the journal's last
    // one and by now. `verdict` is the missed-run policy's for the latest.
    struct StartUp
    {
        qint64 first = 0;
        qint64 latest = 0;
        int count = 0;
        MissedRunPolicy::Verdict verdict = MissedRunPolicy::Verdict::PolicySkips;
        bool inWindow = true; // the latest, of the policy's catch-up window

        [[nodiscard]] bool runsLatest() const
        {
            return verdict == MissedRunPolicy::Verdict::CatchUp;
        }
        // How many are recorded missed (all but a catch-up run's)...
        [[nodiscard]] int recordedMissed() const { return runsLatest() ? count - 1 : count; }
        // ...in one row standing at the occurrence after which the next start-up begins: the
        // latest missed, or without a catch-up run's own row to do that, the first.
        [[nodiscard]] qint64 recordedAt() const { return runsLatest() ? first : latest; }
        // What the history says of them, under the policy's `action`.
        [[nodiscard]] QString missedDetail(MissedRunPolicy::Action action) const;
    };
    // None when the job never ran before or nothing came due since its last occurrence.
    [[nodiscard]] std::optional<StartUp> atStartUp(const SchedulerJob &job, qint64 now) const;

    // At start-up, the journal's last occurrence of the job did not get done (its run failed,
    // timed out, died or never claimed): caught up unless a later occurrence has come due
    // meanwhile (atStartUp dealt with that one) or the policy says no.
    struct Unfinished
    {
        qint64 occurrence = 0;
        MissedRunPolicy::Verdict verdict = MissedRunPolicy::Verdict::PolicySkips;
    };
    [[nodiscard]] std::optional<Unfinished> unfinishedAtStartUp(const SchedulerJob &job,
                                                                qint64 now) const;

    // The journal's memory: the last occurrence each job dealt with (epoch ms), which of those
    // did not get done, and the schedules each job followed before its current one.
    void setLastOccurrences(const QHash<QString, qint64> &lastOccurrences);
    void setUnfinishedOccurrences(const QHash<QString, qint64> &unfinished);
    void setEarlierSchedules(const QHash<QString, QList<ScheduleTimeline::Replaced>> &earlier);
    [[nodiscard]] std::optional<qint64> lastOccurrenceOf(const QString &job) const;

private:
    // The schedule in force at each moment since the job's last occurrence.
    [[nodiscard]] ScheduleTimeline schedulesOf(const SchedulerJob &job) const;

    QHash<QString, qint64> m_lastOccurrences;
    QHash<QString, qint64> m_unfinishedOccurrences;
    QHash<QString, QList<ScheduleTimeline::Replaced>> m_earlierSchedules;
};

} // namespace jc

#include "jobs/ScheduleChangeLog.h"

namespace jc {

namespace {

bool sameSchedule(const Schedule &a, const Schedule &b)
{
    return a.text() == b.text() && a.zone() == b.zone();
}

} // namespace

QList<ScheduleTimeline::Replaced>
ScheduleChangeLog::earlierSchedules(const QList<JobSettingsChange> &changes,
                                    const ScheduleOf &scheduleOf)
{
    QList<ScheduleTimeline::Replaced> earlier;
    for (const JobSettingsChange &change : changes) {
        Schedule before = scheduleOf(change.before);
        if (sameSchedule(before, scheduleOf(change.after)))
            continue;
        earlier.append({std::move(before), change.changedAt.toMSecsSinceEpoch()});
    }
    return earlier;
}

} // namespace jc

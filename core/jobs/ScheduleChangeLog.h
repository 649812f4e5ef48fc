#pragma once

#include "schedule/ScheduleTimeline.h"
#include "storage/JobSettingsStore.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QTimeZone>

#include <functional>
#include <memory>

namespace jc {

// Turns a job's settings-change log (jc_job_changes) into the schedules it followed before
// its current one, for missed-run detection (Scheduler::setEarlierSchedules): for each change
// that changed the job's schedule or its zone, the schedule in force before it, replaced at
// the change's instant. Changes of other settings (overlap, batch size...) leave the schedule
// as it was and add nothing.
class ScheduleChangeLog
{
public:
    // The schedule a job follows with `settings` stored (JobRuntime builds it as it builds
    // the job).
    using ScheduleOf = std::function<Schedule(const QJsonObject &settings)>;

    // `changes` in the order they were made (JobSettingsStore::changesSince).
    static QList<ScheduleTimeline::Replaced>
    earlierSchedules(const QList<JobSettingsChange> &changes, const ScheduleOf &scheduleOf);

    // The earlier schedules of every catalog job, from its whole log (settings changes are
    // rare; pauses are not read), each built as the job is in `zone` on the stored settings
    // of then: what JobHealth walks, so that for the jobs table and `jobctl list` too a new
    // schedule counts from the instant it was set, not from the last run. Jobs whose schedule
    // never changed are absent.
    static Expected<QHash<QString, QList<ScheduleTimeline::Replaced>>, QString>
    read(const std::shared_ptr<ConnectionFactory> &database, const QTimeZone &zone);
};

} // namespace jc

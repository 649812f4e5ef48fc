#include "jobs/ScheduleChangeLog.h"

#include "jobs/JobCatalog.h"

#include <QProcessEnvironment>

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

Expected<QHash<QString, QList<ScheduleTimeline::Replaced>>, QString>
ScheduleChangeLog::read(const std::shared_ptr<ConnectionFactory> &database, const QTimeZone &zone)
{
    QHash<QString, QList<ScheduleTimeline::Replaced>> earlier;
    const JobSettingsStore store(database);
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const CatalogEntry &entry : JobCatalog::entries()) {
        const auto changes = store.changesSince(entry.name, 0);
        if (!changes)
            return Unexpected(changes.error());
        // Settings no longer valid (an older build's) had no schedule this build can walk.
        const auto replaced = earlierSchedules(changes.value(), [&](const QJsonObject &settings) {
            const auto job = JobCatalog::configure(entry, database, zone, environment, settings);
            return job ? job->schedule : Schedule();
        });
        if (!replaced.isEmpty())
            earlier.insert(entry.name, replaced);
    }
    return earlier;
}

} // namespace jc

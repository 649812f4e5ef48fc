#include "jobs/JobCatalog.h"

#include "common/LogCategories.h"
#include "jobs/HistoryRetentionJob.h"
#include "jobs/JobOverrides.h"
#include "storage/JobSettingsStore.h"

namespace jc {

QList<JobDefinition> JobCatalog::builtInJobs(std::shared_ptr<ConnectionFactory> database,
                                             const QTimeZone &zone)
{
    return {HistoryRetentionJob::definition(std::move(database), zone)};
}

// The per-database overrides (`jobctl set`) apply to every instance; a stored value this
// version cannot use (written by a newer one, say) leaves that job on its defaults, loudly.
QList<JobDefinition> JobCatalog::configuredJobs(std::shared_ptr<ConnectionFactory> database,
                                                const QTimeZone &zone)
{
    QList<JobDefinition> jobs = builtInJobs(database, zone);
    const auto stored = JobSettingsStore(database).all();
    if (!stored) {
        qCWarning(lcScheduler).noquote()
            << "Could not read the stored job settings; using defaults:" << stored.error();
        return jobs;
    }
    for (JobDefinition &job : jobs) {
        const auto settings = stored->constFind(job.name);
        if (settings == stored->cend())
            continue;
        auto applied = JobOverrides::apply(job, settings.value());
        if (!applied) {
            qCWarning(lcScheduler).noquote() << "Ignoring the stored settings of" << job.name
                                             << "(using its defaults):" << applied.error();
            continue;
        }
        job = std::move(applied).value();
    }
    return jobs;
}

Expected<bool, QString> JobCatalog::applyScheduleOverrides(QList<JobDefinition> &jobs,
                                                           const QStringList &overrides)
{
    QList<JobDefinition> changed = jobs;
    for (const QString &text : overrides) {
        const qsizetype equals = text.indexOf(u'=');
        if (equals <= 0)
            return QStringLiteral("--schedule \"%1\": expected JOB=EXPR, e.g. \"History "
                                  "Retention=*/5 * * * *\"")
                .arg(text);
        const QString name = text.left(equals).trimmed();
        const QString expression = text.mid(equals + 1).trimmed();
        auto job = std::find_if(changed.begin(), changed.end(),
                                [&](const JobDefinition &def) { return def.name == name; });
        if (job == changed.end()) {
            QStringList known;
            for (const auto &def : changed)
                known.append(def.name);
            return QStringLiteral("--schedule: no job named \"%1\" (jobs: %2)")
                .arg(name, known.join(QStringLiteral(", ")));
        }
        const auto schedule = Schedule::parse(expression, job->schedule.zone());
        if (!schedule)
            return QStringLiteral("--schedule \"%1\": %2").arg(name, schedule.error().message());
        job->schedule = schedule.value();
    }
    jobs = changed;
    return true;
}

} // namespace jc

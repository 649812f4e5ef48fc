#include "jobs/JobCatalog.h"

#include "jobs/HistoryRetentionJob.h"

namespace jc {

QList<JobDefinition> JobCatalog::builtInJobs(std::shared_ptr<ConnectionFactory> database,
                                             const QTimeZone &zone)
{
    return {HistoryRetentionJob::definition(std::move(database), zone)};
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

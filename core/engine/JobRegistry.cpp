#include "engine/JobRegistry.h"

#include "engine/SchedulerJob.h"

namespace jc {

JobRegistry::JobRegistry() = default;
JobRegistry::~JobRegistry() = default;

Expected<SchedulerJob *, QString> JobRegistry::add(JobDefinition def)
{
    def.name = def.name.trimmed();
    if (def.name.isEmpty())
        return Unexpected(QStringLiteral("A job needs a name"));
    if (find(def.name))
        return Unexpected(QStringLiteral("A job named \"%1\" is already registered").arg(def.name));
    if (const auto refused = refusal(def))
        return Unexpected(*refused);
    m_jobs.push_back(std::make_unique<SchedulerJob>(std::move(def)));
    SchedulerJob *job = m_jobs.back().get();
    m_byName.insert(job->definition.name, job);
    return job;
}

Expected<SchedulerJob *, QString> JobRegistry::replaced(JobDefinition &def) const
{
    def.name = def.name.trimmed();
    SchedulerJob *job = find(def.name);
    if (!job)
        return Unexpected(QStringLiteral("No job named \"%1\" is registered").arg(def.name));
    if (const auto refused = refusal(def))
        return Unexpected(*refused);
    return job;
}

std::optional<QString> JobRegistry::refusal(const JobDefinition &def) const
{
    if (!def.body)
        return QStringLiteral("Job \"%1\" has no body to run").arg(def.name);
    if (!def.schedule.isValid())
        return QStringLiteral("Job \"%1\" has no valid schedule").arg(def.name);
    return std::nullopt;
}

SchedulerJob *JobRegistry::find(const QString &name) const
{
    return m_byName.value(name, nullptr);
}

QStringList JobRegistry::names() const
{
    QStringList names;
    for (const auto &job : m_jobs)
        names.append(job->definition.name);
    return names;
}

QList<JobStatus> JobRegistry::statuses() const
{
    QList<JobStatus> statuses;
    statuses.reserve(qsizetype(m_jobs.size()));
    for (const auto &job : m_jobs)
        statuses.append(job->status());
    return statuses;
}

} // namespace jc

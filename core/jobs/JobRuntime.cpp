#include "jobs/JobRuntime.h"

#include "jobs/JobCatalog.h"
#include "storage/SqlRunJournal.h"

namespace jc {

JobRuntime::JobRuntime(std::shared_ptr<ConnectionFactory> database,
                       std::shared_ptr<RunJournal> journal, std::unique_ptr<Scheduler> scheduler)
    : m_database(std::move(database))
    , m_journal(std::move(journal))
    , m_scheduler(std::move(scheduler))
{}

Expected<std::unique_ptr<JobRuntime>, QString>
JobRuntime::create(std::shared_ptr<ConnectionFactory> database, Clock &clock, Options options)
{
    QList<JobDefinition> jobs = JobCatalog::builtInJobs(database, options.zone);
    if (const auto applied = JobCatalog::applyScheduleOverrides(jobs, options.scheduleOverrides);
        !applied)
        return applied.error();
    auto journal = std::make_shared<SqlRunJournal>(database);
    auto scheduler = std::make_unique<Scheduler>(clock, options.scheduler);
    scheduler->setJournal(journal);
    for (JobDefinition &job : jobs) {
        if (const auto added = scheduler->addJob(std::move(job)); !added)
            return added.error();
    }
    return std::unique_ptr<JobRuntime>(
        new JobRuntime(std::move(database), std::move(journal), std::move(scheduler)));
}

} // namespace jc

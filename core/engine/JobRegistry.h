#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "engine/JobStatus.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace jc {

struct SchedulerJob;

// The jobs registered with one scheduler, in registration order, by name, and the rules a
// definition must meet to be registered: a name not taken, a body, a valid schedule.
// Thread: the scheduler's.
class JobRegistry
{
public:
    JobRegistry();
    ~JobRegistry();
    JobRegistry(const JobRegistry &) = delete;
    JobRegistry &operator=(const JobRegistry &) = delete;

    // Registers `def` (its name trimmed). Refused, with a message that says why, when the name
    // is empty or taken, the body is missing or the schedule is invalid.
    Expected<SchedulerJob *, QString> add(JobDefinition def);
    // The registered job `def` replaces (same name), checked as add() checks; the caller
    // swaps the definition in. Refused for an unknown job.
    Expected<SchedulerJob *, QString> replaced(JobDefinition &def) const;

    [[nodiscard]] SchedulerJob *find(const QString &name) const;
    [[nodiscard]] QStringList names() const;
    [[nodiscard]] QList<JobStatus> statuses() const;

    [[nodiscard]] auto begin() const { return m_jobs.begin(); }
    [[nodiscard]] auto end() const { return m_jobs.end(); }

private:
    [[nodiscard]] std::optional<QString> refusal(const JobDefinition &def) const;

    std::vector<std::unique_ptr<SchedulerJob>> m_jobs; // in registration order
    QHash<QString, SchedulerJob *> m_byName;           // the same jobs, for lookups
};

} // namespace jc

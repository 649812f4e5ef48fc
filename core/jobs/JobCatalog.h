#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "storage/ConnectionFactory.h"

#include <QHash>
#include <QList>
#include <QTimeZone>

#include <memory>

namespace jc {

// The jobs every jobconsole and `jobctl serve` registers, working on one app database, with
// their default schedules in `zone`. Per-process schedule overrides ("JOB=EXPR", as given to
// `jobctl serve --schedule`) are applied by applyScheduleOverrides().
class JobCatalog
{
public:
    static QList<JobDefinition> builtInJobs(std::shared_ptr<ConnectionFactory> database,
                                            const QTimeZone &zone);

    // The built-in jobs with the settings stored in the database (`jobctl set`) applied. A
    // stored value this version cannot use leaves that job on its defaults, with a warning.
    static QList<JobDefinition> configuredJobs(std::shared_ptr<ConnectionFactory> database,
                                               const QTimeZone &zone);

    // Parses "JOB=EXPR" texts and replaces those jobs' schedules (in each job's zone). An
    // unknown job, a text without '=' or an invalid expression is refused with a message
    // naming it; nothing is changed then.
    static Expected<bool, QString> applyScheduleOverrides(QList<JobDefinition> &jobs,
                                                          const QStringList &overrides);
};

} // namespace jc

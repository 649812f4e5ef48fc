#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/SettingSpec.h"
#include "jobs/SettingValues.h"
#include "storage/ConnectionFactory.h"

#include <QTimeZone>

#include <concepts>
#include <functional>
#include <memory>

namespace jc {

// One built-in job as the catalog knows it: its name, the settings of its own (beside the
// scheduler's, see JobOverrides) and how to build its definition from resolved values.
struct CatalogEntry
{
    using Factory = std::function<Expected<JobDefinition, QString>(
        std::shared_ptr<ConnectionFactory> database, const QTimeZone &zone,
        const SettingValues &values)>;

    QString name;
    QList<SettingSpec> specs;
    Factory make;
    // A run by hand is shown first as the job's dry run (what it would do, in figures) and
    // started only when the admin confirms that: jobs that move money (the top-up).
    bool previewManualRuns = false;
};

// The face a job class shows the catalog (JobCatalog::entries builds its entry from it): its
// name, the specs of its own settings, how resolved values become its Settings (refusing bad
// ones, in words) and its definition from them.
template <typename Job>
concept ConfigurableJob = requires(const SettingValues &values,
                                   std::shared_ptr<ConnectionFactory> database,
                                   const QTimeZone &zone, typename Job::Settings settings)
{
    {
        Job::name
        } -> std::convertible_to<const char *>;
    {
        Job::settingSpecs()
        } -> std::same_as<QList<SettingSpec>>;
    {
        Job::settingsFrom(values)
        } -> std::same_as<Expected<typename Job::Settings, QString>>;
    {
        Job::definition(database, zone, settings)
        } -> std::same_as<JobDefinition>;
};

} // namespace jc

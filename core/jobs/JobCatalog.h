#pragma once

#include "common/Expected.h"
#include "engine/JobDefinition.h"
#include "jobs/CatalogEntry.h"
#include "storage/ConnectionFactory.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QProcessEnvironment>
#include <QTimeZone>

#include <memory>

namespace jc {

// The jobs every jobconsole and `jobctl serve` registers, working on one app database, in
// the configured `zone`.
//
// A job's settings come from, in order of precedence: a value given for one run (`jobctl run
// --set`), the per-database settings (`jobctl set`, the console's settings dialog), the
// environment variables the app itself reads (REGULAR_USER_FREE_CREDITS, SITE_URL, ...), and
// the job's defaults. An invalid value is never silently replaced: the job is still registered
// (so that the console shows it and its schedule), but each of its runs fails at once with the
// message naming the setting, and start-up logs the same message as a warning. Settings a job
// only reports (SettingSpec::reportOnly, like the app's sign-up allowances) never stop it: a
// bad value is replaced as its spec says, and each run's log starts with a warning saying so.
class JobCatalog
{
public:
    static const QList<CatalogEntry> &entries();
    static QStringList jobNames();
    // The entry named `name`, or null.
    static const CatalogEntry *find(const QString &name);
    // The entry a person means by `text`: its name, its name in another case, or its slug as
    // the logs show it ("stale-credit-purchase-cleanup", with or without "jc.job."); or null.
    static const CatalogEntry *lookup(const QString &text);
    // What each of the job's settings is when not set (its schedule and policies as built in,
    // in the system's zone, and its own settings' defaults), by key; empty for another name.
    static QJsonObject defaultSettings(const QString &name);

    // The built-in jobs on defaults and `environment` only.
    static QList<JobDefinition>
    builtInJobs(const std::shared_ptr<ConnectionFactory> &database, const QTimeZone &zone,
                const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

    // The built-in jobs with the settings stored in the database applied, and `runSettings`
    // (per job name) on top. An unreadable settings table counts as no stored settings, with
    // a warning.
    static QList<JobDefinition> configuredJobs(
        const std::shared_ptr<ConnectionFactory> &database, const QTimeZone &zone,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(),
        const QHash<QString, QJsonObject> &runSettings = {});

    // The same with `stored` (per job name, as JobSettingsStore::all() reads it) instead of
    // reading them: what a console lists when the stored settings change.
    static QList<JobDefinition> jobsFromStored(
        const std::shared_ptr<ConnectionFactory> &database, const QTimeZone &zone,
        const QHash<QString, QJsonObject> &stored,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

    // One job as configuredJobs() builds it: with `stored` and `runSettings` applied, or,
    // when they are invalid, a job whose runs fail at once with the message (logged too).
    static JobDefinition
    configuredJob(const CatalogEntry &entry, const std::shared_ptr<ConnectionFactory> &database,
                  const QTimeZone &zone, const QProcessEnvironment &environment,
                  const QJsonObject &stored, const QJsonObject &runSettings = {});

    // One job built from explicit stored and run settings, or why not (for `jobctl set` and
    // the console's settings dialog, which refuse invalid values before storing them).
    static Expected<JobDefinition, QString>
    configure(const CatalogEntry &entry, std::shared_ptr<ConnectionFactory> database,
              const QTimeZone &zone, const QProcessEnvironment &environment,
              const QJsonObject &stored, const QJsonObject &runSettings = {});

    // Every setting `name` has, its current value and where it came from, for people.
    static Expected<SettingValues, QString> currentValues(const QString &name,
                                                          const QProcessEnvironment &environment,
                                                          const QJsonObject &stored);

    // Parses "JOB=EXPR" texts and replaces those jobs' schedules (in each job's zone). An
    // unknown job, a text without '=' or an invalid expression is refused with a message
    // naming it; nothing is changed then.
    static Expected<void, QString> applyScheduleOverrides(QList<JobDefinition> &jobs,
                                                          const QStringList &overrides);
    // The "JOB=EXPR" texts among `overrides` that name `job`: what applies when that job
    // alone is rebuilt (its settings changed while running).
    static QStringList scheduleOverridesOf(const QString &job, const QStringList &overrides);
};

} // namespace jc

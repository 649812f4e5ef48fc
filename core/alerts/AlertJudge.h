#pragma once

#include "alerts/Alert.h"
#include "alerts/AlertStore.h"
#include "common/RepeatedFailure.h"
#include "engine/RunRecord.h"
#include "jobs/AlertRules.h"
#include "storage/ConnectionFactory.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QStringList>

#include <memory>
#include <optional>

namespace jc {

struct StoredRun;

// Judges a job's events by its stored rules with what the database knows of it: the reads
// AlertDecision needs (the job's rules, its streak of failures, its usual durations, its last
// success). It claims nothing: who tells whom is the caller's. `jobctl serve`'s AlertMonitor
// claims each alert once across the instances for the webhooks; the console's tray
// (ConsoleAlerts) tells the admin watching it.
//
// Where a read fails it warns (jc.alerts) and judges with what it has: the default rules, a
// streak of this run alone, no slow runs, no last success.
//
// Thread: any, each call on the calling thread's connection (ConnectionFactory); calls block
// on the database, so a GUI or scheduler thread never makes them.
class AlertJudge
{
public:
    // `failures`: where the failures its checks repeat are counted, so that an outage is
    // logged when it starts and ends, not at every check; keep one across checks (a judge is
    // made per check). None: a judge of its own.
    explicit AlertJudge(std::shared_ptr<ConnectionFactory> database,
                        std::shared_ptr<RepeatedFailure> failures = {});

    // Each job's stored rules; the defaults where they cannot be read.
    [[nodiscard]] QHash<QString, AlertRules> rules(const QStringList &jobs) const;
    // The alert a run's end is under `rules`, if any: its streak read from the database.
    [[nodiscard]] std::optional<Alert> runEnded(const RunRecord &record, const AlertRules &rules,
                                                const QString &instance) const;
    // `job`'s runs going on, on any instance, that are slow under `rules` at `now`.
    [[nodiscard]] QList<Alert> slowRuns(const QString &job, const AlertRules &rules,
                                        const QString &instance, const QDateTime &now) const;
    // When each job's last real run succeeded; empty where that cannot be read.
    [[nodiscard]] QHash<QString, QDateTime> lastSuccesses() const;

    [[nodiscard]] const AlertStore &store() const { return m_store; }
    [[nodiscard]] RepeatedFailure &repeatedFailures() const { return *m_repeatedFailures; }

    // A stored run as the record AlertDecision judges (no log).
    [[nodiscard]] static RunRecord recordOf(const StoredRun &run);

private:
    std::shared_ptr<ConnectionFactory> m_database;
    AlertStore m_store;
    std::shared_ptr<RepeatedFailure> m_repeatedFailures;
};

} // namespace jc

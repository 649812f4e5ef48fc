#include "alerts/AlertJudge.h"

#include "alerts/AlertDecision.h"
#include "common/LogCategories.h"
#include "storage/JobSettingsStore.h"
#include "storage/RunHistory.h"

namespace jc {

AlertJudge::AlertJudge(std::shared_ptr<ConnectionFactory> database,
                       std::shared_ptr<RepeatedFailure> failures)
    : m_database(std::move(database))
    , m_store(m_database)
    , m_repeatedFailures(failures ? std::move(failures) : std::make_shared<RepeatedFailure>())
{}

QHash<QString, AlertRules> AlertJudge::rules(const QStringList &jobs) const
{
    QHash<QString, AlertRules> rules;
    // Asked at every alert check: an outage or a bad rule is logged when it starts, every few
    // minutes while it lasts, and when it ends (RepeatedFailure).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto stored = JobSettingsStore(m_database).all();
    m_repeatedFailures->note(lcAlerts(),
                             QStringLiteral("Judging by the default alert rules: could not read "
                                            "the stored ones"),
                             stored ? std::nullopt : std::optional(stored.error()), now);
    for (const QString &job : jobs) {
        const auto parsed = AlertRules::from(stored ? stored->value(job) : QJsonObject());
        if (stored)
            m_repeatedFailures->note(
                lcAlerts(),
                QStringLiteral("Judging \"%1\" by the default alert rules: its own are invalid")
                    .arg(job),
                parsed ? std::nullopt : std::optional(parsed.error()), now);
        rules.insert(job, parsed ? parsed.value() : AlertRules{});
    }
    return rules;
}

std::optional<Alert> AlertJudge::runEnded(const RunRecord &record, const AlertRules &rules,
                                          const QString &instance) const
{
    // What AlertDecision would refuse anyway, without reading the streak.
    if (!rules.onFailure || !AlertDecision::countsInStreak(record.outcome, record.info.dryRun))
        return std::nullopt;
    const auto before =
        m_store.failuresBefore(record.info.job, record.storedRunId, rules.afterFailures);
    if (!before)
        qCWarning(lcAlerts).noquote() << before.error() << "- counting this run alone";
    return AlertDecision::onRunEnded(record, rules, before ? before.value() : 0, instance);
}

QList<Alert> AlertJudge::slowRuns(const QString &job, const AlertRules &rules,
                                  const QString &instance, const QDateTime &now) const
{
    QList<Alert> alerts;
    if (rules.slowFactor <= 0)
        return alerts;
    const auto running = m_store.running(job);
    if (!running || running->isEmpty()) {
        if (!running)
            qCWarning(lcAlerts).noquote() << running.error();
        return alerts;
    }
    const auto usual = m_store.recentDurations(job, 30);
    if (!usual) {
        qCWarning(lcAlerts).noquote() << usual.error();
        return alerts;
    }
    for (const RunRecord &run : running.value())
        if (const auto alert = AlertDecision::onSlowRun(run, usual.value(), rules, instance, now))
            alerts.append(*alert);
    return alerts;
}

QHash<QString, QDateTime> AlertJudge::lastSuccesses() const
{
    const auto read = RunHistory(m_database).lastSuccessPerJob();
    if (!read)
        qCWarning(lcAlerts).noquote() << read.error();
    return read ? read.value() : QHash<QString, QDateTime>();
}

RunRecord AlertJudge::recordOf(const StoredRun &run)
{
    RunRecord record;
    record.info.job = run.job;
    record.info.trigger = run.trigger;
    record.info.occurrence = run.occurrence;
    record.info.startedAt = run.startedAt;
    record.info.attempt = run.attempts;
    record.info.dryRun = run.dryRun;
    record.info.requestedBy = run.requestedBy;
    record.info.reason = run.reason;
    record.storedRunId = run.id;
    record.finishedAt = run.finishedAt;
    record.outcome = run.outcome;
    record.error = run.error;
    record.summary = run.summary;
    record.progress = run.progress;
    return record;
}

} // namespace jc

#include "main/ConsoleAlerts.h"

#include "alerts/AlertDecision.h"
#include "alerts/AlertJudge.h"
#include "data/DatabaseReader.h"
#include "engine/Clock.h"
#include "main/TrayNotifier.h"

#include <utility>

namespace jc {

namespace {

// An open console lives for weeks: the keys of events shown are forgotten past this many
// (each stands for a run, an occurrence or a stretch without success, long over by then).
constexpr qsizetype kShownKept = 10000;

} // namespace

ConsoleAlerts::ConsoleAlerts(DatabaseReader &reader, TrayNotifier &tray, const Clock &clock,
                             QStringList jobs, QString instance, QObject *parent)
    : QObject(parent)
    , m_reader(reader)
    , m_tray(tray)
    , m_clock(clock)
    , m_jobs(std::move(jobs))
    , m_instance(std::move(instance))
    , m_watchedSince(clock.now())
{
    connect(&m_sweep, &QTimer::timeout, this, &ConsoleAlerts::sweep);
}

void ConsoleAlerts::start(std::chrono::milliseconds interval)
{
    m_sweep.start(interval);
    sweep();
}

void ConsoleAlerts::runEnded(const StoredRun &run)
{
    if (!AlertDecision::countsInStreak(run.outcome, run.dryRun))
        return;
    m_reader.read<QList<Alert>>(
        this,
        [run, instance = m_instance, database = m_reader.database()](ConnectionFactory &) {
            const AlertJudge judge(database);
            const AlertRules rules = judge.rules({run.job}).value(run.job);
            const auto alert = judge.runEnded(AlertJudge::recordOf(run), rules, instance);
            return alert ? QList<Alert>{*alert} : QList<Alert>{};
        },
        [this, run](const QList<Alert> &alerts) { show(alerts, run); });
}

void ConsoleAlerts::occurrenceSkipped(const QString &job, const QDateTime &occurrence,
                                      SkipReason reason, int count)
{
    if (!AlertDecision::isMissed(reason))
        return; // nobody's problem (another instance's claim, a pause): no read for it
    const QDateTime at = m_clock.now();
    m_reader.read<QList<Alert>>(
        this,
        [=, instance = m_instance, database = m_reader.database()](ConnectionFactory &) {
            const AlertRules rules = AlertJudge(database).rules({job}).value(job);
            const auto alert =
                AlertDecision::onMissed(job, occurrence, reason, count, rules, instance, at);
            return alert ? QList<Alert>{*alert} : QList<Alert>{};
        },
        [this](const QList<Alert> &alerts) { show(alerts); });
}

void ConsoleAlerts::sweep()
{
    if (m_sweeping) {
        // The sweep reading now judged an earlier "now": this request (F5 after the clock
        // moved, the minute's timer) sweeps again when it ends, instead of being lost.
        m_sweepAgain = true;
        return;
    }
    m_sweeping = true;
    m_reader.read<QList<Alert>>(
        this,
        [jobs = m_jobs, instance = m_instance, now = m_clock.now(), watched = m_watchedSince,
         database = m_reader.database(), failures = m_repeatedFailures](ConnectionFactory &) {
            const AlertJudge judge(database, failures);
            const QHash<QString, AlertRules> rules = judge.rules(jobs);
            QList<Alert> alerts;
            std::optional<QHash<QString, QDateTime>> lastSuccesses; // read once, if asked
            for (const QString &job : jobs) {
                const AlertRules &jobRules = rules[job];
                alerts += judge.slowRuns(job, jobRules, instance, now);
                if (jobRules.noSuccessHours <= 0)
                    continue;
                if (!lastSuccesses)
                    lastSuccesses = judge.lastSuccesses();
                if (const auto alert = AlertDecision::onNoSuccess(job, lastSuccesses->value(job),
                                                                  watched, jobRules, instance, now))
                    alerts.append(*alert);
            }
            return alerts;
        },
        [this](const QList<Alert> &alerts) {
            m_sweeping = false;
            show(alerts);
            if (std::exchange(m_sweepAgain, false))
                sweep();
        });
}

void ConsoleAlerts::show(const QList<Alert> &alerts, const StoredRun &run)
{
    for (const Alert &alert : alerts) {
        if (m_shown.contains(alert.eventKey()))
            continue;
        if (m_shown.size() >= kShownKept)
            m_shown.clear();
        m_shown.insert(alert.eventKey());
        if (AlertDecision::isFailure(run.outcome) && alert.runId == run.id)
            m_tray.notifyEnded(run, alert.count);
        else
            m_tray.notifyAlert(alert);
    }
}

} // namespace jc

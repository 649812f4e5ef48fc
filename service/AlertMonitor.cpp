#include "service/AlertMonitor.h"

#include "alerts/AlertDecision.h"
#include "alerts/AlertJudge.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "service/ServiceLog.h"
#include "service/WebhookSender.h"

#include <QEventLoop>
#include <QJsonDocument>

namespace jc {

namespace {

// Whether this instance sends `alert`: it recorded it first, or could not record it at all.
bool claimed(const AlertStore &store, const Alert &alert)
{
    const auto claim = store.claim(alert);
    if (!claim)
        qCWarning(lcAlerts).noquote() << claim.error() << "- sending it all the same";
    return !claim || claim.value();
}

} // namespace

AlertMonitor::AlertMonitor(Scheduler &scheduler, std::shared_ptr<ConnectionFactory> database,
                           WebhookSender &sender, Options options, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_database(std::move(database))
    , m_sender(sender)
    , m_options(std::move(options))
    // One thread: alerts of one job are judged in the order their events came.
    , m_pool(this, 1, std::chrono::seconds(5), QStringLiteral("alerts"))
{
    qRegisterMetaType<Alert>();
    connect(&scheduler, &Scheduler::runFinished, this, &AlertMonitor::onRunFinished);
    connect(&scheduler, &Scheduler::occurrenceSkipped, this, &AlertMonitor::onSkipped);
    m_watchedSince = scheduler.clock().now();
    connect(&m_sweep, &QTimer::timeout, this, [this] { sweep(When::Later); });
}

AlertMonitor::~AlertMonitor() = default;

void AlertMonitor::start()
{
    sweep(When::Now);
    m_sweep.start(m_options.sweepInterval);
}

bool AlertMonitor::idle() const
{
    return m_judging == 0 && m_sender.pending() == 0;
}

bool AlertMonitor::finish(std::chrono::milliseconds deadline)
{
    m_sweep.stop();
    if (idle())
        return true;
    QEventLoop loop;
    QTimer check;
    connect(&check, &QTimer::timeout, &loop, [this, &loop] {
        if (idle())
            loop.quit();
    });
    check.start(std::chrono::milliseconds(20));
    QTimer::singleShot(deadline, &loop, &QEventLoop::quit);
    loop.exec();
    if (!idle())
        qCWarning(lcAlerts) << "Stopped with" << m_judging << "alert checks going and"
                            << m_sender.pending() << "alerts not delivered";
    return idle();
}

void AlertMonitor::onRunFinished(const RunRecord &record)
{
    if (!AlertDecision::countsInStreak(record.outcome, record.info.dryRun))
        return;
    auto seen = std::make_shared<QSet<qint64>>();
    if (AlertDecision::isFailure(record.outcome) && record.storedRunId > 0)
        seen->insert(record.storedRunId); // the sweep need not judge it again
    const QString instance = m_scheduler.instanceId();
    judge(
        {record.info.job},
        [record, instance](const QString &, const AlertRules &rules, const AlertJudge &judge) {
            const auto alert = judge.runEnded(record, rules, instance);
            return alert ? QList<Alert>{*alert} : QList<Alert>{};
        },
        seen);
}

void AlertMonitor::onSkipped(const QString &job, const QDateTime &occurrence, SkipReason reason,
                             int count)
{
    if (!AlertDecision::isMissed(reason))
        return; // nobody's problem (another instance's claim, a pause): no read for it
    const QString instance = m_scheduler.instanceId();
    const QDateTime at = m_scheduler.clock().now();
    judge({job},
          [=](const QString &, const AlertRules &rules, const AlertJudge &) {
              const auto alert =
                  AlertDecision::onMissed(job, occurrence, reason, count, rules, instance, at);
              return alert ? QList<Alert>{*alert} : QList<Alert>{};
          },
          {});
}

void AlertMonitor::sweep(When when)
{
    if (m_sweeping)
        return; // the last sweep is still reading
    m_sweeping = true;
    const QString instance = m_scheduler.instanceId();
    const QDateTime now = m_scheduler.clock().now();
    const qint64 since = now.toMSecsSinceEpoch() - m_options.sweepWindow.count();
    const QSet<qint64> known = m_seenRuns;
    auto seen = std::make_shared<QSet<qint64>>();
    // Read once per sweep, by the first job whose rules ask for it.
    auto lastSuccesses = std::make_shared<std::optional<QHash<QString, QDateTime>>>();
    judge(
        m_scheduler.jobNames(),
        [instance, now, since, known, seen, lastSuccesses, watched = m_watchedSince](
            const QString &job, const AlertRules &rules, const AlertJudge &judge) {
            QList<Alert> alerts = judge.slowRuns(job, rules, instance, now);
            if (rules.noSuccessHours > 0) {
                if (!*lastSuccesses)
                    *lastSuccesses = judge.lastSuccesses();
                if (const auto alert = AlertDecision::onNoSuccess(job, (*lastSuccesses)->value(job),
                                                                  watched, rules, instance, now))
                    alerts.append(*alert);
            }
            const auto runs = judge.store().interruptedSince(job, since);
            judge.repeatedFailures().note(
                lcAlerts(),
                QStringLiteral("Could not read the interrupted runs of \"%1\"").arg(job),
                runs ? std::nullopt : std::optional(runs.error()), now.toMSecsSinceEpoch());
            if (!runs)
                return alerts;
            for (const RunRecord &run : runs.value()) {
                if (known.contains(run.storedRunId) || seen->contains(run.storedRunId))
                    continue;
                seen->insert(run.storedRunId);
                if (const auto alert = judge.runEnded(run, rules, instance))
                    alerts.append(*alert);
            }
            return alerts;
        },
        seen, true, when);
}

void AlertMonitor::judge(const QStringList &jobs, Decide decide, SeenRuns seen, bool sweep,
                         When when)
{
    ++m_judging;
    // The work never touches `self`: only its answer does, on this thread (ReplyingPool).
    ReplyingPool::Work work = [self = this, database = m_database, cliWebhooks = m_options.webhooks,
                               jobs, decide = std::move(decide), seen, sweep,
                               failures = m_repeatedFailures]() -> ReplyingPool::Answer {
        const AlertJudge judge(database, failures);
        const QHash<QString, AlertRules> rules = judge.rules(jobs);
        Outgoing outgoing;
        for (const QString &job : jobs) {
            const AlertRules &jobRules = rules[job];
            const QList<QUrl> webhooks = cliWebhooks + jobRules.webhooks;
            if (webhooks.isEmpty())
                continue; // nobody to tell: leave the claim to an instance that can
            for (const Alert &alert : decide(job, jobRules, judge))
                if (claimed(judge.store(), alert))
                    outgoing.append({alert, webhooks});
        }
        return [self, outgoing, seen, sweep] {
            --self->m_judging;
            if (seen)
                self->m_seenRuns += *seen;
            if (sweep)
                self->m_sweeping = false;
            for (const auto &[alert, webhooks] : outgoing)
                self->send(alert, webhooks);
        };
    };
    if (when == When::Now)
        work()(); // on this thread and its connection, before anything else happens
    else
        m_pool.start(std::move(work));
}

void AlertMonitor::send(const Alert &alert, const QList<QUrl> &webhooks)
{
    qCInfo(lcAlerts).noquote() << "Alert" << alert.eventKey() << "-" << alert.text();
    const QByteArray json = QJsonDocument(alert.toJson()).toJson(QJsonDocument::Compact);
    QList<QUrl> sent;
    for (const QUrl &url : webhooks) {
        if (sent.contains(url))
            continue; // given both on the command line and in the job's settings
        sent.append(url);
        m_sender.post(url, json, alert.eventKey());
    }
    emit alertSent(alert);
}

} // namespace jc

#include "service/AlertMonitor.h"

#include "alerts/AlertDecision.h"
#include "engine/Clock.h"
#include "engine/Scheduler.h"
#include "service/ServiceLog.h"
#include "service/WebhookSender.h"
#include "storage/JobSettingsStore.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

namespace jc {

namespace {

// The job's stored rules; the defaults (with a warning) when they cannot be read.
AlertRules rulesOf(const std::shared_ptr<ConnectionFactory> &database, const QString &job)
{
    const auto stored = JobSettingsStore(database).all();
    if (!stored) {
        qCWarning(lcAlerts).noquote()
            << "Judging" << job << "by the default alert rules:" << stored.error();
        return {};
    }
    const auto rules = AlertRules::from(stored->value(job));
    if (!rules) {
        qCWarning(lcAlerts).noquote()
            << "Judging" << job << "by the default alert rules:" << rules.error();
        return {};
    }
    return rules.value();
}

} // namespace

AlertMonitor::AlertMonitor(Scheduler &scheduler, std::shared_ptr<ConnectionFactory> database,
                           WebhookSender &sender, QList<QUrl> webhooks, QObject *parent)
    : QObject(parent)
    , m_scheduler(scheduler)
    , m_database(std::move(database))
    , m_sender(sender)
    , m_webhooks(std::move(webhooks))
    // One thread: alerts of one job are judged in the order their events came.
    , m_pool(this, 1, std::chrono::seconds(5), QStringLiteral("alerts"))
{
    qRegisterMetaType<Alert>();
    connect(&scheduler, &Scheduler::runFinished, this, &AlertMonitor::onRunFinished);
    connect(&scheduler, &Scheduler::occurrenceSkipped, this, &AlertMonitor::onSkipped);
}

AlertMonitor::~AlertMonitor() = default;

bool AlertMonitor::idle() const
{
    return m_judging == 0 && m_sender.pending() == 0;
}

bool AlertMonitor::finish(std::chrono::milliseconds deadline)
{
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
        qCWarning(lcAlerts) << "Stopped with" << m_judging << "alerts not judged and"
                            << m_sender.pending() << "not delivered";
    return idle();
}

void AlertMonitor::onRunFinished(const RunRecord &record)
{
    if (!AlertDecision::countsInStreak(record.outcome, record.info.dryRun))
        return;
    const QString instance = m_scheduler.instanceId();
    judge(record.info.job,
          [record, instance](const AlertRules &rules,
                             const AlertStore &store) -> std::optional<Alert> {
              const auto before =
                  store.failuresBefore(record.info.job, record.storedRunId, rules.afterFailures);
              if (!before)
                  qCWarning(lcAlerts).noquote() << before.error() << "- counting this run alone";
              return AlertDecision::onRunEnded(record, rules, before ? before.value() : 0,
                                               instance);
          });
}

void AlertMonitor::onSkipped(const QString &job, const QDateTime &occurrence, SkipReason reason,
                             int count)
{
    const QString instance = m_scheduler.instanceId();
    const QDateTime at = m_scheduler.clock().now();
    judge(job, [=](const AlertRules &rules, const AlertStore &) -> std::optional<Alert> {
        return AlertDecision::onMissed(job, occurrence, reason, count, rules, instance, at);
    });
}

void AlertMonitor::judge(const QString &job, Decide decide)
{
    ++m_judging;
    // The work never touches `self`: only the answers do, on this thread (ReplyingPool).
    m_pool.start([self = this, database = m_database, cliWebhooks = m_webhooks, job,
                  decide = std::move(decide)]() -> ReplyingPool::Answer {
        const AlertRules rules = rulesOf(database, job);
        const AlertStore store(database);
        const std::optional<Alert> alert = decide(rules, store);
        const QList<QUrl> webhooks = cliWebhooks + rules.webhooks;
        const auto done = [self] { --self->m_judging; };
        if (!alert || webhooks.isEmpty())
            return done;
        if (const auto claimed = store.claim(*alert); !claimed)
            qCWarning(lcAlerts).noquote() << claimed.error() << "- sending it all the same";
        else if (!claimed.value())
            return done; // on record: the instance that recorded it sends it
        return [self, alert = *alert, webhooks] {
            --self->m_judging;
            self->send(alert, webhooks);
        };
    });
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

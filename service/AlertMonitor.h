#pragma once

#include "alerts/Alert.h"
#include "alerts/AlertStore.h"
#include "engine/RunRecord.h"
#include "engine/SkipReason.h"
#include "jobs/AlertRules.h"
#include "storage/ReplyingPool.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace jc {

class ConnectionFactory;
class Scheduler;
class WebhookSender;

// What turns a scheduler's events into alerts for `jobctl serve`: each run that ended and
// each occurrence that did not run is judged by its job's stored rules (AlertRules, read
// afresh each time, so `jobctl set` applies at once) and its streak of failures
// (AlertDecision), claimed once across the instances on the database (AlertStore), and the
// instance that claimed it posts it to every webhook: `--alert-webhook` and the job's own
// alertWebhooks. A job with no webhook at all is not claimed here, so that an instance that
// cannot send never takes an alert from one that can.
//
// The scheduler's thread never waits: the database work runs on this object's pool thread
// and the POSTs are asynchronous (WebhookSender). When the database cannot be read or
// written, the alert is sent all the same under the default rules (a warning says so):
// an alert twice is better than none.
//
// Thread: lives on the scheduler's thread. The scheduler and the sender must outlive it.
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    AlertMonitor(Scheduler &scheduler, std::shared_ptr<ConnectionFactory> database,
                 WebhookSender &sender, QList<QUrl> webhooks, QObject *parent = nullptr);
    ~AlertMonitor() override;

    // After the scheduler stopped: lets the alerts of its last events be judged and posted,
    // running the event loop until none is left or `deadline` passed. Returns whether none
    // is left (the log names what was not sent otherwise).
    bool finish(std::chrono::milliseconds deadline);

signals:
    // An alert this instance claimed and posted (tests, logs).
    void alertSent(const jc::Alert &alert);

private:
    // Decides on the pool thread whether the job's event is an alert under `rules`.
    using Decide =
        std::function<std::optional<Alert>(const AlertRules &rules, const AlertStore &store)>;
    void judge(const QString &job, Decide decide);
    void onRunFinished(const RunRecord &record);
    void onSkipped(const QString &job, const QDateTime &occurrence, SkipReason reason, int count);
    void send(const Alert &alert, const QList<QUrl> &webhooks);
    bool idle() const;

    Scheduler &m_scheduler;
    std::shared_ptr<ConnectionFactory> m_database;
    WebhookSender &m_sender;
    QList<QUrl> m_webhooks;
    int m_judging = 0; // events on the pool, not yet answered
    ReplyingPool m_pool;
};

} // namespace jc

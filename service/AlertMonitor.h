#pragma once

#include "alerts/Alert.h"
#include "alerts/AlertStore.h"
#include "common/RepeatedFailure.h"
#include "engine/RunRecord.h"
#include "engine/SkipReason.h"
#include "jobs/AlertRules.h"
#include "storage/ReplyingPool.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <functional>
#include <memory>

namespace jc {

class AlertJudge;
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
// Runs of instances that died end in the database, not in any scheduler: whoever finds them
// marks them interrupted (RunUpkeep). At start() and every `sweepInterval` the monitor reads
// each job's runs that ended interrupted or abandoned within `sweepWindow` and judges the
// ones it has not seen; their claims make each one alert once, whichever instance finds it
// first, and a restart does not alert again. The same sweep finds the jobs without a success
// for longer than their rules allow (from their last success, or for a job that never
// succeeded from when this monitor started), and the runs going on, on any instance, for far
// longer than their job's usual (alertSlowFactor).
//
// The scheduler's thread never waits: the database work runs on this object's pool thread
// and the POSTs are asynchronous (WebhookSender). When the database cannot be written, the
// alert is sent all the same (a warning says so): an alert twice is better than none.
//
// Thread: lives on the scheduler's thread. The scheduler and the sender must outlive it.
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QList<QUrl> webhooks; // for every job (`--alert-webhook`)
        std::chrono::milliseconds sweepInterval{std::chrono::seconds(15)};
        std::chrono::milliseconds sweepWindow{std::chrono::hours(24)};
    };

    AlertMonitor(Scheduler &scheduler, std::shared_ptr<ConnectionFactory> database,
                 WebhookSender &sender, Options options, QObject *parent = nullptr);
    ~AlertMonitor() override;

    // Sweeps once on this thread, before the scheduler starts: the runs a restarted instance
    // found interrupted (JobRuntime marks them before its scheduler starts, and a catch-up may
    // reopen their row as soon as it does) are judged while they still read interrupted. Then
    // sweeps every `sweepInterval` on the pool.
    void start();

    // After the scheduler stopped: lets the alerts of its last events be judged and posted,
    // running the event loop until none is left or `deadline` passed. Returns whether none
    // is left (the log names what was not sent otherwise).
    bool finish(std::chrono::milliseconds deadline);

signals:
    // An alert this instance claimed and posted (tests, logs).
    void alertSent(const jc::Alert &alert);

private:
    // Alerts to post, each with its webhooks.
    using Outgoing = QList<std::pair<Alert, QList<QUrl>>>;
    // Decides on the pool thread which of a job's events are alerts under its rules.
    using Decide = std::function<QList<Alert>(const QString &job, const AlertRules &rules,
                                              const AlertJudge &judge)>;
    // Runs judged, filled by the work and kept by its answer (m_seenRuns).
    using SeenRuns = std::shared_ptr<QSet<qint64>>;
    // Later: on the pool, answered on this thread. Now: here, before returning.
    enum class When { Later, Now };
    void judge(const QStringList &jobs, Decide decide, SeenRuns seen, bool sweep = false,
               When when = When::Later);
    void onRunFinished(const RunRecord &record);
    void onSkipped(const QString &job, const QDateTime &occurrence, SkipReason reason, int count);
    void sweep(When when);
    void send(const Alert &alert, const QList<QUrl> &webhooks);
    bool idle() const;

    Scheduler &m_scheduler;
    std::shared_ptr<ConnectionFactory> m_database;
    // The failures its checks repeat (an outage), counted across checks (AlertJudge).
    std::shared_ptr<RepeatedFailure> m_repeatedFailures = std::make_shared<RepeatedFailure>();
    WebhookSender &m_sender;
    Options m_options;
    QSet<qint64> m_seenRuns; // interrupted or abandoned runs judged here already
    QTimer m_sweep;
    QDateTime m_watchedSince; // when this monitor began to watch
    bool m_sweeping = false;
    int m_judging = 0; // work on the pool, not yet answered
    ReplyingPool m_pool;
};

} // namespace jc

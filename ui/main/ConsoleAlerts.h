#pragma once

#include "alerts/Alert.h"
#include "common/RepeatedFailure.h"
#include "engine/SkipReason.h"
#include "storage/RunHistory.h"

#include <QDateTime>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <memory>

namespace jc {

class Clock;
class DatabaseReader;
class TrayNotifier;

// Which of the jobs' events this console shows in its tray: the alert rules of each job, as
// stored with its settings and as `jobctl serve` applies them to its webhooks (AlertJudge,
// AlertDecision), judged off the GUI thread by the console's DatabaseReader:
//  - each run the jobs table sees end, on any instance: a failure, timeout, interruption or
//    abandonment from the rules' Nth in a row on, and a recovery after such a streak;
//  - occurrences this console's scheduler did not run, when the job alerts on missed ones;
//  - at every sweep (each minute, and when the admin refreshes): the jobs without a success
//    for longer than their rules allow, and the runs going on far longer than their usual.
// Each event is shown once by this console (by Alert::eventKey()) and claimed nowhere: every
// admin watching a console is told, and the claims that make each webhook post once belong
// to `serve`.
//
// Thread: GUI thread.
class ConsoleAlerts : public QObject
{
    Q_OBJECT
public:
    // `instance`: who this console is in the alerts (its scheduler's instance id, or empty
    // when it only watches). The reader, tray and clock must outlive it.
    ConsoleAlerts(DatabaseReader &reader, TrayNotifier &tray, const Clock &clock, QStringList jobs,
                  QString instance, QObject *parent = nullptr);

    // Sweeps every `interval` from now on (and at once).
    void start(std::chrono::milliseconds interval = std::chrono::minutes(1));
    void sweep();

    void runEnded(const StoredRun &run);
    void occurrenceSkipped(const QString &job, const QDateTime &occurrence, SkipReason reason,
                           int count);

private:
    // Shows what this console has not shown yet; `run`: the run the alerts are about.
    void show(const QList<Alert> &alerts, const StoredRun &run = {});

    DatabaseReader &m_reader;
    TrayNotifier &m_tray;
    const Clock &m_clock;
    QStringList m_jobs;
    QString m_instance;
    QDateTime m_watchedSince;
    QSet<QString> m_shown; // event keys
    QTimer m_sweep;
    bool m_sweeping = false;
    // The failures the minute's sweeps repeat (an outage), counted across sweeps (AlertJudge).
    std::shared_ptr<RepeatedFailure> m_repeatedFailures = std::make_shared<RepeatedFailure>();
    bool m_sweepAgain = false; // a sweep was asked for while one was reading
};

} // namespace jc

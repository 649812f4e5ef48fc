#pragma once

#include "alerts/Alert.h"
#include "storage/RunHistory.h"

#include <QIcon>
#include <QObject>

class QMenu;
class QSystemTrayIcon;

namespace jc {

// The tray icon (when the desktop has a tray) and the desktop notifications of the alerts
// (ConsoleAlerts decides which): a run that failed, timed out, was interrupted or abandoned,
// a recovery, occurrences that were missed, no success for too long, a slow run; each with
// the job's name. Clicking a notification about a run asks to show that run.
//
// Thread: GUI thread.
class TrayNotifier : public QObject
{
    Q_OBJECT
public:
    TrayNotifier(const QIcon &icon, QMenu *menu, QObject *parent = nullptr);

    bool isAvailable() const { return m_tray != nullptr; }
    // Notifies when `run` ended in a problem; otherwise does nothing. Returns whether it did.
    // The message names the job and the outcome, how many such runs came in a row (from
    // the second on), the error's first line, and what the run did in words
    // (RunSummaryText) when it counted anything.
    bool notifyEnded(const StoredRun &run, int inARow = 1);
    // An alert that is not a run's problem: a recovery, missed occurrences, no success for
    // too long, a run going on too long. Clicking it shows the alert's run, if it has one.
    void notifyAlert(const Alert &alert);
    // A plain message (not about a problem).
    void inform(const QString &title, const QString &message);
    // The jobs at a glance: the icon's tooltip, and a warning icon while a job needs
    // attention (the normal icon otherwise).
    void setGlance(const QString &text, bool needsAttention);
    const QString &glance() const { return m_glance; }
    // The last notification's text (tests; also its tooltip).
    const QString &lastMessage() const { return m_lastMessage; }

signals:
    // Each notification as it is shown (or would be, without a tray).
    void notified(const QString &title, const QString &message);
    void showWindowRequested();
    void runActivated(qint64 runId);

private:
    void show(const QString &title, const QString &message, qint64 runId, bool warning = true);

    QSystemTrayIcon *m_tray = nullptr;
    QIcon m_icon;
    QString m_glance;
    QString m_lastMessage;
    qint64 m_lastRunId = 0;
};

} // namespace jc

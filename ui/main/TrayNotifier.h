#pragma once

#include "storage/RunHistory.h"

#include <QIcon>
#include <QObject>

class QMenu;
class QSystemTrayIcon;

namespace jc {

// The tray icon (when the desktop has a tray) and the desktop notifications: a run that
// failed, timed out, was interrupted or abandoned, or occurrences that were missed, each
// with the job's name. Clicking a notification about a run asks to show that run.
//
// Thread: GUI thread.
class TrayNotifier : public QObject
{
    Q_OBJECT
public:
    TrayNotifier(const QIcon &icon, QMenu *menu, QObject *parent = nullptr);

    bool isAvailable() const { return m_tray != nullptr; }
    // Notifies when `run` ended in a problem; otherwise does nothing. Returns whether it did.
    // The message names the job and the outcome, the error's first line, and what the run
    // did in words (RunSummaryText) when it counted anything.
    bool notifyEnded(const StoredRun &run);
    void notifyMissed(const QString &job, int count);
    // A plain message (not about a problem).
    void inform(const QString &title, const QString &message);
    // The jobs at a glance: the icon's tooltip, and a warning icon while a job needs
    // attention (the normal icon otherwise).
    void setGlance(const QString &text, bool needsAttention);
    const QString &glance() const { return m_glance; }
    // The last notification's text (tests; also its tooltip).
    const QString &lastMessage() const { return m_lastMessage; }

signals:
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

#include "main/TrayNotifier.h"

#include <QStyle>

#include <QApplication>

#include "jobs/RunSummaryText.h"
#include "models/RunFormat.h"

#include <QMenu>
#include <QSystemTrayIcon>

namespace jc {

TrayNotifier::TrayNotifier(const QIcon &icon, QMenu *menu, QObject *parent)
    : QObject(parent)
    , m_icon(icon)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(icon, this);
    m_tray->setToolTip(tr("Job Console"));
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    emit showWindowRequested();
            });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
        emit showWindowRequested();
        if (m_lastRunId > 0)
            emit runActivated(m_lastRunId);
    });
    m_tray->show();
}

bool TrayNotifier::notifyEnded(const StoredRun &run, int inARow)
{
    if (!isProblem(run.outcome))
        return false;
    QString message = tr("\"%1\" %2").arg(run.job, RunFormat::outcomeText(run.outcome));
    if (inARow > 1)
        message += tr(" (%1 in a row)").arg(inARow);
    if (!run.error.isEmpty())
        message += QStringLiteral(": ") + RunFormat::firstLine(run.error);
    // What it did before it ended, when it counted anything: a top-up that failed a batch
    // still granted the rest.
    if (const QString words = RunSummaryText::of(run); !words.isEmpty())
        message += u'\n' + words;
    show(tr("Job %1").arg(RunFormat::outcomeText(run.outcome)), message, run.id);
    return true;
}

void TrayNotifier::notifyAlert(const Alert &alert)
{
    const QString message = QStringLiteral("\"%1\" %2").arg(alert.job, alert.event());
    switch (alert.kind) {
    case AlertKind::Recovered:
        show(tr("Job recovered"), message, alert.runId, false);
        break;
    case AlertKind::Missed:
        show(tr("Job missed"), message, 0);
        break;
    case AlertKind::NoSuccess:
        show(tr("No success"), message, 0);
        break;
    case AlertKind::Slow:
        show(tr("Job slow"), message, alert.runId);
        break;
    default:
        show(tr("Job %1").arg(alert.outcome), message, alert.runId);
        break;
    }
}

void TrayNotifier::setGlance(const QString &text, bool needsAttention)
{
    m_glance = text;
    if (!m_tray)
        return;
    m_tray->setToolTip(tr("Job Console: %1").arg(text));
    m_tray->setIcon(needsAttention ? qApp->style()->standardIcon(QStyle::SP_MessageBoxWarning)
                                   : m_icon);
}

void TrayNotifier::inform(const QString &title, const QString &message)
{
    show(title, message, 0, false);
}

void TrayNotifier::show(const QString &title, const QString &message, qint64 runId, bool warning)
{
    m_lastMessage = message;
    m_lastRunId = runId;
    if (m_tray)
        m_tray->showMessage(title, message,
                            warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
    emit notified(title, message);
}

} // namespace jc

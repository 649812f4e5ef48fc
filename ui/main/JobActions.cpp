#include "main/JobActions.h"

#include "models/JobOverview.h"

#include <QAction>
#include <QMenu>
#include <QToolBar>

namespace jc {

namespace {

// Ours from resources/icons: SVG, sharp at any DPI, and the same on every desktop.
QIcon icon(QStringView name)
{
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(name));
}

} // namespace

JobActions::JobActions(bool runsJobsHere, QObject *parent)
    : QObject(parent)
    , m_runsJobsHere(runsJobsHere)
    , m_runNow(make(tr("&Run now…"), QKeySequence(tr("Ctrl+R")),
                    tr("Run the selected job now, outside its schedule")))
    , m_backfill(make(tr("Run for a past &occurrence…"), QKeySequence(tr("Ctrl+Shift+R")),
                      tr("Run the selected job as one of its past occurrences (a backfill)")))
    , m_pause(make(tr("&Pause…"), QKeySequence(tr("Ctrl+P")),
                   tr("Pause the selected jobs on every instance")))
    , m_resume(make(tr("Res&ume"), QKeySequence(tr("Ctrl+U")),
                    tr("Resume the selected jobs on every instance")))
    , m_cancel(make(tr("&Cancel run…"), QKeySequence(tr("Ctrl+K")),
                    tr("Cancel the selected job's running run, here or in another instance")))
    , m_preview(make(tr("Preview &schedule…"), QKeySequence(tr("Ctrl+D")),
                     tr("Show the selected job's next 10 occurrences")))
{
    m_runNow->setObjectName(QStringLiteral("runNowAction"));
    m_backfill->setObjectName(QStringLiteral("backfillAction"));
    m_pause->setObjectName(QStringLiteral("pauseAction"));
    m_resume->setObjectName(QStringLiteral("resumeAction"));
    m_cancel->setObjectName(QStringLiteral("cancelAction"));
    m_preview->setObjectName(QStringLiteral("previewAction"));
    m_runNow->setIcon(icon(u"run"));
    m_backfill->setIcon(icon(u"run"));
    m_pause->setIcon(icon(u"pause"));
    m_resume->setIcon(icon(u"resume"));
    m_cancel->setIcon(icon(u"cancel"));
    m_preview->setIcon(icon(u"preview"));
    update({}, nullptr, {}); // nothing selected: no instant needed
}

QAction *JobActions::make(const QString &text, const QKeySequence &shortcut, const QString &tip)
{
    auto *action = new QAction(text, this);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WindowShortcut);
    action->setStatusTip(tip);
    action->setToolTip(tip);
    action->setData(tip); // the tooltip to restore when it is enabled again
    return action;
}

void JobActions::addTo(QToolBar *toolBar) const
{
    toolBar->addActions({m_runNow, m_pause, m_resume, m_cancel, m_preview});
}

void JobActions::addTo(QMenu *menu) const
{
    menu->addAction(m_runNow);
    menu->addAction(m_backfill);
    menu->addSeparator();
    menu->addAction(m_pause);
    menu->addAction(m_resume);
    menu->addAction(m_cancel);
    menu->addSeparator();
    menu->addAction(m_preview);
}

void JobActions::setEnabled(QAction *action, bool enabled, const QString &tip,
                            const QString &whyNot)
{
    action->setEnabled(enabled);
    const QString text = enabled || whyNot.isEmpty() ? tip : tip + QStringLiteral(" — ") + whyNot;
    action->setToolTip(text);
    action->setStatusTip(text);
}

void JobActions::update(const QList<const JobOverview *> &selected, const JobOverview *current,
                        const QDateTime &now)
{
    const QString none = tr("select a job first");
    const bool single = current != nullptr;
    bool anyPaused = false;
    bool anyUnpaused = false;
    for (const JobOverview *job : selected) {
        const bool paused = job->pause && job->pause->isActiveAt(now.toMSecsSinceEpoch());
        anyPaused = anyPaused || paused;
        anyUnpaused = anyUnpaused || !paused;
    }

    QString whyNotRun = none;
    if (!m_runsJobsHere)
        whyNotRun = tr("this console only watches (it runs no jobs); use a console that runs "
                       "jobs, or `jobctl run`");
    // A read-only database refuses every write: said first, whatever else holds.
    const bool writable = m_readOnly.isEmpty();
    const auto why = [&](const QString &otherwise) { return writable ? otherwise : m_readOnly; };
    setEnabled(m_runNow, writable && single && m_runsJobsHere, m_runNow->data().toString(),
               why(whyNotRun));
    const bool hasOccurrences = single && current->schedule.isValid();
    setEnabled(
        m_backfill, writable && single && m_runsJobsHere && hasOccurrences,
        m_backfill->data().toString(),
        why(single && m_runsJobsHere && !hasOccurrences ? tr("it has no schedule") : whyNotRun));
    setEnabled(m_pause, writable && anyUnpaused, m_pause->data().toString(),
               why(selected.isEmpty() ? none : tr("already paused")));
    setEnabled(m_resume, writable && anyPaused, m_resume->data().toString(),
               why(selected.isEmpty() ? none : tr("not paused")));
    const bool running = single && current->isRunning();
    setEnabled(m_cancel, writable && running, m_cancel->data().toString(),
               why(single ? tr("it is not running") : none));
    setEnabled(m_preview, single, m_preview->data().toString(), none);
}

} // namespace jc

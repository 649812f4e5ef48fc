#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>

class QAction;
class QMenu;
class QToolBar;

namespace jc {

struct JobOverview;

// The actions on the selected job(s): Run now (Ctrl+R), Run for a past occurrence
// (Ctrl+Shift+R; menus only), Pause (Ctrl+P), Resume (Ctrl+U), Cancel run (Ctrl+K), Preview
// schedule (Ctrl+D). One set of QActions shared
// by the toolbar, the Jobs menu and the table's context menu, so they agree; update() enables
// each by what is selected and its state, and its tooltip says why when it is disabled.
//
// Run now, Run for a past occurrence, Cancel and Preview act on one job (the current one); Pause
// and Resume on every selected job that can take them.
//
// Thread: GUI thread.
class JobActions : public QObject
{
    Q_OBJECT
public:
    explicit JobActions(bool runsJobsHere, QObject *parent = nullptr);

    QAction *runNow() const { return m_runNow; }
    QAction *backfill() const { return m_backfill; }
    QAction *pause() const { return m_pause; }
    QAction *resume() const { return m_resume; }
    QAction *cancel() const { return m_cancel; }
    QAction *preview() const { return m_preview; }
    QList<QAction *> all() const
    {
        return {m_runNow, m_backfill, m_pause, m_resume, m_cancel, m_preview};
    }

    // The toolbar leaves out "Run for a past occurrence", which is rare and long to show.
    void addTo(QToolBar *toolBar) const;
    void addTo(QMenu *menu) const;

    // Why this console may not write to the database (a read-only file, a standby, a
    // SELECT-only role); empty: it may. While set, the actions that write (Run now, Pause,
    // Resume, Cancel) stay disabled and their tooltips say this. Takes effect at the next
    // update().
    void setReadOnly(const QString &why) { m_readOnly = why; }

    // `current` is the job the single-job actions act on (null: none).
    void update(const QList<const JobOverview *> &selected, const JobOverview *current,
                const QDateTime &now);

private:
    QAction *make(const QString &text, const QKeySequence &shortcut, const QString &tip);
    static void setEnabled(QAction *action, bool enabled, const QString &tip,
                           const QString &whyNot);

    bool m_runsJobsHere;
    QString m_readOnly;
    QAction *m_runNow;
    QAction *m_backfill;
    QAction *m_pause;
    QAction *m_resume;
    QAction *m_cancel;
    QAction *m_preview;
};

} // namespace jc

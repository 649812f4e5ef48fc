#pragma once

#include "jobs/JobsAtAGlance.h"

#include <QLabel>
#include <QTimer>

namespace jc {

class JobTableModel;

// The line above the jobs table that answers "is everything fine?" (JobsAtAGlance, from the
// table's own facts): green when all is well, red and bold when a job needs attention.
//
// It reads every row, so it follows the table at most every 100 ms, not once per changed row:
// 50 runs reporting progress are a thousand row changes a second, and reading 200 rows for
// each was most of the console's work. `changed` tells the window (its title, the tray).
//
// Thread: GUI thread.
class GlanceLine : public QLabel
{
    Q_OBJECT
public:
    GlanceLine(const JobTableModel *model, QWidget *parent);

    // Reads the table now (also done, at most every 100 ms, when its rows change).
    void update();

signals:
    // The glance's text or level changed.
    void changed(const jc::JobsAtAGlance &glance);

private:
    const JobTableModel *m_model;
    QTimer m_soon;
    bool m_attention = false;
};

} // namespace jc

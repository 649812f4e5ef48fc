#pragma once

#include "models/PagedRunModel.h"

namespace jc {

// The error log: every failed, timed-out, interrupted, abandoned or missed run across jobs,
// newest first, paged (see PagedRunModel). Columns: started, job, outcome, trigger, error
// (first line; the whole text in the tooltip).
//
// The text search runs in SQL (RunQuery::errorContains: case-insensitive, literal). Each
// setter starts a new query; stale replies of the old one are dropped.
// Thread: GUI thread.
class ErrorLogModel : public PagedRunModel
{
    Q_OBJECT
public:
    enum Column { Start, Job, Outcome, Trigger, Error, ColumnCount };

    explicit ErrorLogModel(DatabaseReader *reader, QObject *parent = nullptr);

    // The outcomes the error log lists.
    static QList<RunOutcome> problemOutcomes();

    // Sets every filter at once and loads the first page: `job` empty for every job, `text`
    // empty for any error, [since, until) invalid for an open bound.
    void setFilter(const QString &job, const QString &text, const QDateTime &since,
                   const QDateTime &until);

protected:
    QStringList titles() const override;
    int outcomeColumn() const override { return Outcome; }
    QVariant display(const StoredRun &run, int column) const override;
    QVariant toolTip(const StoredRun &run, int column) const override;
};

} // namespace jc

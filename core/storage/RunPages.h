#pragma once

#include "storage/RunHistory.h"
#include "storage/SqlDialect.h"
#include "storage/SqlStatement.h"

#include <QString>

namespace jc {

// A statement and the values of its placeholders.
struct RunPageStatement
{
    QString sql;
    SqlStatement::Values values;
};

// The statement behind RunHistory::runs(): one page of runs, newest first, below
// RunQuery::beforeId (keyset paging), in one place so that tst_runhistory can check its plan on
// every dialect.
//
// Without an outcome filter every row can match: the page walks the primary key (or the job's
// index) down from beforeId and stops after `limit` rows.
//
// With one (the error log; the history pane's Problems, Succeeded, Cancelled), one branch per
// outcome, `status = :s … ORDER BY id DESC LIMIT :limit`, each read in order from migration 16's
// index led by that status — (status, id), or (status, job_name, id) for one job — and merged
// by UNION ALL: a page reads at most `limit` matching rows per outcome plus the rows of that
// outcome that the other filters (time range, error text) turn away. A single walk by id, as
// before, tested every run of every outcome: a search no error matched read all of jc_runs
// (a year of history, 1,000,000 runs: 266 ms on SQLite, 973 ms on MariaDB).
class RunPages
{
public:
    // The page `query` asks for (query.limit rows at most, taken as given), selecting
    // `columns`, which must include id.
    static RunPageStatement page(const RunQuery &query, SqlDialect dialect, const QString &columns);
};

} // namespace jc

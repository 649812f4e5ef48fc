#pragma once

#include "storage/RunHistory.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <deque>
#include <functional>

namespace jc {

class DatabaseReader;

// The part the history pane and the error log share: a table of runs, newest first, read
// through a DatabaseReader in keyset pages (RunQuery::beforeId), so that a job with a million
// runs shows its first page at once and the rest as the view scrolls (canFetchMore /
// fetchMore).
//
// Staleness: every setQuery() bumps a ticket; a reply carrying an older ticket is dropped, so
// switching job or filter quickly ends with the last query's rows only.
//
// refresh() re-reads the newest page and merges it in place: new runs are inserted at the
// top, changed rows (a running run that ended) are updated, rows gone from that range (history
// retention) are removed; the rows below it and the selection stay. A refresh asked for while a
// page or another refresh is on its way is not dropped: it runs once that read has answered,
// since the read may have been made before the change that asked for the refresh.
//
// Subclasses give the columns: their titles, each cell's text and tooltip, which column shows
// the outcome (its icon and colour here) and any other role of theirs; every row answers
// RunIdRole and OutcomeRole.
// Thread: GUI thread.
class PagedRunModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { RunIdRole = Qt::UserRole + 1, OutcomeRole };

    explicit PagedRunModel(DatabaseReader *reader, QObject *parent = nullptr);

    // The filter to show; beforeId and limit are the model's. Clears the rows and loads the
    // first page.
    void setQuery(const RunQuery &query);
    const RunQuery &query() const { return m_query; }
    // No query: no rows, nothing read (replies on their way are dropped).
    void clear();
    // Moves the query's lower time bound without starting over: the next pages and refreshes
    // use it; rows already shown stay (for a sliding "last N days" range).
    void slideSince(const QDateTime &since) { m_query.since = since; }
    // Rows per page (default 200).
    void setPageSize(int rows) { m_pageSize = rows; }
    int pageSize() const { return m_pageSize; }

    const StoredRun &runAt(int row) const { return m_runs.at(static_cast<std::size_t>(row)); }
    // Every row read so far, newest first.
    const std::deque<StoredRun> &runs() const { return m_runs; }
    qint64 runIdAt(int row) const;
    // A page or refresh is on its way.
    bool isLoading() const { return m_fetching || m_refreshing; }
    // What the last query reported when it failed; empty after a success.
    const QString &lastError() const { return m_lastError; }
    // The last page has arrived.
    bool isComplete() const { return m_complete; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const final;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const final;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const final;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public slots:
    void refresh();

signals:
    // A page or a refresh arrived (rows may not have changed).
    void loaded();
    // A read failed; `error` says what and why. Also reported to the reader.
    void loadFailed(const QString &error);

protected:
    // The columns' titles, in the order of the subclass's columns.
    virtual QStringList titles() const = 0;
    virtual int outcomeColumn() const = 0;
    virtual QVariant display(const StoredRun &run, int column) const = 0;
    virtual QVariant toolTip(const StoredRun &run, int column) const = 0;
    // A role of the subclass's own (none by default).
    virtual QVariant otherData(const StoredRun &run, int column, int role) const;
    // The outcome the outcome cell's icon and colour show: the row's own by default.
    virtual RunOutcome shownOutcome(const StoredRun &run) const { return run.outcome; }

private:
    using Page = Expected<QList<StoredRun>, QString>;

    void requestPage();
    void appendPage(const QList<StoredRun> &page);
    void mergeNewest(const QList<StoredRun> &page);
    void read(const RunQuery &query, std::function<void(Page)> deliver);
    bool accept(const Page &page);
    void readAnswered();
    const QStringList &columnTitles() const;

    QPointer<DatabaseReader> m_reader;
    RunQuery m_query;
    // A deque, not a QList: scrolled to the end of a million runs the rows never move when
    // the next page goes in (a QList of non-relocatable StoredRun would move every row each
    // time it grows: turns of a second and more at a million rows).
    std::deque<StoredRun> m_runs;
    int m_pageSize = 200;
    quint64 m_ticket = 0;
    bool m_active = false; // setQuery() was called
    bool m_fetching = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false; // refresh() came while a read was on its way
    bool m_fetchFailed = false;
    bool m_complete = false;
    QString m_lastError;
    mutable QStringList m_titles; // titles(), once asked for
};

} // namespace jc

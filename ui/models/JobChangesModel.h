#pragma once

#include "storage/JobSettingsStore.h"

#include <QAbstractTableModel>

namespace jc {

class DatabaseReader;

// The selected job's settings changes (jc_job_changes), newest first: when, who, and what
// changed (JobOverrides::describeChange: "key: before → after" per changed setting). Read off the
// GUI thread through the DatabaseReader; a reply for a job that is no longer selected is dropped.
// The newest `Limit` changes are shown. Thread: GUI thread.
class JobChangesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { When, Who, Change, ColumnCount };
    static constexpr int Limit = 500;

    explicit JobChangesModel(DatabaseReader *reader, QObject *parent = nullptr);

    const QString &job() const { return m_job; }
    const QString &lastError() const { return m_lastError; }
    // True once the selected job's changes have been read.
    bool isLoaded() const { return m_loaded; }
    // Shows `job`'s changes (empty: none) and reads them.
    void setJob(const QString &job);
    // Reads the selected job's changes again.
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void loaded();
    void loadFailed(const QString &error);

private:
    void apply(quint64 ticket, const Expected<QList<JobSettingsChange>, QString> &changes);

    DatabaseReader *m_reader;
    QString m_job;
    QList<JobSettingsChange> m_changes;
    QString m_lastError;
    quint64 m_ticket = 0;
    bool m_loaded = false;
};

} // namespace jc

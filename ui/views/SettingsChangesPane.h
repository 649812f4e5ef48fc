#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace jc {

class DatabaseReader;
class JobChangesModel;

// The selected job's settings history, a tab beside its runs: every change of its schedule,
// policies and settings (from any console or `jobctl set`), who made it and when, newest
// first. A failed read shows as one line above the table until the next read succeeds.
// Thread: GUI thread.
class SettingsChangesPane : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsChangesPane(DatabaseReader *reader, QWidget *parent = nullptr);

    JobChangesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

public slots:
    void setJob(const QString &job);
    void refresh();

private:
    void showState();

    JobChangesModel *m_model;
    QLabel *m_title;
    QLabel *m_message;
    QTableView *m_table;
};

} // namespace jc

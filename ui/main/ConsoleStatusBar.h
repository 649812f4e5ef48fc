#pragma once

#include "storage/DatabaseUrl.h"

#include <QStatusBar>
#include <QStringList>

#include <chrono>

class QLabel;
class QPushButton;

namespace jc {

class DatabaseReader;

// The main window's status bar, permanently showing:
//  - the database: its kind and location, and whether the last read reached it (red with
//    the error in the tooltip when not), with a Reconnect button while it is unreachable;
//  - the scheduler: "running jobs here" or "watching only";
//  - the instances that recorded runs in the last hour;
//  - how changes arrive: "live" (PostgreSQL notifications) or by polling.
// Transient messages (an action's outcome) go through QStatusBar::showMessage(). While one
// shows, the scheduler, instances and updates fields give way (right to left) as far as it
// needs room for MessageRoomChars; what is still too long ends in "…", a gap before the fields,
// and shows whole in the tooltip (QStatusBar itself cut it mid-letter against the database
// field, and at 900 px beside a MariaDB URL left it no room at all).
//
// objectNames for tests: databaseLabel, reconnectButton, schedulerLabel, instancesLabel,
// updatesLabel.
class ConsoleStatusBar : public QStatusBar
{
    Q_OBJECT
public:
    ConsoleStatusBar(DatabaseReader *reader, const QString &databaseText, bool runsJobsHere,
                     QWidget *parent = nullptr);

    // "SQLite /path/to/file.db", "PostgreSQL admin@db.example:5432/jobs" (no password).
    static QString describe(const DatabaseUrl &url);
    // What the label shows of describe()'s text: at most 48 characters, the middle elided.
    static QString shortened(const QString &databaseText);

    void setConnected(bool connected, const QString &error);
    void setInstances(const QStringList &instances);
    // Live: changes are announced by the database; otherwise read every `pollInterval`.
    void setUpdates(bool live, std::chrono::milliseconds pollInterval, const QString &why);
    bool isConnectedShown() const { return m_connected; }
    // Room a transient message gets, in average characters, when it is that long.
    static constexpr int MessageRoomChars = 48;
    // The transient message as drawn: elided to messageRect(); empty when there is none.
    QString shownMessage() const;
    // Where the transient message is drawn: from the left edge to a gap before the first
    // permanent field.
    QRect messageRect() const;

signals:
    void reconnectRequested();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void makeRoomFor(const QString &message);
    // The permanent fields, left to right.
    QList<QWidget *> fields() const;
    void placeFields();

    QString m_databaseText;
    bool m_connected = true;
    QLabel *m_database;
    QPushButton *m_reconnect;
    QLabel *m_scheduler;
    QLabel *m_instances;
    QLabel *m_updates;
};

} // namespace jc

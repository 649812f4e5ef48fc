#pragma once

#include "storage/ConnectionFactory.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <chrono>
#include <memory>

namespace jc {

// Tells when runs, pauses or job settings changed in the database, by any instance or
// program: PostgreSQL LISTEN on the channel `jc_changes`, which migration 5's triggers feed
// with the job's name. What lets a console show another instance's run within moments rather
// than at its next poll.
//
// The listening connection lives on a thread of its own (a QSqlDriver delivers notifications
// on the thread that opened it, through its event loop; the GUI thread must never wait on a
// connect). It is checked every `retryInterval`; a lost one (server restart, terminated
// backend) is reopened and subscribed again, and listeningChanged() says so both ways.
// Changes made while it was down are not replayed: keep polling as well, less often.
//
// SQLite has nothing like it: isAvailable() is false, start() does nothing, poll instead.
//
// Thread: create and use on one thread (the GUI thread); changed() and listeningChanged()
// arrive there.
class ChangeListener : public QObject
{
    Q_OBJECT
public:
    static inline const QString Channel = QStringLiteral("jc_changes");

    explicit ChangeListener(std::shared_ptr<ConnectionFactory> database,
                            std::chrono::milliseconds retryInterval = std::chrono::seconds(5),
                            QObject *parent = nullptr);
    // Stops the listening thread; its connection is closed there.
    ~ChangeListener() override;

    [[nodiscard]] bool isAvailable() const;
    // Starts listening (PostgreSQL only). Idempotent.
    void start();
    [[nodiscard]] bool isListening() const { return m_listening; }
    [[nodiscard]] const QString &lastError() const { return m_lastError; }

signals:
    // Something of `job` changed (empty: unknown which, re-read everything).
    void changed(const QString &job);
    void listeningChanged(bool listening, const QString &error);

private:
    // On the listening thread.
    void check();
    void report(bool listening, const QString &error);

    std::shared_ptr<ConnectionFactory> m_database;
    std::chrono::milliseconds m_retryInterval;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread; owns its timer
    // Listening thread only: the driver whose notifications are connected, and whether a
    // subscription was ever made (a new one after that follows a gap).
    QPointer<QObject> m_driver;
    bool m_subscribedBefore = false;
    bool m_listening = false; // owner's thread
    QString m_lastError;      // owner's thread
};

} // namespace jc

#pragma once

#include "storage/DatabaseUrl.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

namespace jc {

// Where the console keeps database passwords: the system keychain (QtKeychain: Secret
// Service / KWallet, macOS Keychain, Windows Credential Store), one entry per database,
// keyed "user@host:port/database" under the service "jobconsole".
//
// Without a keychain service (QtKeychain says NoBackendAvailable, NotImplemented or
// OtherError — a server, a minimal desktop, the offscreen tests) the vault switches to
// session mode for the rest of the process: it asks the person once per key through the
// AskPassword callback and keeps the answer in memory only. It never writes a password in
// plain text anywhere (QtKeychain's insecure fallback stays off).
//
// Asynchronous, as the keychain is (it may show an unlock prompt): each call hands its result
// to `done` on the GUI thread, unless `context` was destroyed first. Thread: the GUI thread.
class PasswordVault : public QObject
{
    Q_OBJECT
public:
    enum class Backend {
        Unknown,    // not tried yet
        Keychain,   // the system keychain answered
        SessionOnly // no keychain: asked once per session, kept in memory
    };
    Q_ENUM(Backend)

    // Asked for the password of `key` in session mode; nullopt when the person declined.
    using AskPassword = std::function<std::optional<QString>(const QString &key)>;
    // The password (empty: none stored or given) and, when it could not be read, why.
    struct ReadResult
    {
        QString password;
        QString error; // empty on success
    };
    using ReadDone = std::function<void(ReadResult)>;
    // nullopt on success, else why the password could not be stored or removed.
    using WriteDone = std::function<void(std::optional<QString>)>;

    explicit PasswordVault(QString service = QStringLiteral("jobconsole"),
                           QObject *parent = nullptr);

    // "alice@db.example.org:5432/jobs"; an empty user is written as such ("@host:5432/db").
    static QString keyFor(const DatabaseUrl &url);

    void setAskPassword(AskPassword ask) { m_ask = std::move(ask); }
    Backend backend() const { return m_backend; }

    void read(const QString &key, QObject *context, ReadDone done);
    void write(const QString &key, const QString &password, QObject *context, WriteDone done = {});
    void remove(const QString &key, QObject *context, WriteDone done = {});

    // What this session already knows for `key` (read, written or asked), without asking.
    std::optional<QString> sessionPassword(const QString &key) const;

signals:
    // Emitted once, when the vault finds out which backend it has.
    void backendChanged(jc::PasswordVault::Backend backend);

private:
    void setBackend(Backend backend);
    QString askOnce(const QString &key);

    QString m_service;
    AskPassword m_ask;
    Backend m_backend = Backend::Unknown;
    QHash<QString, QString> m_session; // memory only, never written
    QSet<QString> m_asked;
};

} // namespace jc

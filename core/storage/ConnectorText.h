#pragma once

#include "storage/DatabaseUrl.h"

#include <QSqlDatabase>
#include <QString>

#include <algorithm>
#include <initializer_list>

// What the server connectors (PostgresConnector, MySqlConnector) share to read a URL's login
// and options and a client library's error text, and to name a login in their messages.
namespace jc::ConnectorText {

// Whether the URL gives the option `name`.
inline bool hasOption(const DatabaseUrl &url, QLatin1String name,
                      Qt::CaseSensitivity sensitivity = Qt::CaseSensitive)
{
    return std::ranges::any_of(url.options(), [name, sensitivity](const auto &option) {
        return option.first.compare(name, sensitivity) == 0;
    });
}

// The login the URL gives: its host (`noHost` when it names none; empty: the client library's
// default), port, database, and its user and password where it gives them.
inline void setLogin(QSqlDatabase &db, const DatabaseUrl &url, const QString &noHost = {})
{
    if (!url.host().isEmpty() || !noHost.isEmpty())
        db.setHostName(url.host().isEmpty() ? noHost : url.host());
    db.setPort(url.port());
    db.setDatabaseName(url.databaseName());
    if (!url.userName().isEmpty())
        db.setUserName(url.userName());
    if (url.hasPassword())
        db.setPassword(url.password());
}

// The URL's connect options, with the client library's connect timeout option `name` set to
// `seconds` (at least 1) unless the URL gives it.
inline QString optionsWithTimeout(const DatabaseUrl &url, QLatin1String name, qint64 seconds,
                                  Qt::CaseSensitivity sensitivity = Qt::CaseSensitive)
{
    QString connectOptions = url.connectOptions();
    if (!hasOption(url, name, sensitivity))
        connectOptions += (connectOptions.isEmpty() ? QString() : QStringLiteral(";")) + name +
                          QStringLiteral("=%1").arg(std::max<qint64>(1, seconds));
    return connectOptions;
}

// Whether `text` contains any of `needles`, in any case.
inline bool containsAny(const QString &text, std::initializer_list<const char *> needles)
{
    return std::ranges::any_of(needles, [&text](const char *needle) {
        return text.contains(QLatin1String(needle), Qt::CaseInsensitive);
    });
}

// "db.example.org port 5432": the server as messages name it; `noHost` when the URL gives
// none (what the client library connects to then).
inline QString serverName(const DatabaseUrl &url, const QString &noHost)
{
    return QStringLiteral("%1 port %2")
        .arg(url.host().isEmpty() ? noHost : url.host())
        .arg(url.port());
}

// The URL's user, or what the client library uses without one.
inline QString userName(const DatabaseUrl &url)
{
    return url.userName().isEmpty() ? QStringLiteral("(the OS user)") : url.userName();
}

} // namespace jc::ConnectorText

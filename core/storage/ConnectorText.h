#pragma once

#include "storage/DatabaseUrl.h"

#include <QString>

#include <algorithm>
#include <initializer_list>

// What the server connectors (PostgresConnector, MySqlConnector) share to read a URL's options
// and a client library's error text, and to name a login in their messages.
namespace jc::ConnectorText {

// Whether the URL gives the option `name`.
inline bool hasOption(const DatabaseUrl &url, QLatin1String name,
                      Qt::CaseSensitivity sensitivity = Qt::CaseSensitive)
{
    return std::ranges::any_of(url.options(), [name, sensitivity](const auto &option) {
        return option.first.compare(name, sensitivity) == 0;
    });
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

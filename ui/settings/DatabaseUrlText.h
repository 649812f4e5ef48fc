#pragma once

#include "storage/DatabaseUrl.h"

#include <QString>

namespace jc {

// Writes a DatabaseUrl back as the text DatabaseUrl::parse() reads, so the console can keep
// it in its settings and rebuild it from the settings dialog's fields.
//
// The password is left out unless asked for: the settings file never holds it (it lives in
// the PasswordVault), and only a connection about to be opened gets it (Password::Include).
// A `password` connect option is dropped with it.
class DatabaseUrlText
{
public:
    enum class Password { Omit, Include };

    static QString format(const DatabaseUrl &url, Password password = Password::Omit);

    // One part of a URL (user, database name, option name or value), percent-encoded.
    static QString encodePart(const QString &part);

    // "mysql://" or "postgresql://": what the console writes for a server of `dialect`.
    static QString scheme(SqlDialect dialect);

    // `url` with `password` set (empty: no password), for opening a connection.
    static Expected<DatabaseUrl, QString> withPassword(const DatabaseUrl &url,
                                                       const QString &password);
};

} // namespace jc

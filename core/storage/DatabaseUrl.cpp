#include "storage/DatabaseUrl.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace jc {

namespace {

const QString Mask = QStringLiteral("****");

QString invalid(const QString &problem)
{
    return problem + u' ' + DatabaseUrl::acceptedForms();
}

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

// Percent-decodes `text` as UTF-8; nullopt when a '%' is not followed by two hex digits
// (QUrl would pass such text through silently, and a wrong password is a poor error).
std::optional<QString> percentDecoded(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != u'%')
            continue;
        if (i + 2 >= text.size() || !isHexDigit(text[i + 1]) || !isHexDigit(text[i + 2]))
            return std::nullopt;
    }
    return QUrl::fromPercentEncoding(text.toUtf8());
}

QString badEncoding(const QString &part)
{
    return invalid(QStringLiteral("The PostgreSQL URL has a malformed %1: a '%' must be followed "
                                  "by two hex digits (write a literal % as %25).")
                       .arg(part));
}

// `[user[:password]@]` in front of the host: returns the rest, fills user and password.
std::optional<QString> splitUserInfo(QStringView authority, QStringView *hostPort, QString *user,
                                     QString *password, bool *hasPassword)
{
    const qsizetype at = authority.lastIndexOf(u'@');
    *hostPort = at < 0 ? authority : authority.mid(at + 1);
    if (at < 0)
        return std::nullopt;
    const QStringView userInfo = authority.left(at);
    const qsizetype colon = userInfo.indexOf(u':');
    const auto decodedUser = percentDecoded(colon < 0 ? userInfo : userInfo.left(colon));
    if (!decodedUser)
        return badEncoding(QStringLiteral("user name"));
    *user = *decodedUser;
    if (colon >= 0) {
        const auto decodedPassword = percentDecoded(userInfo.mid(colon + 1));
        if (!decodedPassword)
            return badEncoding(QStringLiteral("password"));
        *password = *decodedPassword;
        *hasPassword = true;
    }
    return std::nullopt;
}

std::optional<QString> parsePort(QStringView text, int *port)
{
    bool ok = !text.isEmpty();
    for (QChar c : text)
        ok = ok && c.isDigit();
    const int value = ok ? text.toInt(&ok) : 0;
    if (!ok || value < 1 || value > 65535) {
        return invalid(QStringLiteral("The PostgreSQL URL has an invalid port \"%1\": use a "
                                      "number from 1 to 65535.")
                           .arg(text.toString()));
    }
    *port = value;
    return std::nullopt;
}

// `host[:port]` or `[ipv6][:port]`.
std::optional<QString> splitHostPort(QStringView hostPort, QString *host, int *port)
{
    QStringView portText;
    if (hostPort.startsWith(u'[')) {
        const qsizetype close = hostPort.indexOf(u']');
        if (close < 0) {
            return invalid(QStringLiteral("The PostgreSQL URL has a '[' without a ']' in the "
                                          "host (an IPv6 address is written [::1])."));
        }
        *host = hostPort.mid(1, close - 1).toString();
        const QStringView after = hostPort.mid(close + 1);
        if (!after.isEmpty() && !after.startsWith(u':'))
            return invalid(QStringLiteral("The PostgreSQL URL has text after the IPv6 address."));
        portText = after.mid(1);
        if (after.isEmpty())
            return std::nullopt;
    } else {
        const qsizetype colon = hostPort.lastIndexOf(u':');
        *host = (colon < 0 ? hostPort : hostPort.left(colon)).toString();
        if (colon < 0)
            return std::nullopt;
        portText = hostPort.mid(colon + 1);
    }
    return parsePort(portText, port);
}

std::optional<QString> parseOptions(QStringView query, QList<DatabaseUrl::Option> *options)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    for (QStringView item : query.split(u'&', Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(u'=');
        const QString key = (eq < 0 ? item : item.left(eq)).toString();
        if (eq < 0 || !name.match(key).hasMatch()) {
            return invalid(QStringLiteral("The URL has a malformed option \"%1\": "
                                          "write options as name=value after '?', joined by "
                                          "'&'.")
                               .arg(key));
        }
        const auto value = percentDecoded(item.mid(eq + 1));
        if (!value)
            return badEncoding(QStringLiteral("value for option %1").arg(key));
        if (value->contains(u';')) {
            return invalid(QStringLiteral("The PostgreSQL URL's option %1 contains ';', which "
                                          "Qt's PostgreSQL driver cannot pass on.")
                               .arg(key));
        }
        options->append({key, *value});
    }
    return std::nullopt;
}

QString expandHome(const QString &path)
{
    if (path == u'~')
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

// A libpq conninfo value: quoted when it holds spaces, quotes or backslashes, or is empty.
QString conninfoValue(const QString &value)
{
    static const QRegularExpression plain(QStringLiteral("^[^\\s'\\\\]+$"));
    if (plain.match(value).hasMatch())
        return value;
    QString escaped = value;
    escaped.replace(u'\\', QLatin1String("\\\\")).replace(u'\'', QLatin1String("\\'"));
    return u'\'' + escaped + u'\'';
}

} // namespace

QString DatabaseUrl::acceptedForms()
{
    return QStringLiteral("Accepted forms: sqlite:/path/to/file.db, sqlite:relative.db, a plain "
                          "file path, postgresql://user:password@host:port/dbname?option=value "
                          "(postgres:// also works; user, password and port are optional), "
                          "mysql://user:password@host:port/dbname (or mariadb://), or "
                          "nothing for the default SQLite file.");
}

Expected<DatabaseUrl, QString> DatabaseUrl::parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return defaultLocation();
    static const QRegularExpression schemePattern(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*):"));
    const QRegularExpressionMatch match = schemePattern.match(trimmed);
    if (!match.hasMatch())
        return parseSqlite(trimmed);
    const QString scheme = match.captured(1).toLower();
    const QStringView rest = QStringView(trimmed).mid(match.capturedLength(0));
    if (scheme == QLatin1String("sqlite"))
        return parseSqlite(rest.toString());
    if (scheme == QLatin1String("postgresql") || scheme == QLatin1String("postgres")) {
        if (!rest.startsWith(QLatin1String("//"))) {
            return Unexpected(
                invalid(QStringLiteral("A PostgreSQL URL starts with postgresql:// (two "
                                       "slashes).")));
        }
        return parseServer(rest.mid(2), SqlDialect::Postgres);
    }
    if (scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb")) {
        if (!rest.startsWith(QLatin1String("//"))) {
            return Unexpected(invalid(QStringLiteral("A MySQL/MariaDB URL starts with mysql:// or "
                                                     "mariadb:// (two slashes).")));
        }
        return parseServer(rest.mid(2), SqlDialect::MySql);
    }
    return Unexpected(
        invalid(QStringLiteral("Unknown database type \"%1:\" (to use a file whose name "
                               "contains ':', write sqlite:%1:...).")
                    .arg(match.captured(1))));
}

Expected<DatabaseUrl, QString> DatabaseUrl::parseSqlite(const QString &path)
{
    QString file = path;
    if (file.startsWith(QLatin1String("//"))) {
        if (!file.startsWith(QLatin1String("///"))) {
            return Unexpected(
                invalid(QStringLiteral("A sqlite: URL with slashes needs three of them before "
                                       "an absolute path (sqlite:///var/lib/x.db).")));
        }
        file = file.mid(2);
    }
    if (file.isEmpty())
        return Unexpected(invalid(QStringLiteral("The sqlite: URL names no file.")));
    if (file == QLatin1String(":memory:") || file.startsWith(QLatin1String("file:"))) {
        return Unexpected(
            invalid(QStringLiteral("In-memory and URI SQLite databases are not supported: "
                                   "each thread has its own connection and would see its "
                                   "own database. Use a file.")));
    }
    return sqliteFile(expandHome(file));
}

Expected<DatabaseUrl, QString> DatabaseUrl::parseServer(QStringView rest, SqlDialect dialect)
{
    const QString kind = displayName(dialect);
    if (rest.contains(u'#')) {
        return Unexpected(
            invalid(QStringLiteral("The %1 URL contains '#': percent-encode it as %23 "
                                   "(in a password, for example).")
                        .arg(kind)));
    }
    DatabaseUrl url;
    url.m_dialect = dialect;
    url.m_port = dialect == SqlDialect::MySql ? DefaultMySqlPort : DefaultPostgresPort;
    const qsizetype question = rest.indexOf(u'?');
    const QStringView beforeQuery = question < 0 ? rest : rest.left(question);
    if (question >= 0) {
        if (auto error = parseOptions(rest.mid(question + 1), &url.m_options))
            return Unexpected(*error);
    }
    const qsizetype slash = beforeQuery.indexOf(u'/');
    const QStringView authority = slash < 0 ? beforeQuery : beforeQuery.left(slash);
    QStringView hostPort;
    if (auto error = splitUserInfo(authority, &hostPort, &url.m_userName, &url.m_password,
                                   &url.m_hasPassword))
        return Unexpected(*error);
    if (auto error = splitHostPort(hostPort, &url.m_host, &url.m_port))
        return Unexpected(*error);
    const auto database = percentDecoded(slash < 0 ? QStringView() : beforeQuery.mid(slash + 1));
    if (!database)
        return Unexpected(badEncoding(QStringLiteral("database name")));
    if (database->isEmpty() || database->contains(u'/')) {
        return Unexpected(invalid(QStringLiteral("The %1 URL names no database: end it with "
                                                 "/dbname after the host and port.")
                                      .arg(kind)));
    }
    url.m_databaseName = *database;
    return url;
}

DatabaseUrl DatabaseUrl::defaultLocation()
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (folder.isEmpty())
        folder = QDir::currentPath();
    DatabaseUrl url = sqliteFile(folder + QLatin1String("/jobconsole.db"));
    url.m_isDefaultLocation = true;
    return url;
}

DatabaseUrl DatabaseUrl::sqliteFile(const QString &path)
{
    DatabaseUrl url;
    url.m_filePath = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    return url;
}

QString DatabaseUrl::connectOptions() const
{
    QStringList parts;
    for (const auto &[name, value] : m_options) {
        // QMYSQL takes NAME=value (or a bare NAME for a flag) and no quoting.
        if (m_dialect == SqlDialect::MySql)
            parts.append(value.isEmpty() ? name : name + u'=' + value);
        else
            parts.append(name + u'=' + conninfoValue(value));
    }
    return parts.join(u';');
}

DatabaseUrl DatabaseUrl::withDatabaseName(const QString &databaseName) const
{
    DatabaseUrl url = *this;
    url.m_databaseName = databaseName;
    return url;
}

DatabaseUrl DatabaseUrl::withPassword(const QString &password) const
{
    DatabaseUrl url = *this;
    url.m_password = password;
    return url;
}

QString DatabaseUrl::toDisplayString() const
{
    if (m_dialect == SqlDialect::Sqlite)
        return QLatin1String("sqlite:") + m_filePath;
    QString text = m_dialect == SqlDialect::MySql ? QStringLiteral("mysql://")
                                                  : QStringLiteral("postgresql://");
    if (!m_userName.isEmpty() || hasPassword())
        text += m_userName + (hasPassword() ? u':' + Mask : QString()) + u'@';
    text += m_host.contains(u':') ? u'[' + m_host + u']' : m_host;
    text += u':' + QString::number(m_port) + u'/' + m_databaseName;
    QStringList options;
    for (const auto &[name, value] : m_options)
        options.append(
            name + u'=' +
            (name.compare(QLatin1String("password"), Qt::CaseInsensitive) == 0 ? Mask : value));
    if (!options.isEmpty())
        text += u'?' + options.join(u'&');
    return text;
}

} // namespace jc

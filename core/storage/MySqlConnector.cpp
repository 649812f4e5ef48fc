#include "storage/MySqlConnector.h"

#include "storage/ConnectorText.h"
#include "storage/SqlErrors.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace jc {

using ConnectorText::containsAny;
using ConnectorText::userName;

namespace {

QString mysqlServerName(const DatabaseUrl &url)
{
    return ConnectorText::serverName(url, QStringLiteral("localhost"));
}

} // namespace

QString MySqlConnector::optionFilePassword(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    bool inClient = false;
    QString password;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.startsWith(u'[')) {
            inClient = line == QLatin1String("[client]");
            continue;
        }
        const qsizetype equals = line.indexOf(u'=');
        if (!inClient || equals < 0 || line.left(equals).trimmed() != QLatin1String("password"))
            continue;
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && (value.front() == u'"' || value.front() == u'\'') &&
            value.back() == value.front())
            value = value.mid(1, value.size() - 2);
        password = value; // the last one counts, as for the client
    }
    return password;
}

void MySqlConnector::configure(QSqlDatabase &db, const DatabaseUrl &url,
                               const ConnectionOptions &options) const
{
    ConnectorText::setLogin(db, url, QStringLiteral("localhost"));
    if (!url.hasPassword() && qEnvironmentVariableIsEmpty("MYSQL_PWD")) // else the library's
        db.setPassword(optionFilePassword(QDir::home().filePath(QStringLiteral(".my.cnf"))));
    // The PostgreSQL setting is the connect timeout of every server database.
    db.setConnectOptions(ConnectorText::optionsWithTimeout(
        url, QLatin1String("MYSQL_OPT_CONNECT_TIMEOUT"), options.postgresConnectTimeout.count(),
        Qt::CaseInsensitive));
}

std::optional<QString> MySqlConnector::setUp(QSqlDatabase &db, const DatabaseUrl &url,
                                             const ConnectionOptions &options) const
{
    QStringList statements{
        QStringLiteral("SET NAMES utf8mb4"),
        QStringLiteral("SET time_zone = '+00:00'"),
        QStringLiteral("SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, "
                       "'STRICT_TRANS_TABLES', 'NO_ZERO_DATE', 'NO_ZERO_IN_DATE', "
                       "'ERROR_FOR_DIVISION_BY_ZERO', 'ANSI_QUOTES', 'PIPES_AS_CONCAT')"),
        // Given `status = ? AND job_name = ? ORDER BY id DESC LIMIT n` and the indexes
        // (status, id) and (status, job_name, id), MariaDB 10.11 intersects the two and sorts
        // every row of that status and job (480 ms on a year of history) instead of reading
        // the second in order (under 5 ms). An intersection never helps the scheduler's reads.
        QStringLiteral("SET SESSION optimizer_switch = 'index_merge_intersection=off'"),
    };
    if (options.mysqlLockWaitTimeout.count() > 0)
        statements.append(QStringLiteral("SET SESSION innodb_lock_wait_timeout = %1")
                              .arg(options.mysqlLockWaitTimeout.count()));
    // A reader's session refuses every write, so that nothing it runs can change the database.
    if (options.readOnly)
        statements.append(QStringLiteral("SET SESSION TRANSACTION READ ONLY"));
    QSqlQuery query(db);
    if (query.exec(QStringLiteral("SELECT VERSION()")) && query.next()) {
        if (auto old = versionProblem(query.value(0).toString()))
            return QStringLiteral("MySQL/MariaDB at %1 %2").arg(mysqlServerName(url), *old);
    }
    for (const QString &statement : std::as_const(statements)) {
        if (!query.exec(statement))
            return QStringLiteral("MySQL/MariaDB at %1 refused the session setting \"%2\": %3")
                .arg(mysqlServerName(url), statement, SqlErrors::text(query.lastError()));
    }
    return std::nullopt;
}

std::optional<QString> MySqlConnector::versionProblem(const QString &version)
{
    static const QRegularExpression numbers(QStringLiteral("^(\\d+)\\.(\\d+)"));
    // MariaDB once announced itself as "5.5.5-10.x" to old clients: the real version follows.
    const QString real = version.startsWith(QLatin1String("5.5.5-")) ? version.mid(6) : version;
    const auto found = numbers.match(real);
    if (!found.hasMatch())
        return std::nullopt; // not a form we know: let the statements speak
    const bool mariadb = version.contains(QLatin1String("mariadb"), Qt::CaseInsensitive);
    const int major = found.captured(1).toInt();
    const int minor = found.captured(2).toInt();
    const bool tooOld = mariadb ? (major < 10 || (major == 10 && minor < 5)) : major < 8;
    if (!tooOld)
        return std::nullopt;
    return QStringLiteral("runs %1 %2; Job Console needs MySQL 8.0 or MariaDB 10.5 or later "
                          "(window functions, locking reads into a work table). Upgrade the "
                          "server, or use SQLite or PostgreSQL.")
        .arg(mariadb ? QStringLiteral("MariaDB") : QStringLiteral("MySQL"), version);
}

QString MySqlConnector::openFailed(const DatabaseUrl &url, const QSqlError &error) const
{
    const QString detail = SqlErrors::text(error);
    // A user without rights on a database is not told whether it exists (error 1044).
    if (containsAny(detail, {"Access denied"}) && containsAny(detail, {"to database"})) {
        return QStringLiteral("MySQL/MariaDB at %1 does not let user %2 use the database \"%3\" "
                              "(%4): it does not exist or the user has no grant on it. Create it "
                              "(CREATE DATABASE %3) and grant it to the user (GRANT ALL ON %3.* "
                              "TO ...), or fix the name in the URL.")
            .arg(mysqlServerName(url), userName(url), url.databaseName(), detail);
    }
    if (containsAny(detail, {"Access denied"})) {
        return QStringLiteral("MySQL/MariaDB at %1 refused the login of user %2 (%3): check the "
                              "user and password in the URL, MYSQL_PWD or ~/.my.cnf, and the "
                              "user's grants for this host.")
            .arg(mysqlServerName(url), userName(url), detail);
    }
    if (containsAny(detail, {"Unknown database"})) {
        return QStringLiteral("MySQL/MariaDB at %1 has no database \"%2\" (%3): create it "
                              "(CREATE DATABASE) or fix the name in the URL.")
            .arg(mysqlServerName(url), url.databaseName(), detail);
    }
    if (containsAny(detail, {"Can't connect", "Lost connection", "Unknown server host",
                             "Connection refused", "timed out"})) {
        return QStringLiteral("MySQL/MariaDB at %1 cannot be reached (%2): check that the server "
                              "runs and accepts connections there, and the host and port in "
                              "the URL.")
            .arg(mysqlServerName(url), detail);
    }
    return QStringLiteral("Could not connect to MySQL/MariaDB at %1 as %2: %3")
        .arg(mysqlServerName(url), userName(url), detail);
}

} // namespace jc

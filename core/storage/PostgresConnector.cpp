#include "storage/PostgresConnector.h"

#include "storage/ConnectorText.h"
#include "storage/SqlErrors.h"

#include <QSqlError>
#include <QSqlQuery>

namespace jc {

using ConnectorText::containsAny;
using ConnectorText::hasOption;
using ConnectorText::userName;

namespace {

QString postgresServerName(const DatabaseUrl &url)
{
    return ConnectorText::serverName(url, QStringLiteral("the local socket"));
}

} // namespace

void PostgresConnector::configure(QSqlDatabase &db, const DatabaseUrl &url,
                                  const ConnectionOptions &options) const
{
    ConnectorText::setLogin(db, url);
    QString connectOptions = ConnectorText::optionsWithTimeout(
        url, QLatin1String("connect_timeout"), options.postgresConnectTimeout.count());
    if (!hasOption(url, QLatin1String("application_name")))
        connectOptions += QStringLiteral(";application_name=jobconsole");
    // A reader's session refuses every write, so that nothing it runs can change the
    // database (libpq's `options` passes the setting to the server at connect).
    if (options.readOnly && !hasOption(url, QLatin1String("options")))
        connectOptions += QStringLiteral(";options='-c default_transaction_read_only=on'");
    db.setConnectOptions(connectOptions);
}

bool PostgresConnector::isAlive(QSqlDatabase &db)
{
    QSqlQuery probe(db);
    return probe.exec(QStringLiteral("SELECT 1"));
}

QString PostgresConnector::openFailed(const DatabaseUrl &url, const QSqlError &error) const
{
    const QString detail = SqlErrors::text(error);
    if (containsAny(detail, {"password authentication failed", "no password supplied",
                             "authentication failed", "pg_hba.conf", "role \""})) {
        return QStringLiteral("PostgreSQL at %1 refused the login of user %2 (%3): check the user "
                              "and password in the URL, PGPASSWORD or ~/.pgpass, and the "
                              "server's pg_hba.conf.")
            .arg(postgresServerName(url), userName(url), detail);
    }
    if (containsAny(detail, {"database \""}) && containsAny(detail, {"does not exist"})) {
        return QStringLiteral("The database \"%1\" does not exist on PostgreSQL at %2: create it "
                              "(createdb %1) or fix the name in the URL. (%3)")
            .arg(url.databaseName(), postgresServerName(url), detail);
    }
    if (containsAny(detail, {"ssl", "certificate"})) {
        return QStringLiteral("The SSL connection to PostgreSQL at %1 failed (%2): check the "
                              "sslmode and certificate options in the URL.")
            .arg(postgresServerName(url), detail);
    }
    if (containsAny(detail, {"connection refused", "could not translate host name", "timeout",
                             "no route to host", "network is unreachable", "could not connect",
                             "is the server running", "connection to server"})) {
        return QStringLiteral("PostgreSQL at %1 is unreachable (%2): check that the server is "
                              "running, that host and port in the URL are right, and that no "
                              "firewall is in the way.")
            .arg(postgresServerName(url), detail);
    }
    return QStringLiteral("Cannot connect to PostgreSQL at %1: %2.")
        .arg(postgresServerName(url), detail);
}

} // namespace jc

#include "storage/DatabaseUrl.h"

#include <QDir>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using jc::DatabaseUrl;
using jc::SqlDialect;

namespace {

QStringList optionTexts(const DatabaseUrl &url)
{
    QStringList texts;
    for (const auto &[name, value] : url.options())
        texts.append(name + u'=' + value);
    return texts;
}

} // namespace

class tst_DatabaseUrl : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sqliteForms_data();
    void sqliteForms();
    void postgresForms_data();
    void postgresForms();
    void mysqlForms_data();
    void mysqlForms();
    void emptyMeansDefaultLocation();
    void malformed_data();
    void malformed();
    void passwordOptionIsMasked();
    void connectOptionsQuoteValues();
    void withDatabaseNameKeepsTheRest();
};

void tst_DatabaseUrl::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void tst_DatabaseUrl::sqliteForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("filePath");

    const QString cwd = QDir::currentPath();
    QTest::newRow("sqlite: absolute") << u"sqlite:/var/lib/jc/app.db"_s << u"/var/lib/jc/app.db"_s;
    QTest::newRow("sqlite: three slashes") << u"sqlite:///var/app.db"_s << u"/var/app.db"_s;
    QTest::newRow("sqlite: relative") << u"sqlite:relative.db"_s << cwd + u"/relative.db"_s;
    QTest::newRow("sqlite: relative in folder")
        << u"sqlite:data/app.db"_s << cwd + u"/data/app.db"_s;
    QTest::newRow("sqlite: home") << u"sqlite:~/app.db"_s << QDir::homePath() + u"/app.db"_s;
    QTest::newRow("scheme in capitals") << u"SQLite:/x/app.db"_s << u"/x/app.db"_s;
    QTest::newRow("plain absolute path") << u"/tmp/app.db"_s << u"/tmp/app.db"_s;
    QTest::newRow("plain relative path") << u"app.db"_s << cwd + u"/app.db"_s;
    QTest::newRow("plain path, spaces around") << u"  /tmp/my app.db \n"_s << u"/tmp/my app.db"_s;
    QTest::newRow("dot-dot is resolved") << u"sqlite:/a/b/../c.db"_s << u"/a/c.db"_s;
    QTest::newRow("colon later in a path") << u"/tmp/a:b.db"_s << u"/tmp/a:b.db"_s;
}

void tst_DatabaseUrl::sqliteForms()
{
    QFETCH(QString, text);
    QFETCH(QString, filePath);

    const auto url = DatabaseUrl::parse(text);
    QVERIFY2(url, qPrintable(url ? QString() : url.error()));
    QVERIFY(url->dialect() == SqlDialect::Sqlite);
    QCOMPARE(url->filePath(), filePath);
    QVERIFY(!url->isDefaultLocation());
    QCOMPARE(url->toDisplayString(), u"sqlite:"_s + filePath);
    // What is displayed parses back to the same database.
    QVERIFY(DatabaseUrl::parse(url->toDisplayString()).value() == *url);
}

void tst_DatabaseUrl::postgresForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("hasPassword");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("display");

    QTest::newRow("everything") << u"postgresql://admin:s3cret@db.example.org:5433/app"_s
                                << u"db.example.org"_s << 5433 << u"app"_s << u"admin"_s << true
                                << u"s3cret"_s << QStringList()
                                << u"postgresql://admin:****@db.example.org:5433/app"_s;
    QTest::newRow("postgres:// alias")
        << u"postgres://admin:s3cret@db:5432/app"_s << u"db"_s << 5432 << u"app"_s << u"admin"_s
        << true << u"s3cret"_s << QStringList() << u"postgresql://admin:****@db:5432/app"_s;
    QTest::newRow("scheme in capitals")
        << u"PostgreSQL://admin@db/app"_s << u"db"_s << 5432 << u"app"_s << u"admin"_s << false
        << u""_s << QStringList() << u"postgresql://admin@db:5432/app"_s;
    QTest::newRow("no password: PGPASSWORD or ~/.pgpass")
        << u"postgresql://admin@db:6000/app"_s << u"db"_s << 6000 << u"app"_s << u"admin"_s << false
        << u""_s << QStringList() << u"postgresql://admin@db:6000/app"_s;
    QTest::newRow("empty password")
        << u"postgresql://admin:@db/app"_s << u"db"_s << 5432 << u"app"_s << u"admin"_s << true
        << u""_s << QStringList() << u"postgresql://admin:****@db:5432/app"_s;
    QTest::newRow("no user: the OS user")
        << u"postgresql://db/app"_s << u"db"_s << 5432 << u"app"_s << u""_s << false << u""_s
        << QStringList() << u"postgresql://db:5432/app"_s;
    QTest::newRow("no host: the local socket")
        << u"postgresql:///app"_s << u""_s << 5432 << u"app"_s << u""_s << false << u""_s
        << QStringList() << u"postgresql://:5432/app"_s;
    QTest::newRow("percent-decoding")
        << u"postgresql://us%40er:p%40ss%3Aw%2Fd%25@db/my%20app"_s << u"db"_s << 5432 << u"my app"_s
        << u"us@er"_s << true << u"p@ss:w/d%"_s << QStringList()
        << u"postgresql://us@er:****@db:5432/my app"_s;
    QTest::newRow("unencoded @ in password")
        << u"postgresql://admin:p@ss@db/app"_s << u"db"_s << 5432 << u"app"_s << u"admin"_s << true
        << u"p@ss"_s << QStringList() << u"postgresql://admin:****@db:5432/app"_s;
    QTest::newRow("UTF-8 password")
        << u"postgresql://admin:%C3%A9t%C3%A9@db/app"_s << u"db"_s << 5432 << u"app"_s << u"admin"_s
        << true << u"\u00e9t\u00e9"_s << QStringList() << u"postgresql://admin:****@db:5432/app"_s;
    QTest::newRow("IPv6 host with port")
        << u"postgresql://admin@[::1]:5433/app"_s << u"::1"_s << 5433 << u"app"_s << u"admin"_s
        << false << u""_s << QStringList() << u"postgresql://admin@[::1]:5433/app"_s;
    QTest::newRow("IPv6 host without port")
        << u"postgresql://[fe80::1]/app"_s << u"fe80::1"_s << 5432 << u"app"_s << u""_s << false
        << u""_s << QStringList() << u"postgresql://[fe80::1]:5432/app"_s;
    QTest::newRow("options pass through")
        << u"postgresql://admin:s3cret@db/app?sslmode=require&application_name=job%20console"_s
        << u"db"_s << 5432 << u"app"_s << u"admin"_s << true << u"s3cret"_s
        << QStringList{u"sslmode=require"_s, u"application_name=job console"_s}
        << u"postgresql://admin:****@db:5432/app?sslmode=require&application_name=job console"_s;
    QTest::newRow("empty option list")
        << u"postgresql://db/app?"_s << u"db"_s << 5432 << u"app"_s << u""_s << false << u""_s
        << QStringList() << u"postgresql://db:5432/app"_s;
}

void tst_DatabaseUrl::postgresForms()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, user);
    QFETCH(bool, hasPassword);
    QFETCH(QString, password);
    QFETCH(QStringList, options);
    QFETCH(QString, display);

    const auto url = DatabaseUrl::parse(text);
    QVERIFY2(url, qPrintable(url ? QString() : url.error()));
    QVERIFY(url->dialect() == SqlDialect::Postgres);
    QCOMPARE(url->host(), host);
    QCOMPARE(url->port(), port);
    QCOMPARE(url->databaseName(), database);
    QCOMPARE(url->userName(), user);
    QCOMPARE(url->hasPassword(), hasPassword);
    QCOMPARE(url->password(), password);
    QCOMPARE(optionTexts(*url), options);
    QCOMPARE(url->toDisplayString(), display);
    QVERIFY(password.isEmpty() || !url->toDisplayString().contains(password));
}

// The web app's other database (issue 16): mysql:// and mariadb://, port 3306 unless given,
// the password masked, options handed to QMYSQL as NAME=value.
void tst_DatabaseUrl::mysqlForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("connectOptions");
    QTest::addColumn<QString>("display");

    QTest::newRow("everything") << u"mysql://rapua:s3cret@db.example.org:3307/rapua"_s
                                << u"db.example.org"_s << 3307 << u"rapua"_s << u"rapua"_s
                                << u"s3cret"_s << QString()
                                << u"mysql://rapua:****@db.example.org:3307/rapua"_s;
    QTest::newRow("mariadb:// alias, default port")
        << u"mariadb://rapua:s3cret@db/rapua"_s << u"db"_s << 3306 << u"rapua"_s << u"rapua"_s
        << u"s3cret"_s << QString() << u"mysql://rapua:****@db:3306/rapua"_s;
    QTest::newRow("options for QMYSQL")
        << u"mysql://rapua@db/rapua?SSL_CA=/etc/ca.pem&MYSQL_OPT_READ_TIMEOUT=30"_s << u"db"_s
        << 3306 << u"rapua"_s << u"rapua"_s << QString()
        << u"SSL_CA=/etc/ca.pem;MYSQL_OPT_READ_TIMEOUT=30"_s
        << u"mysql://rapua@db:3306/rapua?SSL_CA=/etc/ca.pem&MYSQL_OPT_READ_TIMEOUT=30"_s;
    QTest::newRow("percent-decoded password")
        << u"mysql://rapua:p%40ss%3Aw@db/rapua"_s << u"db"_s << 3306 << u"rapua"_s << u"rapua"_s
        << u"p@ss:w"_s << QString() << u"mysql://rapua:****@db:3306/rapua"_s;
}

void tst_DatabaseUrl::mysqlForms()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, database);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, connectOptions);
    QFETCH(QString, display);

    const auto url = DatabaseUrl::parse(text);
    QVERIFY2(url, qPrintable(url ? QString() : url.error()));
    QVERIFY(url->dialect() == SqlDialect::MySql);
    QCOMPARE(url->host(), host);
    QCOMPARE(url->port(), port);
    QCOMPARE(url->databaseName(), database);
    QCOMPARE(url->userName(), user);
    QCOMPARE(url->password(), password);
    QCOMPARE(url->connectOptions(), connectOptions);
    QCOMPARE(url->toDisplayString(), display);
    QVERIFY(password.isEmpty() || !url->toDisplayString().contains(password));
    QCOMPARE(DatabaseUrl::parse(url->toDisplayString().replace(u"****"_s, password))
                 .value()
                 .databaseName(),
             database);
}

void tst_DatabaseUrl::emptyMeansDefaultLocation()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    for (const QString &text : {QString(), QString(u""_s), QString(u"   "_s)}) {
        const auto url = DatabaseUrl::parse(text);
        QVERIFY(url);
        QVERIFY(*url == DatabaseUrl::defaultLocation());
        QVERIFY(url->isDefaultLocation());
        QVERIFY(url->dialect() == SqlDialect::Sqlite);
        QCOMPARE(url->filePath(), QDir::cleanPath(folder + u"/jobconsole.db"_s));
    }
}

void tst_DatabaseUrl::malformed_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem");

    QTest::newRow("unknown scheme")
        << u"oracle://admin:s3cret@db/app"_s << u"Unknown database type \"oracle:\""_s;
    QTest::newRow("mysql: without //")
        << u"mysql:admin@db/app"_s << u"starts with mysql:// or mariadb://"_s;
    QTest::newRow("postgresql: without //")
        << u"postgresql:admin:s3cret@db/app"_s << u"starts with postgresql://"_s;
    QTest::newRow("no database") << u"postgresql://admin:s3cret@db:5432"_s
                                 << u"names no database"_s;
    QTest::newRow("empty database")
        << u"postgresql://admin:s3cret@db:5432/"_s << u"names no database"_s;
    QTest::newRow("database with a slash")
        << u"postgresql://db/app/more"_s << u"names no database"_s;
    QTest::newRow("port not a number")
        << u"postgresql://admin:s3cret@db:abc/app"_s << u"invalid port \"abc\""_s;
    QTest::newRow("port with a sign")
        << u"postgresql://db:+5432/app"_s << u"invalid port \"+5432\""_s;
    QTest::newRow("port zero") << u"postgresql://db:0/app"_s << u"invalid port \"0\""_s;
    QTest::newRow("port too big") << u"postgresql://db:65536/app"_s << u"invalid port \"65536\""_s;
    QTest::newRow("port empty") << u"postgresql://db:/app"_s << u"invalid port \"\""_s;
    QTest::newRow("bad % in password")
        << u"postgresql://admin:s3cret%zz@db/app"_s << u"malformed password"_s;
    QTest::newRow("% at end of password")
        << u"postgresql://admin:s3cret%@db/app"_s << u"malformed password"_s;
    QTest::newRow("bad % in user")
        << u"postgresql://ad%4min:s3cret@db/app"_s << u"malformed user name"_s;
    QTest::newRow("bad % in database") << u"postgresql://db/a%pp"_s << u"malformed database name"_s;
    QTest::newRow("IPv6 without ]") << u"postgresql://[::1:5432/app"_s << u"without a ']'"_s;
    QTest::newRow("text after IPv6") << u"postgresql://[::1]x/app"_s << u"text after the IPv6"_s;
    QTest::newRow("# in password") << u"postgresql://admin:s3c#ret@db/app"_s << u"contains '#'"_s;
    QTest::newRow("option without value")
        << u"postgresql://db/app?sslmode"_s << u"malformed option \"sslmode\""_s;
    QTest::newRow("option with a bad name")
        << u"postgresql://db/app?ssl-mode=require"_s << u"malformed option \"ssl-mode\""_s;
    QTest::newRow("option with bad %")
        << u"postgresql://db/app?sslmode=%zz"_s << u"malformed value for option sslmode"_s;
    QTest::newRow("option with ;") << u"postgresql://db/app?options=a%3Bb"_s << u"contains ';'"_s;
    QTest::newRow("sqlite: without a file") << u"sqlite:"_s << u"names no file"_s;
    QTest::newRow("sqlite: two slashes") << u"sqlite://app.db"_s << u"three of them"_s;
    QTest::newRow("sqlite: in memory") << u"sqlite::memory:"_s << u"In-memory"_s;
    QTest::newRow("sqlite: URI") << u"sqlite:file:app.db?mode=memory"_s << u"In-memory and URI"_s;
}

void tst_DatabaseUrl::malformed()
{
    QFETCH(QString, text);
    QFETCH(QString, problem);

    const auto url = DatabaseUrl::parse(text);
    QVERIFY(!url);
    QVERIFY2(url.error().contains(problem), qPrintable(url.error()));
    QVERIFY2(url.error().contains(DatabaseUrl::acceptedForms()), qPrintable(url.error()));
    QVERIFY2(!url.error().contains(u"s3cret"_s) && !url.error().contains(u"s3c#ret"_s),
             qPrintable(url.error()));
}

void tst_DatabaseUrl::passwordOptionIsMasked()
{
    const auto url = DatabaseUrl::parse(u"postgresql://admin@db/app?password=s3cret&sslmode=off"_s);
    QVERIFY(url);
    QCOMPARE(url->toDisplayString(), u"postgresql://admin@db:5432/app?password=****&sslmode=off"_s);
}

void tst_DatabaseUrl::connectOptionsQuoteValues()
{
    const auto url = DatabaseUrl::parse(u"postgresql://db/app?sslmode=require&application_name="_s
                                        u"a%20b&options=it%27s%5Cx&fallback_application_name="_s);
    QVERIFY(url);
    QCOMPARE(url->connectOptions(), u"sslmode=require;application_name='a b';"_s
                                    u"options='it\\'s\\\\x';fallback_application_name=''"_s);
}

void tst_DatabaseUrl::withDatabaseNameKeepsTheRest()
{
    const auto url = DatabaseUrl::parse(u"postgresql://admin:s3cret@db:5433/app?sslmode=require"_s);
    QVERIFY(url);
    const DatabaseUrl other = url->withDatabaseName(u"other"_s);
    QCOMPARE(other.databaseName(), u"other"_s);
    QCOMPARE(other.host(), u"db"_s);
    QCOMPARE(other.port(), 5433);
    QCOMPARE(other.password(), u"s3cret"_s);
    QVERIFY(other.options() == url->options());
}

QTEST_GUILESS_MAIN(tst_DatabaseUrl)
#include "tst_databaseurl.moc"

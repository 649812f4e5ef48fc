// The console's own settings round-trip through an INI file and never hold a password; the
// password vault, without a keychain service (the offscreen tests have none), asks once per
// session and keeps the answer in memory only.
#include "settings/ConsoleSettings.h"
#include "settings/DatabaseUrlText.h"
#include "settings/PasswordVault.h"

#include <QDirIterator>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace jc;
using namespace Qt::StringLiterals;

namespace {

// Every file under `folder`, concatenated: where a leaked password would show.
QByteArray everythingUnder(const QString &folder)
{
    QByteArray all;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace

class tst_ConsoleSettings : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // Anything QSettings writes by default (a vault fallback, say) lands here too.
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_home.path());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_home.path());
        QCoreApplication::setOrganizationName(u"jobconsole-test"_s);
        QCoreApplication::setApplicationName(u"tst_consolesettings"_s);
    }

    void roundTripsThroughAnIniFile()
    {
        const QString path = m_home.filePath(u"roundtrip.ini"_s);
        {
            ConsoleSettings settings(path);
            QCOMPARE(settings.displayZone(), TimeDisplay::Zone::Local); // defaults
            QVERIFY(settings.runJobsHere());
            QVERIFY(settings.closeToTray());
            QVERIFY(settings.databaseUrl().isEmpty());
            QVERIFY(settings.setDatabaseUrl(u"postgresql://alice@db.example.org:5433/jobs"
                                            "?sslmode=require"_s));
            settings.setDisplayZone(TimeDisplay::Zone::Utc);
            settings.setRunJobsHere(false);
            settings.setCloseToTray(false);
            settings.setWindowGeometry("geometry\x01\x02"_ba);
            settings.setWindowState("state\x00\xff"_ba);
            settings.setViewState(u"jobsHeader"_s, "header"_ba);
            settings.setSelectedJobs({u"Daily Cleanup"_s, u"Top-Up"_s});
            QVERIFY(settings.sync());
        }
        ConsoleSettings again(path);
        QCOMPARE(again.databaseUrl(),
                 u"postgresql://alice@db.example.org:5433/jobs?sslmode=require"_s);
        QCOMPARE(again.displayZone(), TimeDisplay::Zone::Utc);
        QVERIFY(!again.runJobsHere());
        QVERIFY(!again.closeToTray());
        QCOMPARE(again.windowGeometry(), "geometry\x01\x02"_ba);
        QCOMPARE(again.windowState(), "state\x00\xff"_ba);
        QCOMPARE(again.viewState(u"jobsHeader"_s), "header"_ba);
        QCOMPARE(again.selectedJobs(), (QStringList{u"Daily Cleanup"_s, u"Top-Up"_s}));
    }

    void neverStoresAPassword_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("stored");
        QTest::newRow("in the user part") << u"postgresql://alice:Tr0ub4dor@db:5432/jobs"_s
                                          << u"postgresql://alice@db:5432/jobs"_s;
        QTest::newRow("as an option")
            << u"postgres://alice@db/jobs?password=Tr0ub4dor&sslmode=require"_s
            << u"postgresql://alice@db:5432/jobs?sslmode=require"_s;
        QTest::newRow("unparsable with credentials")
            << u"postgresql://alice:Tr0ub4dor@"_s << QString();
        // A MySQL/MariaDB URL stays one (it was stored as postgresql://…).
        QTest::newRow("mysql") << u"mysql://alice:Tr0ub4dor@db/rapua?SSL_CA=/etc/ca.pem"_s
                               << u"mysql://alice@db:3306/rapua?SSL_CA=%2Fetc%2Fca.pem"_s;
        QTest::newRow("mariadb") << u"mariadb://alice:Tr0ub4dor@db:3307/rapua"_s
                                 << u"mysql://alice@db:3307/rapua"_s;
    }
    void neverStoresAPassword()
    {
        QFETCH(QString, given);
        QFETCH(QString, stored);
        QTemporaryDir folder;
        const QString path = folder.filePath(u"settings.ini"_s);
        {
            ConsoleSettings settings(path);
            settings.setDatabaseUrl(given);
            QCOMPARE(settings.databaseUrl(), stored);
            QVERIFY(settings.sync());
        }
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains("Tr0ub4dor"), "the password reached the file");
    }

    void urlTextKeepsEverythingButThePassword()
    {
        const auto url =
            DatabaseUrl::parse(u"postgresql://al%40ice:pw@db:6000/jobs?sslmode=require"_s);
        QVERIFY(url);
        QCOMPARE(DatabaseUrlText::format(*url),
                 u"postgresql://al%40ice@db:6000/jobs?sslmode=require"_s);
        const auto again = DatabaseUrl::parse(DatabaseUrlText::format(*url));
        QVERIFY(again);
        QCOMPARE(again->userName(), u"al@ice"_s);
        QVERIFY(!again->hasPassword());
        const auto withPassword = DatabaseUrlText::withPassword(*again, u"p@ss:word"_s);
        QVERIFY(withPassword);
        QCOMPARE(withPassword->password(), u"p@ss:word"_s);
        QCOMPARE(withPassword->userName(), u"al@ice"_s);

        const auto mysql = DatabaseUrl::parse(u"mysql://app@db:3306/rapua"_s);
        QVERIFY(mysql);
        QCOMPARE(DatabaseUrlText::format(*mysql), u"mysql://app@db:3306/rapua"_s);
        const auto mysqlWithPassword = DatabaseUrlText::withPassword(*mysql, u"s3cret"_s);
        QVERIFY(mysqlWithPassword);
        QVERIFY(mysqlWithPassword->dialect() == SqlDialect::MySql);
        QCOMPARE(mysqlWithPassword->password(), u"s3cret"_s);
    }

    void vaultWithoutKeychainAsksOncePerSession()
    {
        PasswordVault vault(u"jobconsole-test"_s);
        int asked = 0;
        vault.setAskPassword([&asked](const QString &key) -> std::optional<QString> {
            ++asked;
            return key == u"alice@db:5432/jobs"_s ? std::optional(u"s3cret"_s) : std::nullopt;
        });
        QStringList answers;
        const auto collect = [&answers](PasswordVault::ReadResult result) {
            answers.append(result.error.isEmpty() ? result.password : u"error: "_s + result.error);
        };
        vault.read(u"alice@db:5432/jobs"_s, this, collect);
        QTRY_COMPARE(answers.size(), 1);
        if (vault.backend() == PasswordVault::Backend::Keychain)
            QSKIP("A keychain service answers on this machine; the fallback needs none.");
        QCOMPARE(vault.backend(), PasswordVault::Backend::SessionOnly);
        QCOMPARE(answers.first(), u"s3cret"_s);
        QCOMPARE(asked, 1);

        vault.read(u"alice@db:5432/jobs"_s, this, collect);
        QTRY_COMPARE(answers.size(), 2);
        QCOMPARE(answers.last(), u"s3cret"_s);
        QCOMPARE(asked, 1); // not asked again this session

        // Declined: no password, and not asked a second time either.
        vault.read(u"bob@db:5432/jobs"_s, this, collect);
        vault.read(u"bob@db:5432/jobs"_s, this, collect);
        QTRY_COMPARE(answers.size(), 4);
        QCOMPARE(answers.at(2), QString());
        QCOMPARE(answers.at(3), QString());
        QCOMPARE(asked, 2);

        // A written password is kept in memory, not on disk, and read back without asking.
        std::optional<std::optional<QString>> written;
        vault.write(u"carol@db:5432/jobs"_s, u"Tr0ub4dor"_s, this,
                    [&written](std::optional<QString> error) { written = error; });
        QTRY_VERIFY(written.has_value());
        QVERIFY2(!written->has_value(), qPrintable(written->value_or(QString())));
        vault.read(u"carol@db:5432/jobs"_s, this, collect);
        QTRY_COMPARE(answers.size(), 5);
        QCOMPARE(answers.last(), u"Tr0ub4dor"_s);
        QCOMPARE(asked, 2);
        QVERIFY(!everythingUnder(m_home.path()).contains("Tr0ub4dor"));
    }

    void vaultKeys()
    {
        const auto url = DatabaseUrl::parse(u"postgresql://alice:pw@db.example.org:5433/jobs"_s);
        QVERIFY(url);
        QCOMPARE(PasswordVault::keyFor(*url), u"alice@db.example.org:5433/jobs"_s);
    }

private:
    QTemporaryDir m_home;
};

QTEST_GUILESS_MAIN(tst_ConsoleSettings)
#include "tst_consolesettings.moc"

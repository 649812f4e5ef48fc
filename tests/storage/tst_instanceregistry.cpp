#include "storage/InstanceRegistry.h"

#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include "TestDatabases.h"

#include <QTest>

#include <memory>

using jc::ConnectionFactory;
using jc::InstanceInfo;
using jc::InstanceRegistry;
using jc::SqlDialect;

namespace {

constexpr qint64 T0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
constexpr qint64 Minute = 60'000;

InstanceInfo instance(const QString &id, const QString &mode)
{
    InstanceInfo info;
    info.id = id;
    info.host = id.section(u':', 0, 0);
    info.pid = id.section(u':', 1).toLongLong();
    info.mode = mode;
    info.startedAt = QDateTime::fromMSecsSinceEpoch(T0, Qt::UTC);
    return info;
}

} // namespace

// Who schedules jobs on a database, as the console's status bar and `jobctl list` show it.
class tst_InstanceRegistry : public QObject
{
    Q_OBJECT

private slots:
    void announcedInstancesAreSeenUntilTheyGoQuiet_data() { jc::test::addDatabaseRowsWithMySql(); }
    void announcedInstancesAreSeenUntilTheyGoQuiet()
    {
        QFETCH(SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        auto factory = std::make_shared<ConnectionFactory>(database.url());
        auto db = factory->connectionForCurrentThread();
        QVERIFY(db);
        QVERIFY(jc::Migrator().migrate(db.value()));
        InstanceRegistry registry(factory);

        QVERIFY(registry.announce(instance(QStringLiteral("a:1"), QStringLiteral("serve")), T0));
        QVERIFY(registry.announce(instance(QStringLiteral("b:2"), QStringLiteral("console")),
                                  T0 + Minute));
        // A heartbeat refreshes the row; the start time stays the first one.
        InstanceInfo later = instance(QStringLiteral("a:1"), QStringLiteral("serve"));
        later.startedAt = QDateTime::fromMSecsSinceEpoch(T0 + 5 * Minute, Qt::UTC);
        QVERIFY(registry.announce(later, T0 + 2 * Minute));

        auto seen = registry.seenSince(T0);
        QVERIFY2(seen, qPrintable(seen ? QString() : seen.error()));
        QCOMPARE(seen->size(), 2);
        QCOMPARE(seen->at(0).id, QStringLiteral("a:1")); // most recent heartbeat first
        QCOMPARE(seen->at(0).heartbeatAt.toMSecsSinceEpoch(), T0 + 2 * Minute);
        QCOMPARE(seen->at(0).startedAt.toMSecsSinceEpoch(), T0);
        QCOMPARE(seen->at(0).pid, 1);
        QCOMPARE(seen->at(1).mode, QStringLiteral("console"));

        // Quiet since before the window: not seen.
        seen = registry.seenSince(T0 + Minute + 1);
        QCOMPARE(seen->size(), 1);

        QVERIFY(registry.withdraw(QStringLiteral("a:1")));
        seen = registry.seenSince(T0);
        QCOMPARE(seen->size(), 1);
        QCOMPARE(seen->at(0).id, QStringLiteral("b:2"));
    }
};

QTEST_GUILESS_MAIN(tst_InstanceRegistry)
#include "tst_instanceregistry.moc"

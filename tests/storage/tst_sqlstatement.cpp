#include "storage/SqlStatement.h"

#include "storage/ConnectionFactory.h"
#include "storage/StatementReuse.h"

#include "TestDatabases.h"

#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using jc::ConnectionFactory;
using jc::SqlDialect;
using jc::SqlStatement;

// Gives the test function an empty database with a table t (a integer, b varchar): `database`,
// `factory`, `db`.
#define OPEN_DATABASE()                                                                            \
    QFETCH(SqlDialect, dialect);                                                                   \
    jc::test::TestDatabase database(dialect);                                                      \
    QVERIFY2(database.isReady(), qPrintable(database.error()));                                    \
    auto factory = std::make_shared<ConnectionFactory>(database.url());                            \
    const auto connection = factory->connectionForCurrentThread();                                 \
    QVERIFY2(connection, qPrintable(connection ? QString() : connection.error()));                 \
    QSqlDatabase db = *connection;                                                                 \
    QVERIFY(QSqlQuery(db).exec(u"CREATE TABLE t (a integer, b varchar(40))"_s))

class tst_SqlStatement : public QObject
{
    Q_OBJECT

private slots:
    void placeholdersAreNamesOutsideQuotes_data();
    void placeholdersAreNamesOutsideQuotes();
    void aRepeatedNameIsBoundOnce_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aRepeatedNameIsBoundOnce();
    void aPreparedStatementRunsAgainWithNewValues_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aPreparedStatementRunsAgainWithNewValues();
    void aMissingOrUnknownNameFailsBeforeTheDatabase_data()
    {
        jc::test::addDatabaseRowsWithMySql();
    }
    void aMissingOrUnknownNameFailsBeforeTheDatabase();
    void aReuseScopeSharesOnePreparationPerText_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aReuseScopeSharesOnePreparationPerText();
    void aDatabaseErrorNamesTheStatement_data() { jc::test::addDatabaseRowsWithMySql(); }
    void aDatabaseErrorNamesTheStatement();
};

void tst_SqlStatement::placeholdersAreNamesOutsideQuotes_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("none") << u"DELETE FROM t"_s << QStringList();
    QTest::newRow("in order of first use") << u"UPDATE t SET b = :b WHERE a = :a OR a = :a_2"_s
                                           << QStringList{u":b"_s, u":a"_s, u":a_2"_s};
    QTest::newRow("repeated once") << u"SELECT :x, :y, :x"_s << QStringList{u":x"_s, u":y"_s};
    QTest::newRow("at the very end") << u"SELECT 1 WHERE 2 > :n"_s << QStringList{u":n"_s};
    QTest::newRow("quoted text is text")
        << u"SELECT 'at 10:30', \"odd:name\", `x:y`, :real"_s << QStringList{u":real"_s};
    QTest::newRow("a PostgreSQL cast is no name")
        << u"SELECT :v::bigint, now()::text"_s << QStringList{u":v"_s};
    QTest::newRow("a lone colon") << u"SELECT : , ':'"_s << QStringList();
}

void tst_SqlStatement::placeholdersAreNamesOutsideQuotes()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, names);
    QCOMPARE(SqlStatement::placeholdersOf(sql), names);
}

void tst_SqlStatement::aRepeatedNameIsBoundOnce()
{
    OPEN_DATABASE();
    SqlStatement insert(db, u"INSERT INTO t (a, b) VALUES (:n, 'at 10:30')"_s);
    QVERIFY(!insert.exec({{u":n"_s, 7}}));
    SqlStatement select(db, u"SELECT a, b FROM t WHERE a = :n AND a + :n = 14"_s);
    const auto failed = select.exec({{u":n"_s, 7}});
    QVERIFY2(!failed, qPrintable(failed ? failed->withStatement() : QString()));
    QVERIFY(select.next());
    QCOMPARE(select.value(0).toInt(), 7);
    QCOMPARE(select.value(1).toString(), u"at 10:30"_s);
    QVERIFY(!select.next());
}

void tst_SqlStatement::aPreparedStatementRunsAgainWithNewValues()
{
    OPEN_DATABASE();
    SqlStatement insert(db, u"INSERT INTO t (a, b) VALUES (:a, :b)"_s);
    QVERIFY(!insert.prepare());
    for (int a = 1; a <= 3; ++a) {
        QVERIFY(!insert.exec({{u":a"_s, a}, {u":b"_s, u"row %1"_s.arg(a)}}));
        QCOMPARE(insert.numRowsAffected(), 1);
    }
    QVERIFY(!insert.exec({{u":a"_s, 4}, {u":b"_s, QVariant(QMetaType::fromType<QString>())}}));
    SqlStatement select(db, u"SELECT b FROM t WHERE a = :a"_s);
    for (int a = 1; a <= 4; ++a) {
        QVERIFY(!select.exec({{u":a"_s, a}}));
        QVERIFY(select.next());
        QCOMPARE(select.value(0).toString(), a < 4 ? u"row %1"_s.arg(a) : QString());
        QCOMPARE(select.value(0).isNull(), a == 4);
        select.finish();
    }
}

void tst_SqlStatement::aMissingOrUnknownNameFailsBeforeTheDatabase()
{
    OPEN_DATABASE();
    SqlStatement insert(db, u"INSERT INTO t (a, b) VALUES (:a, :b)"_s);
    const auto missing = insert.exec({{u":a"_s, 1}});
    QVERIFY(missing);
    QCOMPARE(missing->text(), u"no value for :b"_s);
    const auto unknown = insert.exec({{u":a"_s, 1}, {u":b"_s, u"x"_s}, {u":c"_s, 2}});
    QVERIFY(unknown);
    QCOMPARE(unknown->text(), u"no placeholder :c"_s);
    QVERIFY(unknown->withStatement().contains(u"INSERT INTO t (a, b)"_s));
    QSqlQuery count(db);
    QVERIFY(count.exec(u"SELECT COUNT(*) FROM t"_s) && count.next());
    QCOMPARE(count.value(0).toInt(), 0);
}

// In a StatementReuse scope, statements of one text made one after another share one prepared
// query, each run with its own values; two alive at once each have their own; outside a scope
// nothing is shared.
void tst_SqlStatement::aReuseScopeSharesOnePreparationPerText()
{
    OPEN_DATABASE();
    const QString insertSql = u"INSERT INTO t (a, b) VALUES (:a, :b)"_s;
    const QString selectSql = u"SELECT b FROM t WHERE a = :a"_s;
    const auto valueOf = [&](SqlStatement &select, int a) {
        return !select.exec({{u":a"_s, a}}) && select.next() ? select.value(0).toString()
                                                             : u"(no row)"_s;
    };
    {
        const jc::StatementReuse reuse;
        for (int a = 1; a <= 3; ++a) {
            SqlStatement insert(db, insertSql);
            QCOMPARE(insert.isReused(), a > 1);
            QVERIFY(!insert.exec({{u":a"_s, a}, {u":b"_s, u"row %1"_s.arg(a)}}));
            QCOMPARE(insert.numRowsAffected(), 1);
        }
        {
            SqlStatement outer(db, selectSql);
            QVERIFY(!outer.isReused());
            QCOMPARE(valueOf(outer, 1), u"row 1"_s);
            SqlStatement inner(db, selectSql); // the same text while `outer` lives
            QVERIFY(!inner.isReused());
            QCOMPARE(valueOf(inner, 2), u"row 2"_s);
            QCOMPARE(outer.value(0).toString(), u"row 1"_s);
        }
        SqlStatement third(db, selectSql);
        QVERIFY(third.isReused());
        QCOMPARE(valueOf(third, 3), u"row 3"_s);
    }
    SqlStatement outside(db, selectSql);
    QVERIFY(!outside.isReused());
    QCOMPARE(valueOf(outside, 2), u"row 2"_s);
    QSqlQuery count(db);
    QVERIFY(count.exec(u"SELECT COUNT(*) FROM t"_s) && count.next());
    QCOMPARE(count.value(0).toInt(), 3);
}

void tst_SqlStatement::aDatabaseErrorNamesTheStatement()
{
    OPEN_DATABASE();
    SqlStatement select(db, u"SELECT nothing_here FROM t WHERE a = :a"_s);
    const auto failed = select.exec({{u":a"_s, 1}});
    QVERIFY(failed);
    QVERIFY(failed->error.isValid());
    QVERIFY2(failed->text().contains(u"nothing_here"_s), qPrintable(failed->text()));
    QCOMPARE(failed->sql, select.sql());
    QVERIFY(
        failed->withStatement().endsWith(u"(in \"SELECT nothing_here FROM t WHERE a = :a\")"_s));
}

QTEST_GUILESS_MAIN(tst_SqlStatement)
#include "tst_sqlstatement.moc"

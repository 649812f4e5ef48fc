// A lint as a test (issue 14, item 6): no code in core/ or seed/ opens a deferred write
// transaction.
//
// On SQLite a deferred transaction (Qt's QSqlDatabase::transaction(), a plain "BEGIN") that
// reads and then writes fails at once with SQLITE_BUSY when another connection writes in
// between: SQLite does not consult the busy timeout for that upgrade. core/ writes inside a
// transaction through WriteTransaction (BEGIN IMMEDIATE and the factory's write lock). Found
// and failed here, with file:line:
//  - any call of `.transaction()` / `->transaction()`;
//  - a string literal that begins a transaction ("BEGIN", "BEGIN DEFERRED", "BEGIN
//    TRANSACTION", any case) unless it is BEGIN IMMEDIATE or BEGIN EXCLUSIVE, or it is the
//    PostgreSQL branch of the dialect choice: a plain BEGIN with "BEGIN IMMEDIATE" on the
//    same line or one of the 3 before (`sqlite ? "BEGIN IMMEDIATE" : "BEGIN"`). Migrator,
//    SeedTransaction and CreditTopUpSql begin that way on their own connections.
// core/storage/WriteTransaction.cpp, the one place meant to say BEGIN, is not scanned. Text
// after `//` is a comment and not scanned.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

constexpr int linesBackForTheSqliteBranch = 3;

QString code(const QString &line)
{
    const qsizetype comment = line.indexOf(u"//"_s);
    return comment < 0 ? line : line.left(comment);
}

bool beginsDeferred(const QString &line)
{
    static const QRegularExpression begin(uR"re("\s*BEGIN\b\s*(\w*))re"_s,
                                          QRegularExpression::CaseInsensitiveOption);
    for (auto it = begin.globalMatch(code(line)); it.hasNext();) {
        const QString mode = it.next().captured(1).toUpper();
        if (mode != u"IMMEDIATE"_s && mode != u"EXCLUSIVE"_s)
            return true;
    }
    return false;
}

bool choosesImmediateForSqlite(const QStringList &lines, qsizetype at)
{
    for (qsizetype i = std::max<qsizetype>(0, at - linesBackForTheSqliteBranch); i <= at; ++i) {
        if (code(lines.at(i)).contains(u"\"BEGIN IMMEDIATE\""_s, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// "name:line: text" for every deferred write transaction in `text`.
QStringList deferredTransactions(const QString &name, const QString &text)
{
    static const QRegularExpression qtTransaction(uR"re((\.|->)\s*transaction\s*\(\s*\))re"_s);
    const QStringList lines = text.split(u'\n');
    QStringList found;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = code(lines.at(i));
        const bool qt = qtTransaction.match(line).hasMatch();
        const bool begin = beginsDeferred(line) && !choosesImmediateForSqlite(lines, i);
        if (qt || begin)
            found.append(u"%1:%2: %3"_s.arg(name).arg(i + 1).arg(lines.at(i).trimmed()));
    }
    return found;
}

} // namespace

class tst_WriteTransactions : public QObject
{
    Q_OBJECT

private slots:
    void findsDeferredTransactions_data();
    void findsDeferredTransactions();
    void sourcesHaveNoDeferredWriteTransaction();
};

void tst_WriteTransactions::findsDeferredTransactions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("found");
    QTest::newRow("Qt's transaction()") << u"    if (!db.transaction())"_s << true;
    QTest::newRow("through a pointer") << u"db->transaction ( );"_s << true;
    QTest::newRow("plain BEGIN") << u"query.exec(QStringLiteral(\"BEGIN\"));"_s << true;
    QTest::newRow("lower case") << u"query.exec(u\"begin transaction\"_s);"_s << true;
    QTest::newRow("BEGIN DEFERRED") << u"exec(\"BEGIN DEFERRED\");"_s << true;
    QTest::newRow("BEGIN IMMEDIATE") << u"exec(\"BEGIN IMMEDIATE\");"_s << false;
    QTest::newRow("BEGIN EXCLUSIVE") << u"exec(\"BEGIN EXCLUSIVE\");"_s << false;
    QTest::newRow("the PostgreSQL branch")
        << u"sqlite ? QStringLiteral(\"BEGIN IMMEDIATE\")\n    : QStringLiteral(\"BEGIN\"));"_s
        << false;
    QTest::newRow("PostgreSQL branch too far down")
        << u"run(\"BEGIN IMMEDIATE\");\n\n\n\n\nrun(\"BEGIN\");"_s << true;
    QTest::newRow("a comment") << u"// Qt's db.transaction() is deferred; \"BEGIN\" too"_s << false;
    QTest::newRow("WriteTransaction") << u"WriteTransaction transaction(db, factory);"_s << false;
    QTest::newRow("a word in a literal") << u"\"BEGINNER\""_s << false;
}

void tst_WriteTransactions::findsDeferredTransactions()
{
    QFETCH(QString, text);
    QFETCH(bool, found);
    QCOMPARE(!deferredTransactions(u"x.cpp"_s, text).isEmpty(), found);
}

void tst_WriteTransactions::sourcesHaveNoDeferredWriteTransaction()
{
    const QString root = QStringLiteral(JC_SOURCE_DIR);
    QStringList found;
    int scanned = 0;
    for (const QString &folder : {u"core"_s, u"seed"_s}) {
        QDirIterator files(root + u'/' + folder, {u"*.cpp"_s, u"*.h"_s}, QDir::Files,
                           QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString path = files.next();
            const QString name = path.mid(root.size() + 1);
            if (name == u"core/storage/WriteTransaction.cpp"_s)
                continue;
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            found += deferredTransactions(name, QString::fromUtf8(file.readAll()));
            ++scanned;
        }
    }
    QVERIFY2(scanned > 60, qPrintable(u"only %1 files under %2"_s.arg(scanned).arg(root)));
    QVERIFY2(found.isEmpty(), qPrintable(u"Deferred write transactions (use "
                                         u"WriteTransaction):\n"_s +
                                         found.join(u'\n')));
}

QTEST_GUILESS_MAIN(tst_WriteTransactions)
#include "tst_writetransactions.moc"

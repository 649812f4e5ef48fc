// The console's start on a database (issue 21, "opening a database changes nothing unasked"),
// driven as a person does, with clicks on the questions it shows:
//  - a SQLite path that does not exist is created only on "Create a new database here";
//    Cancel leaves nothing behind and says why;
//  - another program's database (tables, none of the app's) is refused naming what is
//    missing, and nothing is added to it.
#include "main/ConsoleDatabase.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include "TestDatabases.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using jc::ConsoleDatabase;
using jc::ConsoleSettings;
using jc::PasswordVault;

namespace {

// Answers the first modal dialog that shows with a click on its button named `button`, from
// inside the dialog's exec(); remembers the dialog's text. Checked on every turn of the event
// loop, so the click comes as soon as the dialog is up.
class DialogAnswerer : public QObject
{
public:
    explicit DialogAnswerer(QString button)
        : m_button(std::move(button))
    {
        m_timer.setInterval(0);
        connect(&m_timer, &QTimer::timeout, this, &DialogAnswerer::check);
        m_timer.start();
    }

    bool answered() const { return m_answered; }
    const QString &text() const { return m_text; }

private:
    void check()
    {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || !box->isVisible())
            return;
        m_timer.stop();
        m_text = box->text() + u'\n' + box->informativeText();
        auto *button = box->findChild<QAbstractButton *>(m_button);
        if (!button) {
            m_text += u"\n(no button named "_s + m_button + u")"_s;
            box->reject();
            return;
        }
        m_answered = true;
        QTest::mouseClick(button, Qt::LeftButton);
    }

    QString m_button;
    QTimer m_timer;
    bool m_answered = false;
    QString m_text;
};

} // namespace

class tst_ConsoleDatabase : public QObject
{
    Q_OBJECT

private slots:
    void missingPathIsCreatedOnlyWhenChosen_data()
    {
        QTest::addColumn<QString>("button");
        QTest::addColumn<bool>("created");
        QTest::newRow("cancel") << u"cancelButton"_s << false;
        QTest::newRow("create a new database here") << u"createDatabaseButton"_s << true;
    }
    void missingPathIsCreatedOnlyWhenChosen()
    {
        QFETCH(QString, button);
        QFETCH(bool, created);
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString typo = folder.filePath(u"typo.db"_s);
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);

        DialogAnswerer answerer(button);
        const auto opened = ConsoleDatabase::open(typo, false, settings, vault);
        QVERIFY2(answerer.answered(), "no question was asked before opening");
        QVERIFY2(answerer.text().contains(typo), qPrintable(answerer.text()));
        QCOMPARE(QFileInfo::exists(typo), created);
        if (!created) {
            QVERIFY(!opened);
            QVERIFY2(opened.error().contains(typo), qPrintable(opened.error()));
            QVERIFY2(opened.error().contains(u"does not exist"_s), qPrintable(opened.error()));
            QCOMPARE(QDir(folder.path()).entryList({u"typo*"_s}), QStringList{});
            return;
        }
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
        QVERIFY(opened->created);
        const auto db = opened->database->connectionForCurrentThread();
        QVERIFY2(db, qPrintable(db ? QString() : db.error()));
        QCOMPARE(jc::Migrator().currentVersion(*db).value(), jc::Migrator().latestVersion());
    }

    void foreignDatabaseIsRefused_data() { jc::test::addDatabaseRows(); }
    void foreignDatabaseIsRefused()
    {
        QFETCH(jc::SqlDialect, dialect);
        jc::test::TestDatabase database(dialect);
        QVERIFY2(database.isReady(), qPrintable(database.error()));
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        {
            jc::ConnectionFactory factory(database.url());
            const auto db = factory.connectionForCurrentThread();
            QVERIFY2(db, qPrintable(db ? QString() : db.error()));
            QSqlQuery query(*db);
            QVERIFY(query.exec(u"CREATE TABLE customers (id integer)"_s));
        }
        ConsoleSettings settings(folder.filePath(u"settings.ini"_s));
        PasswordVault vault(u"jobconsole-test"_s);
        const auto opened =
            ConsoleDatabase::open(jc::test::urlText(database.url()), false, settings, vault);
        QVERIFY(!opened);
        QVERIFY2(opened.error().contains(u"none of the app's"_s), qPrintable(opened.error()));
        QVERIFY2(opened.error().contains(u"users"_s), qPrintable(opened.error()));
        jc::ConnectionFactory factory(database.url());
        QCOMPARE(factory.connectionForCurrentThread()->tables(), QStringList{u"customers"_s});
    }
};

QTEST_MAIN(tst_ConsoleDatabase)
#include "tst_consoledatabase.moc"

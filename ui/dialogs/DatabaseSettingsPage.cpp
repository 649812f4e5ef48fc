#include "dialogs/DatabaseSettingsPage.h"

#include "dialogs/ProblemLabel.h"
#include "settings/DatabaseUrlText.h"
#include "settings/PasswordVault.h"
#include "storage/ConnectionFactory.h"
#include "storage/Migrator.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace jc {

namespace {

enum KindIndex { SqliteIndex = 0, PostgresIndex = 1, MySqlIndex = 2 };
enum PageIndex { SqlitePage = 0, ServerPage = 1 };
constexpr int postgresPort = 5432;
constexpr int mysqlPort = 3306;

SqlDialect dialectOf(int kindIndex)
{
    switch (kindIndex) {
    case PostgresIndex:
        return SqlDialect::Postgres;
    case MySqlIndex:
        return SqlDialect::MySql;
    default:
        return SqlDialect::Sqlite;
    }
}

const QStringList sslModes = {QString(),
                              QStringLiteral("disable"),
                              QStringLiteral("allow"),
                              QStringLiteral("prefer"),
                              QStringLiteral("require"),
                              QStringLiteral("verify-ca"),
                              QStringLiteral("verify-full")};

} // namespace

DatabaseSettingsPage::DatabaseSettingsPage(const QString &urlText, PasswordVault &vault,
                                           QWidget *parent)
    : QWidget(parent)
    , m_vault(vault)
{
    auto *layout = new QVBoxLayout(this);
    auto *kindRow = new QFormLayout;
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("kindCombo"));
    m_kind->addItems({tr("SQLite file"), tr("PostgreSQL server"), tr("MySQL/MariaDB server")});
    m_kind->setAccessibleName(tr("Database kind"));
    kindRow->addRow(tr("Database &kind:"), m_kind);
    layout->addLayout(kindRow);
    m_stack = new QStackedWidget;
    m_stack->addWidget(buildSqlite());
    m_stack->addWidget(buildServer());
    layout->addWidget(m_stack);
    m_problem = new ProblemLabel;
    m_problem->setObjectName(QStringLiteral("urlProblem"));
    layout->addWidget(m_problem);

    auto *testRow = new QHBoxLayout;
    m_test = new QPushButton(tr("&Test connection"));
    m_test->setObjectName(QStringLiteral("testButton"));
    testRow->addWidget(m_test);
    testRow->addStretch(1);
    layout->addLayout(testRow);
    m_testResult = new QLabel;
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setTextFormat(Qt::PlainText);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_testResult);
    layout->addStretch(1);

    load(urlText);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this](int kindIndex) {
        // The other server's default port is not what anyone means for this one.
        if (kindIndex == MySqlIndex && m_port->value() == postgresPort)
            m_port->setValue(mysqlPort);
        else if (kindIndex == PostgresIndex && m_port->value() == mysqlPort)
            m_port->setValue(postgresPort);
        showPage(kindIndex);
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DatabaseSettingsPage::validate);
    for (QLineEdit *edit : {m_path, m_host, m_database, m_user})
        connect(edit, &QLineEdit::textChanged, this, &DatabaseSettingsPage::validate);
    connect(m_port, &QSpinBox::valueChanged, this, &DatabaseSettingsPage::validate);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &DatabaseSettingsPage::validate);
    connect(m_password, &QLineEdit::textEdited, this, [this] { m_passwordEdited = true; });
    connect(m_test, &QPushButton::clicked, this, &DatabaseSettingsPage::testConnection);
    showPage(m_kind->currentIndex());
    validate();
}

// A QStackedWidget is as tall as its tallest page: the hidden page is told to take no room,
// so that the SQLite page's one row is not followed by the server page's worth of space.
void DatabaseSettingsPage::showPage(int kindIndex)
{
    const int page = kindIndex == SqliteIndex ? SqlitePage : ServerPage;
    for (int i = 0; i < m_stack->count(); ++i) {
        const auto policy = i == page ? QSizePolicy::Preferred : QSizePolicy::Ignored;
        m_stack->widget(i)->setSizePolicy(policy, policy);
    }
    m_serverForm->setRowVisible(m_sslMode, kindIndex == PostgresIndex);
    m_stack->setCurrentIndex(page);
    m_stack->adjustSize();
}

QWidget *DatabaseSettingsPage::buildSqlite()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    m_path = new QLineEdit;
    m_path->setObjectName(QStringLiteral("sqlitePathEdit"));
    m_path->setAccessibleName(tr("SQLite file"));
    m_path->setPlaceholderText(tr("Not set: the console opens its demo database"));
    auto *browse = new QPushButton(tr("&Browse…"));
    browse->setAccessibleName(tr("Browse for the SQLite file"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getSaveFileName(
            this, tr("SQLite database file"), m_path->text(),
            tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"), nullptr,
            QFileDialog::DontConfirmOverwrite);
        if (!chosen.isEmpty())
            m_path->setText(chosen);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    auto *label = new QLabel(tr("&File:"));
    label->setBuddy(m_path); // the row is a layout, which QFormLayout cannot make a buddy of
    form->addRow(label, row);
    return page;
}

QWidget *DatabaseSettingsPage::buildServer()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    m_serverForm = form;
    const auto line = [](const char *name, const QString &accessible) {
        auto *edit = new QLineEdit;
        edit->setObjectName(QString::fromLatin1(name));
        edit->setAccessibleName(accessible);
        return edit;
    };
    m_host = line("hostEdit", tr("Host"));
    m_host->setPlaceholderText(tr("Empty: the local socket"));
    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setAccessibleName(tr("Port"));
    m_port->setRange(1, 65535);
    m_port->setValue(postgresPort);
    m_database = line("databaseEdit", tr("Database name"));
    m_user = line("userEdit", tr("User"));
    m_user->setPlaceholderText(tr("Empty: your login name"));
    m_password = line("passwordEdit", tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("Empty: keep the password in the keychain"));
    m_password->setToolTip(tr("Kept in the system keychain, never in the settings file. "
                              "Without a keychain it is kept in memory for this session."));
    m_sslMode = new QComboBox;
    m_sslMode->setObjectName(QStringLiteral("sslModeCombo"));
    m_sslMode->setAccessibleName(tr("SSL mode"));
    m_sslMode->addItem(tr("libpq default (prefer)"));
    for (qsizetype i = 1; i < sslModes.size(); ++i)
        m_sslMode->addItem(sslModes.at(i));
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("Data&base:"), m_database);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("SS&L mode:"), m_sslMode);
    return page;
}

void DatabaseSettingsPage::load(const QString &urlText)
{
    const auto url = urlText.trimmed().isEmpty() ? Expected<DatabaseUrl, QString>(DatabaseUrl())
                                                 : DatabaseUrl::parse(urlText);
    if (!url) {
        m_path->setText(urlText);
        return;
    }
    if (url->dialect() == SqlDialect::Sqlite) {
        m_kind->setCurrentIndex(SqliteIndex);
        m_path->setText(url->filePath());
        return;
    }
    const bool postgres = url->dialect() == SqlDialect::Postgres;
    m_kind->setCurrentIndex(postgres ? PostgresIndex : MySqlIndex);
    m_stack->setCurrentIndex(ServerPage);
    m_host->setText(url->host());
    m_port->setValue(url->port());
    m_database->setText(url->databaseName());
    m_user->setText(url->userName());
    for (const auto &[name, value] : url->options()) {
        if (postgres && name == QLatin1String("sslmode"))
            m_sslMode->setCurrentIndex(std::max(0, int(sslModes.indexOf(value))));
        else if (name != QLatin1String("password"))
            m_otherOptions.append({name, value});
    }
}

Expected<DatabaseUrl, QString> DatabaseSettingsPage::url() const
{
    if (m_kind->currentIndex() == SqliteIndex) {
        if (m_path->text().trimmed().isEmpty())
            return DatabaseUrl();
        return DatabaseUrl::parse(QStringLiteral("sqlite:") + m_path->text().trimmed());
    }
    const SqlDialect dialect = dialectOf(m_kind->currentIndex());
    if (m_database->text().trimmed().isEmpty())
        return Unexpected(tr("Give the %1 database name.").arg(displayName(dialect)));
    QString text = DatabaseUrlText::scheme(dialect);
    if (!m_user->text().trimmed().isEmpty())
        text += DatabaseUrlText::encodePart(m_user->text().trimmed()) + u'@';
    text += m_host->text().trimmed() + u':' + QString::number(m_port->value()) + u'/' +
            DatabaseUrlText::encodePart(m_database->text().trimmed());
    QStringList options;
    if (dialect == SqlDialect::Postgres && m_sslMode->currentIndex() > 0)
        options.append(QStringLiteral("sslmode=") + sslModes.at(m_sslMode->currentIndex()));
    for (const auto &[name, value] : m_otherOptions)
        options.append(DatabaseUrlText::encodePart(name) + u'=' +
                       DatabaseUrlText::encodePart(value));
    if (!options.isEmpty())
        text += u'?' + options.join(u'&');
    return DatabaseUrl::parse(text);
}

QString DatabaseSettingsPage::urlText() const
{
    const auto parsed = url();
    return parsed ? DatabaseUrlText::format(*parsed) : QString();
}

bool DatabaseSettingsPage::isValid() const
{
    return url().hasValue();
}

QString DatabaseSettingsPage::password() const
{
    return m_password->text();
}

void DatabaseSettingsPage::validate()
{
    const auto parsed = url();
    m_problem->setProblem(parsed ? QString() : parsed.error());
    m_test->setEnabled(parsed && !parsed->isEmpty());
    m_testResult->clear();
    if (parsed.hasValue() != m_valid) {
        m_valid = parsed.hasValue();
        emit validityChanged(m_valid);
    }
    emit checked();
}

void DatabaseSettingsPage::testConnection()
{
    const auto parsed = url();
    if (!parsed || parsed->isEmpty())
        return;
    m_test->setEnabled(false);
    m_testResult->setText(tr("Connecting to %1…").arg(parsed->toDisplayString()));
    const DatabaseUrl target = *parsed;
    if (target.dialect() == SqlDialect::Sqlite || !m_password->text().isEmpty()) {
        runTest(target);
        return;
    }
    m_vault.read(PasswordVault::keyFor(target), this, [this, target](auto result) {
        if (!result.error.isEmpty()) {
            showTestResult({false, result.error});
            return;
        }
        auto withPassword = DatabaseUrlText::withPassword(target, result.password);
        if (!withPassword) {
            showTestResult({false, withPassword.error()});
            return;
        }
        runTest(*withPassword);
    });
}

void DatabaseSettingsPage::runTest(const DatabaseUrl &url)
{
    auto target = DatabaseUrlText::withPassword(url, m_password->text());
    if (!target) {
        showTestResult({false, target.error()});
        return;
    }
    auto *watcher = new QFutureWatcher<TestResult>(this);
    connect(watcher, &QFutureWatcher<TestResult>::finished, this, [this, watcher] {
        showTestResult(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([database = *target] { return test(database); }));
}

// On a pool thread: the factory, its connection and their close all stay on this thread.
DatabaseSettingsPage::TestResult DatabaseSettingsPage::test(const DatabaseUrl &url)
{
    if (url.dialect() == SqlDialect::Sqlite && !QFileInfo::exists(url.filePath()))
        return {true, tr("%1 does not exist yet: the console creates it and sets it up when "
                         "it opens it.")
                          .arg(url.filePath())};
    ConnectionFactory factory(url);
    const auto connection = factory.connectionForCurrentThread();
    if (!connection)
        return {false, connection.error()};
    const Migrator migrator;
    const auto version = migrator.currentVersion(connection.value());
    TestResult result;
    result.ok = true;
    if (!version)
        result.message = tr("Connected to %1, but could not read its schema version: %2")
                             .arg(url.toDisplayString(), version.error());
    else if (*version == 0)
        result.message = tr("Connected to %1. It holds no console tables yet: the console sets "
                            "them up when it opens it.")
                             .arg(url.toDisplayString());
    else
        result.message = tr("Connected to %1 (schema version %2 of %3).")
                             .arg(url.toDisplayString())
                             .arg(*version)
                             .arg(migrator.latestVersion());
    factory.closeAll();
    return result;
}

void DatabaseSettingsPage::showTestResult(const TestResult &result)
{
    m_test->setEnabled(isValid());
    m_testResult->setText((result.ok ? tr("✔ ") : tr("✘ Could not connect: ")) + result.message);
    emit testFinished(result.ok, result.message);
}

} // namespace jc

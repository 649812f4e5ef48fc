#pragma once

#include "common/Expected.h"
#include "storage/DatabaseUrl.h"

#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace jc {

class PasswordVault;
class ProblemLabel;

// The settings dialog's Database page: a SQLite file (chooser), a PostgreSQL server (host,
// port, database, user, password, sslmode) or a MySQL/MariaDB server (the same fields but
// sslmode, libpq's; the URL's other options are kept as given), and "Test connection", which
// opens a
// ConnectionFactory on a pool thread (QtConcurrent; the GUI never waits) and shows that it
// connected, with the schema version, or the exact error.
//
// The URL it produces never holds the password: the password field's text goes only to the
// PasswordVault (SettingsDialog::accept), and into the URL of the test connection. With the
// field left empty the vault's password is used.
//
// objectNames: kindCombo, sqlitePathEdit, hostEdit, portSpin, databaseEdit, userEdit,
// passwordEdit, sslModeCombo, testButton, testResult, urlProblem.
class DatabaseSettingsPage : public QWidget
{
    Q_OBJECT
public:
    DatabaseSettingsPage(const QString &urlText, PasswordVault &vault, QWidget *parent = nullptr);

    // The URL the fields describe, without password; empty text: not configured (demo).
    Expected<DatabaseUrl, QString> url() const;
    QString urlText() const; // DatabaseUrlText of url(); empty when not configured or invalid
    bool isValid() const;
    QString password() const;
    bool passwordEdited() const { return m_passwordEdited; }

signals:
    void validityChanged(bool valid);
    // The fields were checked again: their problem may read otherwise, valid or not.
    void checked();
    // A test connection ended: ok, and what it said.
    void testFinished(bool ok, const QString &message);

private:
    struct TestResult
    {
        bool ok = false;
        QString message;
    };

    QWidget *buildSqlite();
    QWidget *buildServer();
    void load(const QString &urlText);
    void validate();
    // Shows the page of the kind at `kindIndex` (a server's: sslmode for PostgreSQL only).
    void showPage(int kindIndex);
    void testConnection();
    void runTest(const DatabaseUrl &url);
    void showTestResult(const TestResult &result);
    static TestResult test(const DatabaseUrl &url);

    PasswordVault &m_vault;
    QComboBox *m_kind = nullptr;
    QStackedWidget *m_stack = nullptr;
    QFormLayout *m_serverForm = nullptr;
    QLineEdit *m_path = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_sslMode = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    ProblemLabel *m_problem = nullptr;
    QList<DatabaseUrl::Option> m_otherOptions; // kept from the URL as given
    bool m_passwordEdited = false;
    bool m_valid = true;
};

} // namespace jc

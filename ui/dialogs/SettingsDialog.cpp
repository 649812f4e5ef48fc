#include "dialogs/SettingsDialog.h"

#include "dialogs/DatabaseSettingsPage.h"
#include "dialogs/JobSettingsPage.h"
#include "dialogs/ProblemLabel.h"
#include "settings/ConsoleSettings.h"
#include "settings/PasswordVault.h"
#include "storage/DatabaseUrl.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QTabWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace jc {

Q_LOGGING_CATEGORY(lcSettingsDialog, "jc.ui.settings")

SettingsDialog::SettingsDialog(ConsoleSettings &settings, PasswordVault &vault,
                               QList<JobSettingsSection> jobs, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_vault(vault)
    , m_initialUrl(settings.databaseUrl())
{
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    auto *tabs = new QTabWidget;
    m_tabs = tabs;
    tabs->setObjectName(QStringLiteral("tabs"));
    m_database = new DatabaseSettingsPage(m_initialUrl, vault);
    m_jobs = new JobSettingsPage(std::move(jobs));
    tabs->addTab(m_database, tr("&Database"));
    tabs->addTab(m_jobs, tr("&Jobs"));
    tabs->addTab(buildDisplayPage(), tr("D&isplay"));
    tabs->addTab(buildSchedulerPage(), tr("&Scheduler"));
    layout->addWidget(tabs, 1);
    m_blocked = new ProblemLabel;
    m_blocked->setObjectName(QStringLiteral("okBlockedReason"));
    layout->addWidget(m_blocked);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    connect(m_database, &DatabaseSettingsPage::checked, this, &SettingsDialog::updateOk);
    connect(m_jobs, &JobSettingsPage::checked, this, &SettingsDialog::updateOk);
    updateOk();
    resize(720, 560);
}

QWidget *SettingsDialog::buildDisplayPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *box = new QGroupBox(tr("Show times in"));
    auto *column = new QVBoxLayout(box);
    m_local = new QRadioButton(
        tr("&Local time (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId())));
    m_local->setObjectName(QStringLiteral("localTimeRadio"));
    m_utc = new QRadioButton(tr("&UTC"));
    m_utc->setObjectName(QStringLiteral("utcRadio"));
    column->addWidget(m_local);
    column->addWidget(m_utc);
    (m_settings.displayZone() == TimeDisplay::Zone::Utc ? m_utc : m_local)->setChecked(true);
    layout->addWidget(box);
    auto *note = new QLabel(tr("Times always show their zone; schedules keep their own zone."));
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

QWidget *SettingsDialog::buildSchedulerPage()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    auto *box = new QGroupBox(tr("This console"));
    auto *column = new QVBoxLayout(box);
    m_runHere = new QRadioButton(tr("&Run scheduled jobs in this console"));
    m_runHere->setObjectName(QStringLiteral("runJobsHereRadio"));
    m_watchOnly = new QRadioButton(tr("&Watch only: show what other instances run"));
    m_watchOnly->setObjectName(QStringLiteral("watchOnlyRadio"));
    column->addWidget(m_runHere);
    column->addWidget(m_watchOnly);
    (m_settings.runJobsHere() ? m_runHere : m_watchOnly)->setChecked(true);
    layout->addWidget(box);
    m_closeToTray = new QCheckBox(tr("&Keep running in the tray when the window is closed"));
    m_closeToTray->setObjectName(QStringLiteral("closeToTrayCheck"));
    m_closeToTray->setChecked(m_settings.closeToTray());
    m_closeToTray->setToolTip(tr("Scheduled jobs go on running while the window is closed; quit "
                                 "from the tray icon's menu."));
    layout->addWidget(m_closeToTray);
    auto *note = new QLabel(tr("Several consoles and services may share one database: each "
                               "occurrence runs once, in whichever instance claims it first."));
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

// The first problem, whichever tab it is on: its own line may be out of sight.
void SettingsDialog::updateOk()
{
    QString problem;
    if (const auto url = m_database->url(); !url)
        problem = tr("Database: %1").arg(url.error());
    else
        problem = m_jobs->firstProblem();
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(problem.isEmpty());
    m_blocked->setProblem(problem.isEmpty() ? QString()
                                            : tr("Not saved until fixed: %1").arg(problem));
    ok->setToolTip(m_blocked->text());
}

bool SettingsDialog::hasChanges() const
{
    return databaseChanged() || !changedJobSettings().isEmpty() ||
           m_utc->isChecked() != (m_settings.displayZone() == TimeDisplay::Zone::Utc) ||
           m_runHere->isChecked() != m_settings.runJobsHere() ||
           m_closeToTray->isChecked() != m_settings.closeToTray();
}

// Escape closes a completer's list first; a second one, or one without a list, came here and
// threw every edit away without a word.
void SettingsDialog::reject()
{
    if (hasChanges()) {
        QMessageBox question(QMessageBox::Question, tr("Discard changes?"),
                             tr("The settings you changed are not saved."), QMessageBox::NoButton,
                             this);
        question.setObjectName(QStringLiteral("discardQuestion"));
        QPushButton *discard = question.addButton(tr("&Discard"), QMessageBox::DestructiveRole);
        QPushButton *keep = question.addButton(tr("&Keep editing"), QMessageBox::RejectRole);
        question.setDefaultButton(keep);
        question.setEscapeButton(keep);
        question.exec();
        if (question.clickedButton() != discard)
            return;
    }
    QDialog::reject();
}

void SettingsDialog::setNow(const QDateTime &now)
{
    m_jobs->setNow(now);
}

void SettingsDialog::showJob(const QString &job)
{
    m_tabs->setCurrentWidget(m_jobs);
    m_jobs->showJob(job);
    m_jobs->setFocus();
}

bool SettingsDialog::isOkEnabled() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

QHash<QString, QJsonObject> SettingsDialog::changedJobSettings() const
{
    return m_jobs->changedJobSettings();
}

QString SettingsDialog::databaseUrl() const
{
    return m_database->urlText();
}

bool SettingsDialog::databaseChanged() const
{
    return databaseUrl() != m_initialUrl || m_database->passwordEdited();
}

void SettingsDialog::accept()
{
    if (!isOkEnabled())
        return;
    m_settings.setDatabaseUrl(databaseUrl());
    m_settings.setDisplayZone(m_utc->isChecked() ? TimeDisplay::Zone::Utc
                                                 : TimeDisplay::Zone::Local);
    m_settings.setRunJobsHere(m_runHere->isChecked());
    m_settings.setCloseToTray(m_closeToTray->isChecked());
    if (!m_settings.sync())
        qCWarning(lcSettingsDialog) << "Could not write the settings to" << m_settings.fileName();
    const auto url = m_database->url();
    // An emptied field keeps the stored password: removing one is not what emptying means.
    if (m_database->passwordEdited() && !m_database->password().isEmpty() && url &&
        url->dialect() != SqlDialect::Sqlite) {
        const QString key = PasswordVault::keyFor(*url);
        m_vault.write(key, m_database->password(), &m_vault, [key](std::optional<QString> error) {
            if (error)
                qCWarning(lcSettingsDialog) << "Password of" << key << "not stored:" << *error;
        });
    }
    QDialog::accept();
}

} // namespace jc

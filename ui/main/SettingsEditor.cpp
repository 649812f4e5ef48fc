#include "main/SettingsEditor.h"

#include "data/DatabaseReader.h"
#include "data/TimeDisplay.h"
#include "dialogs/SettingsDialog.h"
#include "engine/Clock.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"
#include "settings/ConsoleSettings.h"
#include "storage/JobSettingsStore.h"
#include "views/JobTableView.h"

#include <QMessageBox>
#include <QTimeZone>

namespace jc {

SettingsEditor::SettingsEditor(const ConsoleSetup &setup, DatabaseReader *reader,
                               const JobTableView *table, QWidget *window)
    : QObject(window)
    , m_setup(setup)
    , m_reader(reader)
    , m_table(table)
    , m_window(window)
{
    setObjectName(QStringLiteral("settingsEditor"));
}

void SettingsEditor::open()
{
    if (!m_setup.settings || !m_setup.vault)
        return;
    // The jobs' stored settings are read off the GUI thread; the dialog opens when they arrive.
    auto database = m_reader->database();
    m_reader->read<Expected<QHash<QString, QJsonObject>, QString>>(
        this, [database](ConnectionFactory &) { return JobSettingsStore(database).all(); },
        [this](const Expected<QHash<QString, QJsonObject>, QString> &stored) {
            if (!stored)
                return emit failed(
                    tr("Settings"),
                    tr("The jobs' settings could not be read: %1").arg(stored.error()));
            // Each job's schedule and policies first, defaulting to what its built-in
            // definition does, then its own settings.
            const QList<JobDefinition> builtIn =
                JobCatalog::builtInJobs(m_reader->database(), QTimeZone::systemTimeZone());
            QList<JobSettingsSection> sections;
            for (qsizetype i = 0; i < JobCatalog::entries().size(); ++i) {
                const CatalogEntry &entry = JobCatalog::entries().at(i);
                sections.append({entry.name,
                                 JobOverrides::settingSpecs(builtIn.at(i)) + entry.specs,
                                 stored->value(entry.name)});
            }
            // Opened, not exec()'d: no event loop nested in the delivery of a reply, which
            // would go on delivering (and could destroy this window) under it.
            const bool wasRunningHere = m_setup.settings->runJobsHere();
            auto *dialog =
                new SettingsDialog(*m_setup.settings, *m_setup.vault, sections, m_window);
            dialog->setObjectName(QStringLiteral("settingsDialog"));
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->setNow(m_setup.clock->now());
            if (const QString job = m_table->currentJob(); !job.isEmpty())
                dialog->showJob(job);
            connect(dialog, &QDialog::accepted, this, [this, dialog, wasRunningHere] {
                apply(dialog->changedJobSettings(),
                      dialog->databaseChanged() ||
                          wasRunningHere != m_setup.settings->runJobsHere());
            });
            dialog->open();
        });
}

void SettingsEditor::apply(const QHash<QString, QJsonObject> &jobSettings, bool restartNeeded)
{
    TimeDisplay::setZone(m_setup.settings->displayZone());
    emit applied();
    if (!jobSettings.isEmpty())
        save(jobSettings);
    if (restartNeeded) {
        QMessageBox::information(m_window, tr("Settings"),
                                 tr("The database or the scheduler mode changed. Quit and start "
                                    "Job Console again to use them."));
    }
}

void SettingsEditor::save(const QHash<QString, QJsonObject> &jobSettings)
{
    auto database = m_reader->database();
    const QString user = m_setup.user;
    const qint64 now = m_setup.clock->now().toMSecsSinceEpoch();
    m_reader->read<QString>(
        this,
        [database, jobSettings, user, now](ConnectionFactory &) {
            JobSettingsStore store(database);
            for (auto it = jobSettings.cbegin(); it != jobSettings.cend(); ++it) {
                if (auto saved = store.set(it.key(), it.value(), user, now); !saved)
                    return it.key() + QStringLiteral(": ") + saved.error();
            }
            return QString();
        },
        [this](const QString &error) {
            if (!error.isEmpty())
                return emit failed(tr("The jobs' settings were not saved"), error);
            // Every running scheduler (this console's too) reads them at its next poll.
            emit saved(tr("Jobs' settings saved in the database. Running schedulers apply them "
                          "within seconds."));
        });
}

} // namespace jc

#pragma once

#include "data/TimeDisplay.h"

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace jc {

class DatabaseUrl;

// The console's own preferences, typed, over QSettings (what the database does not hold:
// it is per person and per machine). Keys:
//   database/url            DatabaseUrl text WITHOUT the password (it goes to the
//                           PasswordVault); empty: not configured (the demo database)
//   display/zone            "local" | "utc"
//   scheduler/runJobsHere   true: this console runs scheduled jobs; false: watch only (the
//                           default for databases without a choice of their own)
//   scheduler/runJobsOn     per database (databaseKey()): the admin's choice, run or watch
//   databases/createdHere   the SQLite files this console created (they run jobs unasked)
//   window/closeToTray      true: closing the window keeps the scheduler in the tray
//   window/geometry, window/state, views/<name>   opaque blobs from saveGeometry/saveState
//   window/selectedJobs     the job names selected when the console closed
//
// setDatabaseUrl() strips a password from what it is given, so no caller can write one by
// mistake. Thread: the GUI thread (QSettings is reentrant, not shared).
class ConsoleSettings
{
public:
    // The application's settings (organisation and application names from QCoreApplication).
    ConsoleSettings();
    // An INI file at `iniPath` (tests, `--settings FILE`).
    explicit ConsoleSettings(const QString &iniPath);
    ~ConsoleSettings();

    ConsoleSettings(const ConsoleSettings &) = delete;
    ConsoleSettings &operator=(const ConsoleSettings &) = delete;

    QString databaseUrl() const;
    // Stores the URL without its password; text that does not parse is stored as given
    // only when it holds no '@' (a URL with credentials that fails to parse is refused, as
    // its password could not be removed reliably). Returns false when refused.
    bool setDatabaseUrl(const QString &urlText);

    TimeDisplay::Zone displayZone() const;
    void setDisplayZone(TimeDisplay::Zone zone);

    // Whether this console runs scheduled jobs. After setCurrentDatabase(), the choice for
    // that database (stored with setRunJobsOn; without one, the general value); before, the
    // general value (default true). The settings dialog changes it for the open database.
    bool runJobsHere() const;
    void setRunJobsHere(bool run);

    // The key a database's own choices are kept under: "sqlite:/abs/path.db" or
    // "postgresql://user@host:port/db" (never a password).
    static QString databaseKey(const DatabaseUrl &url);
    // The admin's choice for the database with `key`: run its jobs here or only watch;
    // nullopt when not asked yet.
    std::optional<bool> runJobsOn(const QString &key) const;
    void setRunJobsOn(const QString &key, bool run);
    // The database runJobsHere() and setRunJobsHere() are about from now on.
    void setCurrentDatabase(const QString &key) { m_currentDatabase = key; }

    // Whether this console created the SQLite file at `path` ("Create a new database here").
    bool createdHere(const QString &path) const;
    void addCreatedHere(const QString &path);

    bool closeToTray() const; // default true
    void setCloseToTray(bool toTray);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    // A view's saved layout (a QHeaderView::saveState() or a splitter's), by view name.
    QByteArray viewState(const QString &view) const;
    void setViewState(const QString &view, const QByteArray &state);

    QStringList selectedJobs() const;
    void setSelectedJobs(const QStringList &jobs);

    // Writes pending changes to storage; false when the file cannot be written.
    bool sync();
    // Where the settings live, for messages ("~/.config/jobconsole/jobconsole.conf").
    QString fileName() const;

private:
    std::unique_ptr<QSettings> m_settings;
    QString m_currentDatabase;
};

} // namespace jc

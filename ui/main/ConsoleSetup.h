#pragma once

#include "engine/JobDefinition.h"
#include "storage/ConnectionFactory.h"

#include <QList>
#include <QString>
#include <QTimeZone>

#include <chrono>
#include <memory>

namespace jc {

class Clock;
class ConsoleSettings;
class JobRuntime;
class PasswordVault;

// What a MainWindow shows and drives, given by whoever creates it (main.cpp: the built-in
// jobs on the opened database; tests: their own jobs, clock and runtime).
struct ConsoleSetup
{
    std::shared_ptr<ConnectionFactory> database;
    // How the database is shown: "SQLite /home/me/.local/share/jobconsole/jobs.db".
    QString databaseText;
    // Where "now" comes from (a ManualClock in tests). Must outlive the window.
    const Clock *clock = nullptr;
    // The jobs listed, in order: their names, schedules and policies. With a runtime, the
    // same definitions it registered.
    QList<JobDefinition> jobs;
    // The zone the catalog's jobs are configured in (main.cpp: the system's). The rows of
    // the catalog's jobs follow their settings stored in the database, built in this zone as
    // every scheduler builds them; other jobs (tests' own) keep their definitions.
    QTimeZone zone = QTimeZone::systemTimeZone();
    // This console's scheduler; null: watch-only (nothing runs here). Must outlive the window.
    JobRuntime *runtime = nullptr;
    // Where the window keeps its layout and selection; null: nothing is kept (tests).
    ConsoleSettings *settings = nullptr;
    // Where the settings dialog keeps a server's password; null: no settings dialog.
    PasswordVault *vault = nullptr;
    // Who acts: the OS user, recorded with pauses, cancels and manual runs.
    QString user;
    // How often the database is read for other instances' changes.
    std::chrono::milliseconds refreshInterval{2500};
    // Shown in the title and status bar: the console opened the demo database.
    bool demo = false;
    // Why this console may not write to the database (its connections are read-only);
    // empty: it may. The actions that write are disabled with this as their tooltip.
    QString readOnlyReason;
};

} // namespace jc

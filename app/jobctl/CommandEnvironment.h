#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

// What every jobctl command gets: its arguments ("jobctl" first, then the command's own),
// the streams, and the global --db value (empty: $JOBCONSOLE_DB, then the default file).
struct CommandEnvironment
{
    QStringList arguments;
    QTextStream &out;
    QTextStream &err;
    QString databaseUrl;
    bool journal = false; // stderr is systemd's journal (JournalLog): lines carry a priority

    // Writes "jobctl <command>: <message>" as one line on stderr and returns `status`.
    int fail(const QString &command, const QString &message, int status = 1) const
    {
        if (journal)
            err << "<3>";
        err << "jobctl " << command << ": " << message << "\n";
        err.flush();
        return status;
    }
};

// jobctl: the command-line face of Job Console. main() reads the global options, picks the
// command and hands over; each command lives in its own class.
#include "AdminCommands.h"
#include "CommandEnvironment.h"
#include "HistoryCommand.h"
#include "JournalLog.h"
#include "MigrateCommand.h"
#include "NextCommand.h"
#include "RunCommand.h"
#include "SeedCommand.h"
#include "ServeCommand.h"
#include "SetCommand.h"

#include <QCoreApplication>
#include <QTextStream>

#include <functional>
#include <map>

namespace {

struct Command
{
    QString summary;
    std::function<int(const CommandEnvironment &)> run;
};

const std::map<QString, Command> &commands()
{
    static const std::map<QString, Command> table{
        {QStringLiteral("cancel"),
         {QStringLiteral("Ask the instance running a run to stop it"), &AdminCommands::cancel}},
        {QStringLiteral("history"),
         {QStringLiteral("List runs, newest first"), &HistoryCommand::run}},
        {QStringLiteral("list"),
         {QStringLiteral("List the jobs: state, schedule, last and next run"),
          &AdminCommands::list}},
        {QStringLiteral("pause"),
         {QStringLiteral("Pause a job on every instance"), &AdminCommands::pause}},
        {QStringLiteral("resume"), {QStringLiteral("Resume a paused job"), &AdminCommands::resume}},
        {QStringLiteral("migrate"),
         {QStringLiteral("Create or update the database's tables"), &MigrateCommand::run}},
        {QStringLiteral("run"),
         {QStringLiteral("Run a job now in this process (recorded as manual)"), &RunCommand::run}},
        {QStringLiteral("seed"),
         {QStringLiteral("Fill the database with demo or benchmark data"), &SeedCommand::run}},
        {QStringLiteral("serve"),
         {QStringLiteral("Run the scheduler headless until SIGINT/SIGTERM"), &ServeCommand::run}},
        {QStringLiteral("set"),
         {QStringLiteral("Override a job's schedule and policies for every instance"),
          &SetCommand::run}},
        {QStringLiteral("next"),
         {QStringLiteral("Print the next fire instants of a schedule"), &NextCommand::run}},
    };
    return table;
}

void printUsage(QTextStream &stream)
{
    stream << "Usage: jobctl [--db URL] COMMAND [options]\n\n"
              "Job Console's command line: previews schedules and administers jobs.\n\n"
              "Global options:\n"
              "  --db URL    the database: sqlite:/path/file.db, a plain path,\n"
              "              postgresql://user@host:port/dbname or\n"
              "              mysql://user@host:port/dbname (default: $JOBCONSOLE_DB, then\n"
              "              jobconsole.db in the user's data folder)\n"
              "  --help      this text; `jobctl COMMAND --help` for a command's options\n"
              "  --version   the version\n\n"
              "Commands:\n";
    for (const auto &[name, command] : commands())
        stream << "  " << name.leftJustified(12) << command.summary << "\n";
}

const char *const databaseForms =
    "a SQLite path, or a postgresql:// or mysql:// URL (see jobctl --help)";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // The console's name, not "jobctl": both must find the same default database in
    // QStandardPaths::AppDataLocation (~/.local/share/JobConsole/jobconsole/).
    QCoreApplication::setApplicationName(QStringLiteral("jobconsole"));
    QCoreApplication::setOrganizationName(QStringLiteral("JobConsole"));
    QCoreApplication::setApplicationVersion(QStringLiteral(JOBCONSOLE_VERSION));
    const bool journal = JournalLog::install();

    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList arguments = QCoreApplication::arguments();
    QString databaseUrl;
    int index = 1;
    for (; index < arguments.size(); ++index) {
        const QString &argument = arguments.at(index);
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            printUsage(out);
            return 0;
        }
        if (argument == QLatin1String("--version")) {
            out << "jobctl " << QCoreApplication::applicationVersion() << "\n";
            return 0;
        }
        if (argument == QLatin1String("--db")) {
            if (++index == arguments.size()) {
                err << "jobctl: --db needs a value: " << databaseForms << "\n";
                return 2;
            }
            databaseUrl = arguments.at(index);
        } else if (argument.startsWith(QLatin1String("--db="))) {
            databaseUrl = argument.mid(5);
        } else {
            break;
        }
        // An empty value (an unset variable in a script: --db "$DB") would otherwise mean the
        // default database, and the command would act on another database than intended.
        if (databaseUrl.trimmed().isEmpty()) {
            err << "jobctl: --db is empty: name " << databaseForms
                << ", or leave --db out for $JOBCONSOLE_DB or the default database\n";
            return 2;
        }
    }
    if (index == arguments.size()) {
        printUsage(err);
        return 2;
    }
    const QString name = arguments.at(index);
    const auto found = commands().find(name);
    if (found == commands().end()) {
        err << "jobctl: unknown command \"" << name << "\"\n\n";
        printUsage(err);
        return 2;
    }
    // The command's parser sees "jobctl ARGS": its own options and arguments only.
    QStringList commandArguments{arguments.first()};
    commandArguments += arguments.mid(index + 1);
    return found->second.run(CommandEnvironment{commandArguments, out, err, databaseUrl, journal});
}

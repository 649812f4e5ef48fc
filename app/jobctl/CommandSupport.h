#pragma once

#include "CommandEnvironment.h"

#include "common/Expected.h"
#include "engine/SystemClock.h"
#include "jobs/CatalogEntry.h"
#include "storage/AppDatabase.h"
#include "storage/ConnectionFactory.h"
#include "storage/DatabaseClock.h"
#include "storage/RunHistory.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonObject>

#include <memory>
#include <optional>

// Small pieces every database command shares.
namespace CommandSupport {

// Parses `env.arguments` with `parser`; prints help and returns 0, or prints the parse error
// and returns 2; std::nullopt when the command should go on.
std::optional<int> parse(QCommandLineParser &parser, const CommandEnvironment &env,
                         const QString &command);

// A command's parser and its options (a struct of QCommandLineOption), described to the parser
// on construction by the command's own `describe(QCommandLineParser &, const Options &)`
// (found next to Options).
template <typename Options> struct CommandLine
{
    CommandLine() { describe(parser, options); }
    CommandLine(const CommandLine &) = delete;
    CommandLine &operator=(const CommandLine &) = delete;

    // CommandSupport::parse() with this parser.
    std::optional<int> parse(const CommandEnvironment &env, const QString &command)
    {
        return CommandSupport::parse(parser, env, command);
    }

    QCommandLineParser parser;
    const Options options;
};

// How a command starts: parses `env.arguments` with Options' CommandLine and returns parse()'s
// status (help, or a usage error), or, when the command should go on,
// `body(env, parser, options)`. Each command's run() is this one line, so that none
// repeats the prelude.
template <typename Options, typename Body>
int parseThen(const CommandEnvironment &env, const QString &command, Body body)
{
    CommandLine<Options> line;
    if (const auto status = line.parse(env, command))
        return *status;
    return body(env, line.parser, line.options);
}

// Opens (and migrates) the database named by --db / $JOBCONSOLE_DB / the default. Commands that
// only read pass Access::Read, so that they work on a database this user may only read; only
// commands that create on purpose (seed) pass IfMissing::Create.
jc::Expected<std::shared_ptr<jc::ConnectionFactory>, QString>
openDatabase(const CommandEnvironment &env,
             jc::AppDatabase::Access access = jc::AppDatabase::Access::ReadWrite,
             jc::AppDatabase::IfMissing ifMissing = jc::AppDatabase::IfMissing::Refuse);

// A database and the clock its instants are in: the server's time on PostgreSQL and
// MySQL/MariaDB (DatabaseClock, aligned once on construction; a scheduler keeps it aligned),
// so that what a command writes or judges (heartbeats, leases, a pause's start) agrees with
// every other instance. Not movable: the clock refers to the system clock beside it.
struct DatabaseWithClock
{
    explicit DatabaseWithClock(std::shared_ptr<jc::ConnectionFactory> opened);
    DatabaseWithClock(const DatabaseWithClock &) = delete;
    DatabaseWithClock &operator=(const DatabaseWithClock &) = delete;

    std::shared_ptr<jc::ConnectionFactory> database;
    jc::SystemClock systemClock;
    jc::DatabaseClock clock;
};

// openDatabase() and its aligned clock, for the commands that run jobs (run, serve); a failure
// is written as `command`'s error, whose status (1) is the error.
jc::Expected<std::unique_ptr<DatabaseWithClock>, int> openWithClock(const CommandEnvironment &env,
                                                                    const QString &command);

// Declares the JOB positional argument that findJob() and jobArgument() read.
void addJobArgument(QCommandLineParser &parser);

// The job that JOB (`positional`, one argument) means: its name in any case or its slug from
// the logs (JobCatalog::lookup); null for none.
const jc::CatalogEntry *findJob(const QStringList &positional);

// Why `positional` names no job, listing the jobs.
QString noJobMessage(const QStringList &positional);

// The name of findJob()'s job; for none, noJobMessage() written as a usage error, whose
// status (2) is the error.
jc::Expected<QString, int> jobArgument(const CommandEnvironment &env, const QString &command,
                                       const QStringList &positional);

// What a command on one job works on: the job JOB names, and the database (read-write).
struct JobOnDatabase
{
    QString job;
    std::shared_ptr<jc::ConnectionFactory> database;
};

// parse(), then the job JOB names (jobArgument()), then openDatabase(): the exit status where
// one of them ended the command (0 after --help), the job and the database otherwise.
jc::Expected<JobOnDatabase, int> parseJobOnDatabase(QCommandLineParser &parser,
                                                    const CommandEnvironment &env,
                                                    const QString &command);

// Now, in the database server's clock on PostgreSQL (DatabaseClock): liveness is judged
// against heartbeats that every instance writes in that clock, whatever this host's clock says.
QDateTime databaseNow(const std::shared_ptr<jc::ConnectionFactory> &database);

// The OS account running this command: who paused, cancelled or ran something.
QString osUser();

// "2026-11-01" (local midnight) or an ISO 8601 instant with an offset.
std::optional<QDateTime> parseDateOrInstant(const QString &text);

// An instant for people: local time with its offset, "2026-12-01 00:00:00 +01:00".
QString humanTime(const QDateTime &instant);

// "1.2 s", "3 min 20 s", "2 h 5 min".
QString humanDuration(qint64 msecs);

// How long a stored run took: start to end; while it runs, to `nowMSecs` ("5.2 s so far"), or
// to its last heartbeat when its holder no longer answers (RunLiveness); "-" when it never
// started.
QString runDuration(const jc::StoredRun &run, qint64 nowMSecs);

// Applies "KEY=VALUE" texts (given with `option`, e.g. "--setting") for the job's own
// settings to `settings`; an empty VALUE drops the key. Each value is checked against its
// spec, so a typo is refused at once with a message naming the setting.
std::optional<QString> applySettingTexts(const jc::CatalogEntry &entry, const QStringList &texts,
                                         const QString &option, QJsonObject &settings);

} // namespace CommandSupport

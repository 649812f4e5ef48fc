#include "CommandSupport.h"

#include "jobs/JobCatalog.h"
#include "jobs/SettingValues.h"

#include "common/IsoTime.h"
#include "engine/SystemClock.h"
#include "storage/AppDatabase.h"
#include "storage/DatabaseClock.h"
#include "storage/RunLiveness.h"

#include <QTimeZone>

#include <pwd.h>
#include <unistd.h>

namespace CommandSupport {

std::optional<int> parse(QCommandLineParser &parser, const CommandEnvironment &env,
                         const QString &command)
{
    // Not addHelpOption(): it adds Qt's --help-all, whose Qt options no jobctl command takes.
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QStringLiteral("Displays this help."));
    parser.addOption(helpOption);
    if (!parser.parse(env.arguments))
        return env.fail(command, parser.errorText(), 2);
    if (parser.isSet(helpOption)) {
        // Qt writes the program's path as it was typed; people want the command's usage.
        QString help = parser.helpText();
        const qsizetype options = help.indexOf(QLatin1String(" [options]"));
        if (help.startsWith(QLatin1String("Usage: ")) && options > 0)
            help.replace(7, options - 7, QStringLiteral("jobctl ") + command);
        env.out << help;
        return 0;
    }
    return std::nullopt;
}

jc::Expected<std::shared_ptr<jc::ConnectionFactory>, QString>
openDatabase(const CommandEnvironment &env, jc::AppDatabase::Access access,
             jc::AppDatabase::IfMissing ifMissing)
{
    return jc::AppDatabase::open(jc::AppDatabase::resolveUrlText(env.databaseUrl), access,
                                 ifMissing);
}

DatabaseWithClock::DatabaseWithClock(std::shared_ptr<jc::ConnectionFactory> opened)
    : database(std::move(opened))
    , clock(systemClock)
{
    clock.align(*database);
}

jc::Expected<std::unique_ptr<DatabaseWithClock>, int> openWithClock(const CommandEnvironment &env,
                                                                    const QString &command)
{
    auto database = openDatabase(env);
    if (!database)
        return jc::Unexpected(env.fail(command, database.error()));
    return std::make_unique<DatabaseWithClock>(std::move(database).value());
}

const jc::CatalogEntry *findJob(const QStringList &positional)
{
    return positional.size() == 1 ? jc::JobCatalog::lookup(positional.first()) : nullptr;
}

QString noJobMessage(const QStringList &positional)
{
    const QString known = jc::JobCatalog::jobNames().join(QStringLiteral(", "));
    if (positional.size() != 1)
        return QStringLiteral("expected one JOB, quoted if it has spaces (jobs: %1)").arg(known);
    return QStringLiteral("no job named \"%1\" (jobs: %2)").arg(positional.first(), known);
}

void addJobArgument(QCommandLineParser &parser)
{
    parser.addPositionalArgument(
        QStringLiteral("JOB"),
        QStringLiteral("The job's name, or its name in the logs (monthly-credit-top-up)."));
}

jc::Expected<QString, int> jobArgument(const CommandEnvironment &env, const QString &command,
                                       const QStringList &positional)
{
    if (const jc::CatalogEntry *entry = findJob(positional))
        return entry->name;
    return jc::Unexpected(env.fail(command, noJobMessage(positional), 2));
}

jc::Expected<JobOnDatabase, int> parseJobOnDatabase(QCommandLineParser &parser,
                                                    const CommandEnvironment &env,
                                                    const QString &command)
{
    if (const auto status = parse(parser, env, command))
        return jc::Unexpected(*status);
    const auto job = jobArgument(env, command, parser.positionalArguments());
    if (!job)
        return jc::Unexpected(job.error());
    auto database = openDatabase(env);
    if (!database)
        return jc::Unexpected(env.fail(command, database.error()));
    return JobOnDatabase{job.value(), std::move(database).value()};
}

QDateTime databaseNow(const std::shared_ptr<jc::ConnectionFactory> &database)
{
    return DatabaseWithClock(database).clock.now();
}

QString osUser()
{
    if (const passwd *entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

std::optional<QDateTime> parseDateOrInstant(const QString &text)
{
    if (const auto instant = jc::IsoTime::parseStrict(text))
        return instant;
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid() || text.size() != 10)
        return std::nullopt;
    return date.startOfDay(QTimeZone::systemTimeZone());
}

QString humanTime(const QDateTime &instant)
{
    if (!instant.isValid())
        return QStringLiteral("-");
    const QDateTime local = instant.toTimeZone(QTimeZone::systemTimeZone());
    return local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss ")) +
           jc::IsoTime::offsetText(local.offsetFromUtc());
}

QString humanDuration(qint64 msecs)
{
    if (msecs < 0)
        return QStringLiteral("-");
    if (msecs < 60000)
        return QString::number(double(msecs) / 1000.0, 'f', 1) + QStringLiteral(" s");
    const qint64 seconds = msecs / 1000;
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString runDuration(const jc::StoredRun &run, qint64 nowMSecs)
{
    if (!run.startedAt.isValid())
        return QStringLiteral("-");
    if (run.finishedAt.isValid() || run.outcome != jc::RunOutcome::Running)
        return humanDuration(run.startedAt.msecsTo(run.finishedAt));
    if (const auto since = jc::RunLiveness::notRespondingSince(run, nowMSecs))
        return humanDuration(run.startedAt.msecsTo(*since));
    return humanDuration(nowMSecs - run.startedAt.toMSecsSinceEpoch()) + QStringLiteral(" so far");
}

// Applies "KEY=VALUE" texts for the job's own settings to `settings`; an empty VALUE drops
// the key. Values are checked against the setting's spec here, so a typo is refused at once.
std::optional<QString> applySettingTexts(const jc::CatalogEntry &entry, const QStringList &texts,
                                         const QString &option, QJsonObject &settings)
{
    for (const QString &text : texts) {
        const qsizetype equals = text.indexOf(u'=');
        const QString key = text.left(equals).trimmed();
        const auto spec = std::find_if(entry.specs.cbegin(), entry.specs.cend(),
                                       [&](const jc::SettingSpec &s) { return s.key == key; });
        if (equals <= 0 || spec == entry.specs.cend()) {
            QStringList keys;
            for (const jc::SettingSpec &s : entry.specs)
                keys.append(s.key);
            return QStringLiteral("%1 \"%2\": expected KEY=VALUE with KEY one of %3")
                .arg(option, text, keys.join(QStringLiteral(", ")));
        }
        const QString value = text.mid(equals + 1);
        if (value.isEmpty()) {
            settings.remove(key);
            continue;
        }
        const auto parsed = jc::SettingValues::parse(*spec, value);
        if (!parsed)
            return key + QStringLiteral(": ") + parsed.error();
        settings.insert(key, QJsonValue::fromVariant(parsed.value()));
    }
    return std::nullopt;
}

} // namespace CommandSupport

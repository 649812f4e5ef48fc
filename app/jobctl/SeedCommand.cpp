#include "SeedCommand.h"

#include "CommandSupport.h"
#include "ProgressLine.h"

#include "seed/BulkDataGenerator.h"
#include "seed/DemoDataSet.h"
#include "seed/DemoDatabase.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QRandomGenerator>

using namespace jc;

namespace {

const QString command = QStringLiteral("seed");

using Counts = BulkDataGenerator::Counts;

// A count option's value; nullopt (after saying why) when it is not a whole number >= 0.
std::optional<qint64> count(const QCommandLineParser &parser, const QString &name,
                            const CommandEnvironment &env)
{
    if (!parser.isSet(name))
        return 0;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < 0 || value > 100'000'000) {
        env.fail(command,
                 QStringLiteral("--%1 \"%2\": expected a whole number from 0 to "
                                "100000000")
                     .arg(name, parser.value(name)),
                 2);
        return std::nullopt;
    }
    return value;
}

QString uploadsDir(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("uploads")))
        return parser.value(QStringLiteral("uploads"));
    const QString fromEnvironment = qEnvironmentVariable("UPLOADS_DIR");
    return fromEnvironment.isEmpty() ? QStringLiteral("static/uploads") : fromEnvironment;
}

QString siteUrl(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("site-url")))
        return parser.value(QStringLiteral("site-url"));
    const QString fromEnvironment = qEnvironmentVariable("SITE_URL");
    return fromEnvironment.isEmpty() ? QStringLiteral("https://game.example.org") : fromEnvironment;
}

QString joinCounts(const QMap<QString, int> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts.append(QStringLiteral("%1 %2").arg(it.value()).arg(it.key()));
    return parts.join(QStringLiteral(", "));
}

int runDemo(const CommandEnvironment &env, DemoDataSet::Options options)
{
    // Seeding fills a new database as often as an existing one: it may create it.
    const auto database = CommandSupport::openDatabase(env, AppDatabase::Access::ReadWrite,
                                                       AppDatabase::IfMissing::Create);
    if (!database)
        return env.fail(command, database.error());
    const auto report = DemoDataSet::write(*database.value(), options);
    if (!report)
        return env.fail(command, report.error());
    // The uploads cleanup on this database then works on the demo's uploads folder.
    const auto pointed = DemoDatabase::pointUploadsCleanupAt(database.value(), options.uploadsDir,
                                                             QStringLiteral("jobctl seed"));
    if (!pointed)
        return env.fail(command, pointed.error());
    QMap<QString, int> limits;
    for (auto it = report->usersByLimit.cbegin(); it != report->usersByLimit.cend(); ++it)
        limits.insert(QStringLiteral("with limit %1").arg(it.key()), it.value());
    env.out << "Demo data written to " << database.value()->url().toDisplayString() << " (seed "
            << options.seed << "):\n"
            << "  users:         " << joinCounts(limits) << "\n"
            << "  purchases:     " << joinCounts(report->purchasesByStatus) << "\n"
            << "  adjustments:   " << report->adjustments << "\n"
            << "  blocks:        " << report->blocks << ", team block states "
            << report->teamBlockStates << "\n"
            << "  uploads:       " << QDir(options.uploadsDir).absolutePath() << ": "
            << report->filesReferenced << " referenced, " << report->filesOrphaned << " orphaned, "
            << report->filesTooYoung << " too young, " << report->cachedCopies << " cached copies ("
            << QLocale().formattedDataSize(report->bytesWritten) << ")\n"
            << "  runs:          " << joinCounts(report->runsByStatus) << "\n"
            << "  the Orphaned Uploads Cleanup's uploadsDir setting now names that folder\n";
    for (auto it = report->runsByJob.cbegin(); it != report->runsByJob.cend(); ++it)
        env.out << "    " << it.key() << ": " << it.value() << " runs\n";
    env.out << "Start the console on this database, or try `jobctl list` and `jobctl history`.\n";
    return 0;
}

int runBulk(const CommandEnvironment &env, BulkDataGenerator::Options options, bool showProgress)
{
    // Seeding fills a new database as often as an existing one: it may create it.
    const auto database = CommandSupport::openDatabase(env, AppDatabase::Access::ReadWrite,
                                                       AppDatabase::IfMissing::Create);
    if (!database)
        return env.fail(command, database.error());
    ProgressLine progress(env.out, showProgress);
    QElapsedTimer part;
    QElapsedTimer total;
    total.start();
    QString current;
    const QLocale locale;
    options.progress = [&](const QString &what, qint64 done, qint64 all) {
        if (what != current) {
            current = what;
            part.start();
        }
        progress.show(done, all, what);
        if (done == all) {
            progress.clear();
            const qint64 ms = std::max<qint64>(1, part.elapsed());
            env.out << QStringLiteral("  %1 %2 in %3 (%4 a second)\n")
                           .arg(locale.toString(all), what, CommandSupport::humanDuration(ms),
                                locale.toString(all * 1000 / ms));
            env.out.flush();
        }
    };
    env.out << "Seeding " << database.value()->url().toDisplayString() << " (seed " << options.seed
            << ")\n";
    env.out.flush();
    const auto report = BulkDataGenerator::write(*database.value(), options);
    progress.clear();
    if (!report)
        return env.fail(command, report.error());
    env.out << "Done in " << CommandSupport::humanDuration(total.elapsed())
            << " (statistics refreshed).\n";
    return 0;
}

struct SeedOptions
{
    QCommandLineOption demo{QStringLiteral("demo"),
                            QStringLiteral("Write the demo data set (empty database only).")};
    QList<QCommandLineOption> counts{
        {QStringLiteral("users"), QStringLiteral("Generate N users."), QStringLiteral("N")},
        {QStringLiteral("purchases"), QStringLiteral("Generate N credit purchases."),
         QStringLiteral("N")},
        {QStringLiteral("blocks"), QStringLiteral("Generate N blocks."), QStringLiteral("N")},
        {QStringLiteral("files"), QStringLiteral("Generate N upload files (and refer to them)."),
         QStringLiteral("N")}};
    QCommandLineOption uploads{
        QStringLiteral("uploads"),
        QStringLiteral("The uploads folder (default: $UPLOADS_DIR, else ./static/uploads)."),
        QStringLiteral("DIR")};
    QCommandLineOption site{
        QStringLiteral("site-url"),
        QStringLiteral("The site's address for absolute URLs (default: $SITE_URL, else "
                       "https://game.example.org)."),
        QStringLiteral("URL")};
    QCommandLineOption seed{QStringLiteral("seed"),
                            QStringLiteral("Random seed (default: a random one, printed)."),
                            QStringLiteral("N")};
    QCommandLineOption quiet{QStringLiteral("no-progress"),
                             QStringLiteral("No progress line, even on a terminal.")};
};

void describe(QCommandLineParser &parser, const SeedOptions &options)
{
    parser.setApplicationDescription(QStringLiteral(
        "Fills the database with test data.\n"
        "--demo: a small, realistic data set and uploads tree for a first look at the\n"
        "  console: users of every limit and balance, purchases of every status and age,\n"
        "  blocks and player photos referring to uploads, run history with every outcome.\n"
        "  Only for an empty database: use a fresh one, e.g. --db sqlite:/tmp/demo.db.\n"
        "--users/--purchases/--blocks/--files N: large generated data sets for\n"
        "  benchmarks, added to what is there; ANALYZE (PostgreSQL: VACUUM ANALYZE)\n"
        "  runs afterwards.\n"
        "The same --seed gives the same data."));
    parser.addOption(options.demo);
    parser.addOptions(options.counts);
    parser.addOptions({options.uploads, options.site, options.seed, options.quiet});
}

// --seed's value, else a random one (printed with the results); nullopt (after saying why)
// when it is not a whole number.
std::optional<quint64> seedOf(const CommandEnvironment &env, const QCommandLineParser &parser,
                              const SeedOptions &options)
{
    quint64 seedValue = QRandomGenerator::global()->bounded(quint64(1), quint64(1) << 31);
    if (!parser.isSet(options.seed))
        return seedValue;
    bool ok = false;
    seedValue = parser.value(options.seed).toULongLong(&ok);
    if (ok)
        return seedValue;
    env.fail(command,
             QStringLiteral("--seed \"%1\": expected a whole number >= 0")
                 .arg(parser.value(options.seed)),
             2);
    return std::nullopt;
}

// The bulk counts asked for; nullopt (after saying why) when one is not a count.
std::optional<Counts> countsOf(const CommandEnvironment &env, const QCommandLineParser &parser)
{
    Counts wanted;
    for (const auto &[name, target] : {std::pair{QStringLiteral("users"), &wanted.users},
                                       std::pair{QStringLiteral("purchases"), &wanted.purchases},
                                       std::pair{QStringLiteral("blocks"), &wanted.blocks},
                                       std::pair{QStringLiteral("files"), &wanted.files}}) {
        const auto value = count(parser, name, env);
        if (!value)
            return std::nullopt;
        *target = *value;
    }
    return wanted;
}

// The options both data sets take from the command line: the uploads tree, the site's
// address and the seed.
template <typename Options> Options writtenFor(const QCommandLineParser &parser, quint64 seed)
{
    Options options;
    options.uploadsDir = uploadsDir(parser);
    options.siteUrl = siteUrl(parser);
    options.seed = seed;
    return options;
}

int seedDemo(const CommandEnvironment &env, const QCommandLineParser &parser, quint64 seed)
{
    return runDemo(env, writtenFor<DemoDataSet::Options>(parser, seed));
}

int seedBulk(const CommandEnvironment &env, const QCommandLineParser &parser,
             const SeedOptions &seedOptions, const Counts &wanted, quint64 seed)
{
    auto options = writtenFor<BulkDataGenerator::Options>(parser, seed);
    options.wanted = wanted;
    return runBulk(env, options, !parser.isSet(seedOptions.quiet));
}

// The command, its line parsed.
int runParsed(const CommandEnvironment &env, const QCommandLineParser &parser,
              const SeedOptions &options)
{
    if (!parser.positionalArguments().isEmpty())
        return env.fail(command,
                        QStringLiteral("unexpected argument \"%1\"")
                            .arg(parser.positionalArguments().constFirst()),
                        2);
    const auto seed = seedOf(env, parser, options);
    if (!seed)
        return 2;
    const auto wanted = countsOf(env, parser);
    if (!wanted)
        return 2;
    const bool anyCount = wanted->users + wanted->purchases + wanted->blocks + wanted->files > 0;
    if (parser.isSet(options.demo) == anyCount)
        return env.fail(command,
                        QStringLiteral("say what to write: --demo, or counts (--users N "
                                       "--purchases N --blocks N --files N), not both"),
                        2);
    if (parser.isSet(options.demo))
        return seedDemo(env, parser, *seed);
    return seedBulk(env, parser, options, *wanted, *seed);
}

} // namespace

int SeedCommand::run(const CommandEnvironment &env)
{
    return CommandSupport::parseThen<SeedOptions>(env, command, runParsed);
}

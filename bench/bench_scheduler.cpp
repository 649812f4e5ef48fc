// The scheduler engine against the goals of issue 6 (docs/BENCHMARKS.md has the figures):
//   Registration  100,000 jobs with distinct cron schedules registered and scheduled: <= 0.5 s,
//                 <= 1 KiB of RSS growth per job (bodies excluded: they share one lambda).
//   Idle          100,000 registered jobs, none due for an hour: <= 1 wake-up per minute of the
//                 scheduler's timer, ~0 % CPU (watched for 60 s; --quick: 5 s).
//   Burst         10,000 jobs due at one instant, trivial bodies, SQLite file database: all
//                 claimed, run and recorded within 1 s of the instant, each exactly once
//                 (--quick: 2,000 jobs). Also with half and twice as many, for the growth.
//   Lateness      one job every second for 60 s (--quick: 5 s): start lateness p50 <= 1 ms,
//                 p99 <= 5 ms.
// Each scenario runs once (they are minutes of wall time, not microbenchmarks) and reports its
// figures as counters, so `--benchmark_out=FILE --benchmark_out_format=json` has them all.
//
//   build/release/bench/bench_scheduler [--quick] [--benchmark_filter=Burst]
#include "engine/JobContext.h"
#include "engine/ManualClock.h"
#include "engine/Scheduler.h"
#include "engine/SystemClock.h"
#include "storage/AppDatabase.h"
#include "storage/SqlRunJournal.h"

#include "ScenarioMain.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <vector>

#ifndef NDEBUG
#error "Benchmarks are meaningless in a Debug build: use the release preset"
#endif

using namespace jc;
using namespace std::chrono;

namespace {

bool quick = false;

double residentBytes()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE));
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// The process's peak resident set so far (every scenario run before counts too).
double peakResidentMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

// Runs the event loop for `duration` of real time.
void spin(milliseconds duration)
{
    QTimer::singleShot(duration, qApp, [] { QCoreApplication::exit(0); });
    QCoreApplication::exec();
}

// "m h dom mon *" with every (minute, hour, day, month) distinct for i < 483,840.
QString distinctCron(int i)
{
    return QStringLiteral("%1 %2 %3 %4 *")
        .arg(i % 60)
        .arg((i / 60) % 24)
        .arg((i / 1440) % 28 + 1)
        .arg((i / 40320) % 12 + 1);
}

std::vector<JobDefinition> cronJobs(int count, const QTimeZone &zone)
{
    std::vector<JobDefinition> jobs;
    jobs.reserve(size_t(count));
    const JobDefinition::Body body = [](JobContext &) { return JobResult::success(); };
    for (int i = 0; i < count; ++i) {
        JobDefinition job;
        job.name = QStringLiteral("job-%1").arg(i);
        job.schedule = Schedule::parse(distinctCron(i), zone).value();
        job.body = body;
        jobs.push_back(std::move(job));
    }
    return jobs;
}

void BM_Registration_100k(benchmark::State &state)
{
    constexpr int count = 100000;
    const QTimeZone zone("Europe/Berlin");
    for (auto _ : state) {
        ManualClock clock(QDateTime(QDate(2026, 11, 28), QTime(12, 0), Qt::UTC));
        const double rssBefore = residentBytes();
        QElapsedTimer parse;
        parse.start();
        auto jobs = cronJobs(count, zone);
        const double parseSeconds = double(parse.nsecsElapsed()) / 1e9;
        const double rssSchedules = residentBytes();

        QElapsedTimer timer;
        timer.start();
        Scheduler scheduler(clock);
        for (auto &job : jobs)
            (void)scheduler.addJob(std::move(job));
        scheduler.start();
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const double rssAfter = residentBytes();

        state.SetIterationTime(seconds);
        state.counters["register_and_schedule_s"] = seconds;
        state.counters["parse_s"] = parseSeconds;
        state.counters["goal_s"] = 0.5;
        state.counters["rss_per_job_B"] = (rssAfter - rssBefore) / count;
        state.counters["rss_per_job_scheduler_only_B"] = (rssAfter - rssSchedules) / count;
        state.counters["goal_rss_per_job_B"] = 1024;
        state.counters["jobs"] = double(scheduler.jobNames().size());
    }
}
BENCHMARK(BM_Registration_100k)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Idle_100k(benchmark::State &state)
{
    // Every job is at least two days away (the earliest day of month is the 1st, far from
    // the last days of November when this was written); a run of this benchmark on one of
    // the first days of a month should pick other days: checked below.
    constexpr int count = 100000;
    const milliseconds watch = quick ? seconds(5) : seconds(60);
    for (auto _ : state) {
        SystemClock clock;
        Scheduler scheduler(clock);
        for (auto &job : cronJobs(count, QTimeZone::systemTimeZone()))
            (void)scheduler.addJob(std::move(job));
        scheduler.start();
        const qint64 now = clock.nowMSecs();
        qint64 earliest = std::numeric_limits<qint64>::max();
        for (const JobStatus &status : scheduler.jobStatuses()) {
            if (status.nextRun.isValid())
                earliest = std::min(earliest, status.nextRun.toMSecsSinceEpoch());
        }
        if (earliest - now < 3600 * 1000) {
            state.SkipWithError("a job is due within the hour: run it on another day");
            return;
        }
        const quint64 wakesBefore = scheduler.wakeCount();
        const double cpuBefore = cpuSeconds();
        spin(watch);
        const double cpu = cpuSeconds() - cpuBefore;
        const double minutes = double(watch.count()) / 60000.0;
        state.SetIterationTime(double(watch.count()) / 1000.0);
        state.counters["wakeups_per_minute"] =
            double(scheduler.wakeCount() - wakesBefore) / minutes;
        state.counters["goal_wakeups_per_minute"] = 1;
        state.counters["cpu_percent"] = 100.0 * cpu / (double(watch.count()) / 1000.0);
        state.counters["watched_s"] = double(watch.count()) / 1000.0;
    }
}
BENCHMARK(BM_Idle_100k)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

// state.range(0): the jobs, in tenths of the scenario's 10,000 (--quick: of 2,000).
void BM_Burst_Sqlite(benchmark::State &state)
{
    const int count = int(state.range(0)) * (quick ? 2000 : 10000) / 10;
    QLoggingCategory::setFilterRules(QStringLiteral("jc.*.info=false"));
    for (auto _ : state) {
        QTemporaryDir dir;
        auto database =
            AppDatabase::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("burst.db")),
                              AppDatabase::Access::ReadWrite, AppDatabase::IfMissing::Create);
        if (!database) {
            state.SkipWithError(database.error().toStdString().c_str());
            return;
        }
        SystemClock clock;
        // The instant: a whole second, far enough ahead for registration to finish first.
        const qint64 instant = (clock.nowMSecs() / 1000 + 4) * 1000;
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(instant, Qt::UTC);
        const auto schedule =
            Schedule::parse(at.toString(QStringLiteral("s m H d M *")), QTimeZone::utc()).value();
        Scheduler scheduler(clock);
        scheduler.setJournal(std::make_shared<SqlRunJournal>(database.value()));
        const JobDefinition::Body body = [](JobContext &) { return JobResult::success(); };
        for (int i = 0; i < count; ++i)
            (void)scheduler.addJob({QStringLiteral("burst-%1").arg(i), {}, schedule, body, {}});
        int finished = 0;
        int succeeded = 0;
        qint64 lastRecorded = 0;
        QObject::connect(&scheduler, &Scheduler::runFinished, &scheduler,
                         [&](const RunRecord &record) {
                             ++finished;
                             succeeded += record.outcome == RunOutcome::Succeeded ? 1 : 0;
                             lastRecorded = clock.nowMSecs();
                             if (finished == count)
                                 QCoreApplication::exit(0);
                         });
        // Gives up a minute after the instant; a timer of this scope, so that it cannot end a
        // later benchmark's event loop.
        QTimer giveUp;
        giveUp.setSingleShot(true);
        QObject::connect(&giveUp, &QTimer::timeout, qApp, [] { QCoreApplication::exit(1); });
        giveUp.start(milliseconds(instant - clock.nowMSecs() + 60000));
        scheduler.start();
        QCoreApplication::exec();
        scheduler.stop(seconds(10));

        QSqlDatabase db = database.value()->connectionForCurrentThread().value();
        QSqlQuery rows(db);
        rows.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT job_name) FROM jc_runs "
                                 "WHERE status = 'succeeded' AND occurrence_ms = %1")
                      .arg(instant));
        rows.next();
        const double seconds = double(lastRecorded - instant) / 1000.0;
        state.SetIterationTime(seconds);
        state.counters["all_recorded_after_s"] = seconds;
        state.counters["goal_s"] = 1;
        state.counters["runs_finished"] = finished;
        state.counters["runs_succeeded"] = succeeded;
        state.counters["rows_succeeded"] = rows.value(0).toDouble();
        state.counters["jobs_with_a_row"] = rows.value(1).toDouble();
        state.counters["jobs"] = count;
        state.counters["process_peak_rss_MiB"] = peakResidentMiB();
    }
    QLoggingCategory::setFilterRules({});
}
BENCHMARK(BM_Burst_Sqlite)
    ->ArgName("tenths")
    ->Arg(5)
    ->Arg(10)
    ->Arg(20)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_Lateness_EverySecond(benchmark::State &state)
{
    const int runs = quick ? 5 : 60;
    QLoggingCategory::setFilterRules(QStringLiteral("jc.*.info=false"));
    for (auto _ : state) {
        SystemClock clock;
        Scheduler scheduler(clock);
        std::mutex mutex;
        std::vector<double> lateness; // milliseconds
        const JobDefinition::Body body = [&](JobContext &context) {
            const auto now = duration_cast<microseconds>(system_clock::now().time_since_epoch());
            const double late =
                double(now.count() - context.occurrence().toMSecsSinceEpoch() * 1000) / 1000.0;
            std::lock_guard lock(mutex);
            lateness.push_back(late);
            if (int(lateness.size()) == runs)
                QMetaObject::invokeMethod(qApp, [] { QCoreApplication::exit(0); });
            return JobResult::success();
        };
        (void)scheduler.addJob({QStringLiteral("every-second"),
                                {},
                                Schedule::parse(QStringLiteral("* * * * * *")).value(),
                                body,
                                {}});
        scheduler.start();
        QCoreApplication::exec();
        scheduler.stop(seconds(5));
        std::sort(lateness.begin(), lateness.end());
        const auto percentile = [&](double p) {
            return lateness[std::min(lateness.size() - 1, size_t(p * double(lateness.size())))];
        };
        state.SetIterationTime(double(runs));
        state.counters["runs"] = double(lateness.size());
        state.counters["p50_ms"] = percentile(0.50);
        state.counters["p99_ms"] = percentile(0.99);
        state.counters["max_ms"] = lateness.back();
        state.counters["goal_p50_ms"] = 1;
        state.counters["goal_p99_ms"] = 5;
    }
    QLoggingCategory::setFilterRules({});
}
BENCHMARK(BM_Lateness_EverySecond)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

} // namespace

int main(int argc, char **argv)
{
    return jc::bench::scenarioMain(argc, argv, quick);
}

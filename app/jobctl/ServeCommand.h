#pragma once

#include "CommandEnvironment.h"

// `jobctl [--db URL] serve`: the headless scheduler. Runs the built-in jobs on their
// schedules, recording every run in the database, until SIGINT or SIGTERM; then cancels
// running jobs, waits for them up to --stop-deadline and exits 0 (1 when some had to be
// abandoned).
//
// Under systemd (Type=notify, resources/systemd/jobctl-serve.service.in) it tells the service
// manager through ServiceNotifier: READY=1 once the database is open and the scheduler
// started, a STATUS= line kept current ("4 jobs, next: … at 00:00"), WATCHDOG=1 from the
// main event loop, STOPPING=1 on the stop signal. NOTIFY_SOCKET or WATCHDOG_USEC values that
// systemd would never set exit 2 before the database is opened.
//
// With --metrics HOST:PORT it serves Prometheus/OpenMetrics text at /metrics (service/:
// MetricsServer, SchedulerMetrics) from the scheduler's thread, and logs the URL. The address
// is parsed and bound before the database is opened: a malformed one, or one that cannot be
// bound (in use, not this machine's), exits 2 saying so.
class ServeCommand
{
public:
    static int run(const CommandEnvironment &env);
};

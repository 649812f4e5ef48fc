#pragma once

#include <QtGlobal>

namespace jc {

// How this instance's last heartbeat pass went (SchedulerJournal::heartbeat): the pass
// refreshes the leases of the runs it holds (their heartbeat in the journal) and sweeps the
// runs of dead instances. Other instances take a run whose lease ran out for dead, so an
// admin wants to know when this stops working before they do.
struct LeaseRenewal
{
    qint64 attemptedAtMSecs = 0; // the scheduler clock's instant of the last pass
    bool ok = false;             // whether the journal took every write of that pass
    qint64 renewedAtMSecs = 0;   // the instant of the last pass that was ok (0: none yet)
};

} // namespace jc

#pragma once

#include "engine/RunInfo.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <mutex>

namespace jc {

class Clock;

// A worker's line to its scheduler: carries "run N has news" to the scheduler's thread, and
// reads the scheduler's clock. Workers hold it by shared_ptr, so a body that outlives its
// scheduler (abandoned at shutdown) posts into a closed mailbox instead of a deleted object,
// and reads the system clock instead of a deleted one.
class SchedulerMailbox
{
public:
    // `handler` is called on `receiver`'s thread, by a queued call. `clock` must stay alive
    // until close().
    SchedulerMailbox(QObject *receiver, const Clock &clock, std::function<void(RunId)> handler);

    // Any thread. Does nothing once closed.
    void post(RunId run);
    // Any thread: the scheduler's clock while open, the system clock after close().
    qint64 nowMSecs() const;
    // The receiver's thread, before the receiver goes away.
    void close();

private:
    mutable std::mutex m_mutex;
    QObject *m_receiver;
    const Clock *m_clock;
    std::function<void(RunId)> m_handler;
};

} // namespace jc

#include "common/BackgroundPriority.h"

#include "common/LogCategories.h"

#include <QtGlobal>

#include <algorithm>
#include <atomic>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace jc {

namespace {

std::atomic<int> g_increment{0};
std::atomic<int> g_processNiceness{0};

// The increment this thread was last lowered for; pool threads live on, so each is lowered
// once, not before every piece of work.
thread_local int t_applied = 0;

constexpr int lowestNiceness = 19;

} // namespace

void BackgroundPriority::setNiceIncrement(int increment)
{
    g_processNiceness.store(currentThreadNiceness(), std::memory_order_relaxed);
    g_increment.store(std::clamp(increment, 0, lowestNiceness), std::memory_order_relaxed);
}

int BackgroundPriority::niceIncrement()
{
    return g_increment.load(std::memory_order_relaxed);
}

int BackgroundPriority::currentThreadNiceness()
{
#ifdef Q_OS_LINUX
    errno = 0;
    const int niceness = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
    return errno == 0 ? niceness : 0;
#else
    return 0;
#endif
}

void BackgroundPriority::applyToCurrentThread()
{
    const int increment = g_increment.load(std::memory_order_relaxed);
    if (increment == t_applied)
        return;
    t_applied = increment;
#ifdef Q_OS_LINUX
    const int target =
        std::min(lowestNiceness, g_processNiceness.load(std::memory_order_relaxed) + increment);
    if (currentThreadNiceness() >= target)
        return;
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), target) != 0) {
        // Only a lowering is asked for, which needs no privilege; say why if it failed anyway.
        qCWarning(lcScheduler).noquote()
            << QStringLiteral("Could not lower a background thread to niceness %1: %2")
                   .arg(target)
                   .arg(QString::fromLocal8Bit(std::strerror(errno)));
    }
#endif
}

} // namespace jc

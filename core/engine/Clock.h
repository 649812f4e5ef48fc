#pragma once

#include <QDateTime>
#include <QObject>
#include <QTimeZone>

#include <chrono>

namespace jc {

// Where every "now" comes from (ARCHITECTURE.md, decision 2). The scheduler never asks the
// system for the time directly, so tests drive it with a ManualClock and assert exact
// instants without sleeping.
//
// Thread: now() may be called from any thread; signals are emitted on the clock's thread.
class Clock : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Milliseconds since the Unix epoch, UTC.
    [[nodiscard]] virtual qint64 nowMSecs() const = 0;

    [[nodiscard]] QDateTime now() const
    {
        return QDateTime::fromMSecsSinceEpoch(nowMSecs(), Qt::UTC);
    }

    // How much earlier than an instant the scheduler arms its timer, to wait the rest with
    // waitUntil(). A QTimer counts whole milliseconds from a time read in whole milliseconds,
    // and the event loop rounds its wait up: armed for an instant, it fires 0.3 to 2.5 ms after
    // it. Zero (the default): no lead, the timer alone (a manual clock moves only when told).
    [[nodiscard]] virtual std::chrono::milliseconds precisionLead() const { return {}; }

    // Blocks the calling thread until nowMSecs() reaches `msecs`, but never longer than
    // precisionLead(). Does nothing for a clock without a lead.
    virtual void waitUntil(qint64 msecs) const { Q_UNUSED(msecs); }

signals:
    // The clock was set or moved by other means than the passing of time (a manual clock
    // advanced by a test). Listeners re-read now() at once instead of waiting for a timer.
    void changed();
};

} // namespace jc

#pragma once

#include <QDateTime>
#include <QObject>
#include <QTimeZone>

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
    virtual qint64 nowMSecs() const = 0;

    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMSecs(), Qt::UTC); }

signals:
    // The clock was set or moved by other means than the passing of time (a manual clock
    // advanced by a test). Listeners re-read now() at once instead of waiting for a timer.
    void changed();
};

} // namespace jc

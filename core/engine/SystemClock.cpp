#include "engine/SystemClock.h"

namespace jc {

qint64 SystemClock::nowMSecs() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace jc

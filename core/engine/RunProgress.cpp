#include "engine/RunProgress.h"

#include <algorithm>

namespace jc {

RunProgress RunProgress::sanitized(qint64 done, qint64 total, const QString &text)
{
    RunProgress progress;
    progress.total = std::max<qint64>(0, total);
    progress.done = std::max<qint64>(0, done);
    if (progress.total > 0)
        progress.done = std::min(progress.done, progress.total);
    progress.text = text.left(500);
    return progress;
}

} // namespace jc

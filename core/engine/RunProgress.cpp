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
    if (progress.total > maximumCount) {
        const double share = double(progress.done) / double(progress.total);
        progress.total = maximumCount;
        progress.done = std::min(maximumCount, qint64(share * double(maximumCount)));
    } else if (progress.done > maximumCount) {
        progress.done = maximumCount;
    }
    progress.text = text.left(maximumTextLength);
    // Never half a surrogate pair: cut before it, so the text stays valid UTF-16 (and UTF-8
    // in the database).
    if (!progress.text.isEmpty() && progress.text.back().isHighSurrogate())
        progress.text.chop(1);
    return progress;
}

} // namespace jc

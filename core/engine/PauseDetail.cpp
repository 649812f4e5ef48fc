#include "engine/PauseDetail.h"

namespace jc {

QString pauseDetail(const QString &pausedBy, const QString &reason)
{
    QString detail = QStringLiteral("The job is paused");
    if (!pausedBy.isEmpty())
        detail += QStringLiteral(" by %1").arg(pausedBy);
    if (!reason.isEmpty())
        detail += QStringLiteral(": %1").arg(reason);
    return detail;
}

} // namespace jc

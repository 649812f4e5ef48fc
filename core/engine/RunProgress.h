#pragma once

#include <QString>
#include <QtGlobal>

namespace jc {

// A run's progress: done of total (total 0 = unknown), and a line of text.
struct RunProgress
{
    qint64 done = 0;
    qint64 total = 0;
    QString text;

    // Negative numbers become 0; done past a known total becomes the total.
    static RunProgress sanitized(qint64 done, qint64 total, const QString &text);
    bool operator==(const RunProgress &) const = default;
};

} // namespace jc

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

    // No real count comes near 2^53 (where a double, as JSON and charts hold numbers, stops
    // counting exactly), and displays compute done * 1000 / total in 64 bits: larger numbers
    // are scaled down to it, keeping done / total.
    static constexpr qint64 maximumCount = qint64(1) << 53;
    static constexpr qsizetype maximumTextLength = 500;

    // Negative numbers become 0; done past a known total becomes the total; counts above
    // maximumCount are scaled down; the text is cut to maximumTextLength characters (never
    // inside a surrogate pair).
    static RunProgress sanitized(qint64 done, qint64 total, const QString &text);
    bool operator==(const RunProgress &) const = default;
};

} // namespace jc

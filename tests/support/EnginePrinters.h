#pragma once

// Lets QCOMPARE print the engine's enums by name when a comparison fails.
#include "engine/RunOutcome.h"
#include "engine/RunTrigger.h"
#include "engine/SkipReason.h"

#include <QTest>

namespace QTest {

template <> inline char *toString(const jc::RunTrigger &value)
{
    return qstrdup(qPrintable(jc::toText(value)));
}

template <> inline char *toString(const jc::RunOutcome &value)
{
    return qstrdup(qPrintable(jc::toText(value)));
}

template <> inline char *toString(const jc::SkipReason &value)
{
    return qstrdup(qPrintable(jc::toText(value)));
}

} // namespace QTest

#pragma once

#include "engine/JobDefinition.h"

#include <QString>
#include <QTimeZone>

namespace jc {

// The definition of one of the built-in jobs: its name, what it does (with its settings'
// figures), its schedule in `zone` from a schedule text the job was written with (which always
// parses: a typo is a programming error, caught by every job's tests) and its body. Policies
// are the defaults; a job that wants others sets them on the result.
JobDefinition builtInDefinition(const char *name, QString description, const QString &schedule,
                                const QTimeZone &zone, JobDefinition::Body body);

} // namespace jc

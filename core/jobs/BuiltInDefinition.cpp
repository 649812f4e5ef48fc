#include "jobs/BuiltInDefinition.h"

#include <utility>

namespace jc {

JobDefinition builtInDefinition(const char *name, QString description, const QString &schedule,
                                const QTimeZone &zone, JobDefinition::Body body)
{
    auto parsed = Schedule::parse(schedule, zone);
    Q_ASSERT_X(parsed, "builtInDefinition", qPrintable(schedule));
    JobDefinition def;
    def.name = QString::fromLatin1(name);
    def.description = std::move(description);
    def.schedule = std::move(parsed).value();
    def.body = std::move(body);
    return def;
}

} // namespace jc

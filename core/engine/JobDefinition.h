#pragma once

#include "engine/JobPolicies.h"
#include "engine/JobResult.h"
#include "schedule/Schedule.h"

#include <QString>

#include <functional>

namespace jc {

class JobContext;

// A job as registered: a unique non-empty name, what it does, when, and under which rules.
// The body runs on a worker thread; it should check the context's stop token between units
// of work. An exception escaping the body is caught and recorded as a failure.
struct JobDefinition
{
    using Body = std::function<JobResult(JobContext &)>;

    QString name;
    QString description;
    Schedule schedule;
    Body body;
    JobPolicies policies;
};

} // namespace jc

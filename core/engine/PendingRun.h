#pragma once

#include "engine/RunRequest.h"
#include "engine/RunTrigger.h"

#include <QtGlobal>

namespace jc {

// A run about to start, waiting behind a running one (overlap policy Queue), or waiting for
// its retry time.
struct PendingRun
{
    qint64 occurrence = 0; // ms since the epoch
    RunTrigger trigger = RunTrigger::Scheduled;
    int attempt = 1;
    RunRequest request;
};

} // namespace jc

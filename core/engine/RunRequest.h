#pragma once

#include <QString>

namespace jc {

// An admin's "run it now".
struct RunRequest
{
    bool dryRun = false;
    QString requestedBy; // the OS user
    QString reason;
};

} // namespace jc

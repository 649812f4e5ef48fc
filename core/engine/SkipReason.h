#pragma once

#include <QMetaType>
#include <QString>

namespace jc {

// Why an occurrence came due and did not run.
//  Paused   - the job was paused;
//  Overlap  - a run of it was still going and its overlap policy said skip;
//  Coalesced- the scheduler found several occurrences due at once (it was not running, the
//             machine slept or the wall clock jumped) and ran only the latest;
//  ClaimedElsewhere - another instance sharing the database claimed the occurrence first;
//  Stopping - the scheduler was shutting down;
//  DatabaseUnavailable - the database could not be reached to claim it (and no retry
//             followed); recorded once the database is back.
enum class SkipReason {
    Paused,
    Overlap,
    Coalesced,
    ClaimedElsewhere,
    Stopping,
    DatabaseUnavailable
};

QString toText(SkipReason reason);

} // namespace jc

Q_DECLARE_METATYPE(jc::SkipReason)

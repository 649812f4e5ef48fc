#pragma once

#include "jobs/SettingSpec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace jc {

// One job's part of the settings dialog: what it can be told (its SettingSpecs) and what the
// database holds for it now (JobSettingsStore::all()[job], which may also hold the scheduler's
// keys: those are kept as they are).
struct JobSettingsSection
{
    QString job;
    QList<SettingSpec> specs;
    QJsonObject stored;
};

} // namespace jc

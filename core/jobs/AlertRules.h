#pragma once

#include "common/Expected.h"
#include "jobs/SettingSpec.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QUrl>

namespace jc {

// When a job's problems become alerts, and where `jobctl serve` posts them: per job, stored
// with the job's other settings (jc_job_settings; `jobctl set JOB alertOnFailure=no`, the
// console's settings dialog). Keys and defaults:
//   alertOnFailure      yes | no (yes): a run failed, timed out, was interrupted or abandoned
//   alertAfterFailures  1 .. 100 (1): only from the Nth such run in a row (a flaky job that
//                       heals itself on its next run says nothing until it does not)
//   alertOnMissed       yes | no (yes): occurrences came due and did not run
//   alertNoSuccessHours 0 (off) .. 8784: no successful run for longer than this many hours
//   alertSlowFactor     0 (off) .. 100: a run going for longer than this many times the 95th
//                       percentile of the job's last 30 successful runs (at least 5 of them)
//   alertWebhooks       comma-separated http(s) URLs, beside `serve --alert-webhook`
// A success after a streak that was alerted is sent as a recovery. Dry runs never alert.
struct AlertRules
{
    bool onFailure = true;
    int afterFailures = 1;
    bool onMissed = true;
    int noSuccessHours = 0; // 0: off
    int slowFactor = 0;     // 0: off
    QList<QUrl> webhooks;

    static QStringList keys();
    // The rules `settings` (a job's stored settings) set; other keys are ignored. A refusal
    // names the key and what it allows, as JobOverrides' do.
    static Expected<AlertRules, QString> from(const QJsonObject &settings);
    // The keys as settings for the console's settings dialog, each validated by from().
    static QList<SettingSpec> settingSpecs();
    // An absolute http or https URL with a host, or why not (`serve --alert-webhook` too).
    static Expected<QUrl, QString> webhookUrl(const QString &text);
};

} // namespace jc

#include "alerts/Alert.h"
#include "alerts/AlertDecision.h"
#include "jobs/AlertRules.h"
#include "jobs/JobCatalog.h"
#include "jobs/JobOverrides.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using jc::Alert;
using jc::AlertDecision;
using jc::AlertKind;
using jc::AlertRules;
using jc::RunOutcome;
using jc::RunRecord;
using jc::SkipReason;

namespace {

const QDateTime T0 = QDateTime(QDate(2026, 12, 4), QTime(0, 0), Qt::UTC);

RunRecord ended(RunOutcome outcome, const QString &error = {}, bool dryRun = false)
{
    RunRecord record;
    record.info.job = u"Stale Credit Purchase Cleanup"_s;
    record.info.occurrence = T0;
    record.info.startedAt = T0;
    record.info.dryRun = dryRun;
    record.storedRunId = 42;
    record.finishedAt = T0.addSecs(3);
    record.outcome = outcome;
    record.error = error;
    return record;
}

AlertRules rules(const QJsonObject &settings)
{
    const auto parsed = AlertRules::from(settings);
    return parsed ? parsed.value() : AlertRules{};
}

} // namespace

// Which events of a job become alerts, by its rules: the one home of that decision.
class tst_AlertDecision : public QObject
{
    Q_OBJECT

private slots:
    void rulesHaveDefaultsAndRefuseNonsense()
    {
        const auto defaults = AlertRules::from({});
        QVERIFY(defaults);
        QVERIFY(defaults->onFailure);
        QVERIFY(defaults->onMissed);
        QCOMPARE(defaults->afterFailures, 1);
        QVERIFY(defaults->webhooks.isEmpty());

        const auto set =
            AlertRules::from({{u"alertOnFailure"_s, u"no"_s},
                              {u"alertOnMissed"_s, false},
                              {u"alertAfterFailures"_s, 3},
                              {u"alertWebhooks"_s, QJsonArray{u"https://hooks.example.org/a"_s,
                                                              u"http://10.0.0.2:8080/b"_s}}});
        QVERIFY2(set, qPrintable(set ? QString() : set.error()));
        QVERIFY(!set->onFailure);
        QVERIFY(!set->onMissed);
        QCOMPARE(set->afterFailures, 3);
        QCOMPARE(set->webhooks.size(), 2);
        QCOMPARE(set->webhooks.at(1).port(), 8080);
        // Typed by hand: one comma-separated text.
        QCOMPARE(rules({{u"alertWebhooks"_s, u"https://a.example/x, https://b.example/y"_s}})
                     .webhooks.size(),
                 2);

        const QList<std::pair<QJsonObject, QString>> refused{
            {{{u"alertOnFailure"_s, u"maybe"_s}},
             u"alertOnFailure: \"maybe\" is not one of yes, no"_s},
            {{{u"alertAfterFailures"_s, 0}},
             u"alertAfterFailures: 0 is not a whole number from 1 to 100"_s},
            {{{u"alertAfterFailures"_s, 2.5}}, u"alertAfterFailures: 2.5 is not a whole number"_s},
            {{{u"alertWebhooks"_s, u"ftp://x.example/"_s}},
             u"alertWebhooks: \"ftp://x.example/\" is not an http:// or https:// URL"_s},
            {{{u"alertWebhooks"_s, u"hooks.example.org/a"_s}},
             u"is not an http:// or https:// URL"_s},
        };
        for (const auto &[settings, message] : refused) {
            const auto parsed = AlertRules::from(settings);
            QVERIFY(!parsed);
            QVERIFY2(parsed.error().contains(message), qPrintable(parsed.error()));
        }
    }

    // The rules are job settings: `jobctl set` and the console's settings dialog take them
    // (JobOverrides knows their keys and specs) and refuse bad values the same way.
    void rulesAreJobSettings()
    {
        QVERIFY(jc::JobOverrides::keys().contains(u"alertAfterFailures"_s));
        const jc::JobDefinition job =
            jc::JobCatalog::builtInJobs(nullptr, QTimeZone::utc()).constFirst();
        QStringList specKeys;
        for (const jc::SettingSpec &spec : jc::JobOverrides::settingSpecs(job))
            specKeys.append(spec.key);
        for (const QString &key : AlertRules::keys())
            QVERIFY2(specKeys.contains(key), qPrintable(key));
        QVERIFY(jc::JobOverrides::apply(job, {{u"alertOnMissed"_s, u"no"_s}}));
        const auto refused = jc::JobOverrides::apply(job, {{u"alertAfterFailures"_s, 500}});
        QVERIFY(!refused);
        QVERIFY2(refused.error().startsWith(u"alertAfterFailures: "_s),
                 qPrintable(refused.error()));
    }

    void everyFailureAlertsByDefault()
    {
        const auto failed = AlertDecision::onRunEnded(
            ended(RunOutcome::Failed, u"disk full\nat line 3"_s), {}, 0, u"a:1"_s);
        QVERIFY(failed);
        QCOMPARE(failed->kind, AlertKind::Failed);
        QCOMPARE(failed->message, u"disk full"_s);
        QCOMPARE(failed->runId, 42);
        QCOMPARE(failed->instance, u"a:1"_s);
        QCOMPARE(failed->eventKey(), u"run:42"_s);
        QCOMPARE(failed->text(), u"Stale Credit Purchase Cleanup failed: disk full — run 42, "
                                 u"occurrence 2026-12-04T00:00:00Z"_s);
        for (const auto &[outcome, kind] :
             {std::pair{RunOutcome::TimedOut, AlertKind::TimedOut},
              std::pair{RunOutcome::Interrupted, AlertKind::Interrupted},
              std::pair{RunOutcome::Abandoned, AlertKind::Abandoned}}) {
            const auto alert = AlertDecision::onRunEnded(ended(outcome), {}, 0, u"a:1"_s);
            QVERIFY(alert);
            QCOMPARE(alert->kind, kind);
        }
        // Nothing to say: a success after a success, a cancelled run, a dry run.
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Succeeded), {}, 0, {}));
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Cancelled), {}, 3, {}));
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Failed, {}, true), {}, 0, {}));
        // Off.
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Failed),
                                           rules({{u"alertOnFailure"_s, u"no"_s}}), 0, {}));
    }

    void aStreakAlertsFromItsNthFailureAndRecovers()
    {
        const AlertRules third = rules({{u"alertAfterFailures"_s, 3}});
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Failed), third, 0, {}));
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Failed), third, 1, {}));
        const auto alert =
            AlertDecision::onRunEnded(ended(RunOutcome::Failed, u"x"_s), third, 2, {});
        QVERIFY(alert);
        QCOMPARE(alert->count, 3);
        QVERIFY2(alert->text().startsWith(
                     u"Stale Credit Purchase Cleanup failed (3rd time in a row): x"_s),
                 qPrintable(alert->text()));
        QVERIFY(AlertDecision::onRunEnded(ended(RunOutcome::TimedOut), third, 10, {}));

        // A success after a streak that alerted: recovered, once (its own run's event).
        const auto recovered =
            AlertDecision::onRunEnded(ended(RunOutcome::Succeeded), third, 4, {});
        QVERIFY(recovered);
        QCOMPARE(recovered->kind, AlertKind::Recovered);
        QCOMPARE(recovered->count, 4);
        QCOMPARE(recovered->eventKey(), u"recovered:42"_s);
        QVERIFY2(recovered->text().startsWith(
                     u"Stale Credit Purchase Cleanup succeeded again after 4 failed runs"_s),
                 qPrintable(recovered->text()));
        // After a streak too short to have alerted: nothing to recover from.
        QVERIFY(!AlertDecision::onRunEnded(ended(RunOutcome::Succeeded), third, 2, {}));
        QVERIFY(AlertDecision::onRunEnded(ended(RunOutcome::Succeeded), {}, 1, {}));
    }

    void missedOccurrencesThatAreSomeonesProblem()
    {
        const QDateTime at = T0.addSecs(600);
        for (const SkipReason reason :
             {SkipReason::Coalesced, SkipReason::Overlap, SkipReason::DatabaseUnavailable}) {
            const auto alert = AlertDecision::onMissed(u"Monthly Credit Top-Up"_s, T0, reason, 2,
                                                       {}, u"b:2"_s, at);
            QVERIFY(alert);
            QCOMPARE(alert->kind, AlertKind::Missed);
            QCOMPARE(alert->count, 2);
            QCOMPARE(alert->eventKey(),
                     u"missed:Monthly Credit Top-Up:%1"_s.arg(T0.toMSecsSinceEpoch()));
        }
        for (const SkipReason reason :
             {SkipReason::Paused, SkipReason::Stopping, SkipReason::ClaimedElsewhere})
            QVERIFY(!AlertDecision::onMissed(u"J"_s, T0, reason, 1, {}, {}, at));
        QVERIFY(!AlertDecision::onMissed(u"J"_s, T0, SkipReason::Coalesced, 1,
                                         rules({{u"alertOnMissed"_s, u"no"_s}}), {}, at));
    }

    void aJobWithoutSuccessForTooLong()
    {
        const AlertRules day = rules({{u"alertNoSuccessHours"_s, 24}});
        const QDateTime watched = T0.addDays(-10);
        const QDateTime now = T0.addSecs(25 * 3600);
        const auto alert = AlertDecision::onNoSuccess(u"J"_s, T0, watched, day, u"a:1"_s, now);
        QVERIFY(alert);
        QCOMPARE(alert->kind, AlertKind::NoSuccess);
        QCOMPARE(alert->count, 25);
        QCOMPARE(alert->eventKey(), u"no-success:J:%1"_s.arg(T0.toMSecsSinceEpoch()));
        QCOMPARE(alert->text(), u"J has not succeeded for 25 h: no run succeeded for longer than "
                                u"24 h — last success 2026-12-04T00:00:00Z"_s);
        // Within the limit; off; never succeeded, watched long enough or not.
        QVERIFY(!AlertDecision::onNoSuccess(u"J"_s, T0, watched, day, {}, T0.addSecs(24 * 3600)));
        QVERIFY(!AlertDecision::onNoSuccess(u"J"_s, T0, watched, {}, {}, now));
        const auto never = AlertDecision::onNoSuccess(u"J"_s, {}, watched, day, {}, now);
        QVERIFY(never);
        QCOMPARE(never->eventKey(), u"no-success:J:0"_s);
        QVERIFY(!AlertDecision::onNoSuccess(u"J"_s, {}, now.addSecs(-3600), day, {}, now));
        QVERIFY(!AlertRules::from({{u"alertNoSuccessHours"_s, -1}}));
        QVERIFY(!AlertRules::from({{u"alertNoSuccessHours"_s, u"soon"_s}}));
        QCOMPARE(rules({{u"alertNoSuccessHours"_s, u"48"_s}}).noSuccessHours, 48);
    }

    void aRunFarSlowerThanUsual()
    {
        QCOMPARE(AlertDecision::p95({}), 0);
        QCOMPARE(AlertDecision::p95({7}), 7);
        QList<qint64> hundred;
        for (qint64 i = 100; i >= 1; --i)
            hundred.append(i);
        QCOMPARE(AlertDecision::p95(hundred), 95);
        QCOMPARE(AlertDecision::p95({10, 20, 30, 40, 1000}), 1000); // 5 values: the largest

        const AlertRules triple = rules({{u"alertSlowFactor"_s, 3}});
        RunRecord running = ended(RunOutcome::Running);
        const QList<qint64> usual{60000, 50000, 70000, 65000, 55000, 62000}; // p95: 70 s
        const QDateTime start = running.info.startedAt;
        QVERIFY(!AlertDecision::onSlowRun(running, usual, triple, {}, start.addSecs(210)));
        const auto slow =
            AlertDecision::onSlowRun(running, usual, triple, u"a:1"_s, start.addSecs(211));
        QVERIFY(slow);
        QCOMPARE(slow->kind, AlertKind::Slow);
        QCOMPARE(slow->eventKey(), u"slow:42"_s);
        QCOMPARE(slow->count, 3); // minutes
        QCOMPARE(slow->text(), u"Stale Credit Purchase Cleanup has been running for 3 min: more "
                               u"than 3× its usual 70.0 s (95th percentile of its last 6 "
                               u"successful runs) — run 42, occurrence 2026-12-04T00:00:00Z"_s);
        // Off; too few runs to know what is usual; a dry run.
        QVERIFY(!AlertDecision::onSlowRun(running, usual, {}, {}, start.addDays(1)));
        QVERIFY(!AlertDecision::onSlowRun(running, usual.mid(0, 4), triple, {}, start.addDays(1)));
        running.info.dryRun = true;
        QVERIFY(!AlertDecision::onSlowRun(running, usual, triple, {}, start.addDays(1)));
        QVERIFY(!AlertRules::from({{u"alertSlowFactor"_s, 101}}));
    }

    // What a webhook receives, and what is read back from the table.
    void jsonCarriesEveryField()
    {
        const auto alert =
            AlertDecision::onRunEnded(ended(RunOutcome::Failed, u"boom"_s), {}, 0, u"host:7"_s);
        QVERIFY(alert);
        const QJsonObject json = alert->toJson();
        QCOMPARE(json.value(u"job"_s).toString(), u"Stale Credit Purchase Cleanup"_s);
        QCOMPARE(json.value(u"kind"_s).toString(), u"failed"_s);
        QCOMPARE(json.value(u"outcome"_s).toString(), u"failed"_s);
        QCOMPARE(json.value(u"message"_s).toString(), u"boom"_s);
        QCOMPARE(json.value(u"run_id"_s).toInteger(), 42);
        QCOMPARE(json.value(u"occurrence"_s).toString(), u"2026-12-04T00:00:00Z"_s);
        QCOMPARE(json.value(u"instance"_s).toString(), u"host:7"_s);
        QCOMPARE(json.value(u"at"_s).toString(), u"2026-12-04T00:00:03Z"_s);
        QCOMPARE(json.value(u"text"_s).toString(), alert->text());
        const Alert back = Alert::fromJson(json);
        QCOMPARE(back.eventKey(), alert->eventKey());
        QCOMPARE(back.text(), alert->text());
        QCOMPARE(back.at, alert->at);

        const auto missed =
            AlertDecision::onMissed(u"J"_s, T0, SkipReason::Coalesced, 1, {}, {}, T0);
        QVERIFY(missed->toJson().value(u"run_id"_s).isNull());
    }
};

QTEST_GUILESS_MAIN(tst_AlertDecision)
#include "tst_alertdecision.moc"

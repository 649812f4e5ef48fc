#include "common/IsoTime.h"
#include "common/LogFields.h"

#include <QTest>
#include <QTimeZone>

using namespace jc;

class tst_IsoTime : public QObject
{
    Q_OBJECT

private slots:
    void formatsWithTheZonesOffset_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("expected");
        QTest::newRow("UTC is +00:00, never Z") << "UTC"
                                                << "2026-03-29T01:00:00+00:00";
        QTest::newRow("Berlin summer") << "Europe/Berlin"
                                       << "2026-03-29T03:00:00+02:00";
        QTest::newRow("Kathmandu 45 min") << "Asia/Kathmandu"
                                          << "2026-03-29T06:45:00+05:45";
        QTest::newRow("negative half hour") << "America/St_Johns"
                                            << "2026-03-28T22:30:00-02:30";
    }
    void formatsWithTheZonesOffset()
    {
        QFETCH(QString, zone);
        QFETCH(QString, expected);
        const QDateTime instant =
            QDateTime::fromString(QStringLiteral("2026-03-29T01:00:00Z"), Qt::ISODate);
        QCOMPARE(IsoTime::format(instant, QTimeZone(zone.toUtf8())), expected);
    }

    // The arithmetic form writes what the QDateTime form writes, at leap days, century years,
    // the 400-year boundary, five-digit years, negative offsets across midnight and before the
    // epoch (where it hands over to QDateTime).
    void millisecondFormMatchesTheQDateTimeForm()
    {
        const QList<qint64> days = {-1,    0,     1,      11016,   11017,   11047,
                                    47541, 47542, 146097, 2932896, 2932897, 3000000};
        for (const qint64 day : days) {
            for (const qint64 second : {qint64{0}, qint64{1}, qint64{3599}, qint64{86399}}) {
                const qint64 msecs = (day * 86400 + second) * 1000 + 250;
                for (const int offset : {0, 3600, 20700, -12600, 50400, -43200}) {
                    const QDateTime reference =
                        QDateTime::fromMSecsSinceEpoch(msecs, Qt::OffsetFromUTC, offset);
                    QCOMPARE(IsoTime::format(msecs, offset), IsoTime::format(reference));
                }
            }
        }
        for (qint64 msecs = 0; msecs < Q_INT64_C(400) * 366 * 86400 * 1000;
             msecs += Q_INT64_C(86400) * 1000 * 37 + 3'723'000) {
            QCOMPARE(IsoTime::format(msecs, 7200), IsoTime::format(QDateTime::fromMSecsSinceEpoch(
                                                       msecs, Qt::OffsetFromUTC, 7200)));
        }
    }

    void parsesOnlyTheStrictForm_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<qint64>("msecs");
        QTest::newRow("Z") << "2026-03-29T00:30:00Z" << true << qint64(1774744200000);
        QTest::newRow("offset") << "2026-03-29T01:30:00+01:00" << true << qint64(1774744200000);
        QTest::newRow("fraction") << "2026-03-29T00:30:00.250Z" << true << qint64(1774744200250);
        QTest::newRow("no offset") << "2026-03-29T00:30:00" << false << qint64(0);
        QTest::newRow("no seconds") << "2026-03-29T00:30Z" << false << qint64(0);
        QTest::newRow("date only") << "2026-03-29" << false << qint64(0);
        QTest::newRow("space") << "2026-03-29 00:30:00Z" << false << qint64(0);
        QTest::newRow("Feb 30") << "2026-02-30T00:00:00Z" << false << qint64(0);
        QTest::newRow("hour 24") << "2026-02-03T24:00:01Z" << false << qint64(0);
        QTest::newRow("garbage") << "soon" << false << qint64(0);
    }
    void parsesOnlyTheStrictForm()
    {
        QFETCH(QString, text);
        QFETCH(bool, accepted);
        QFETCH(qint64, msecs);
        const auto parsed = IsoTime::parseStrict(text);
        QCOMPARE(parsed.has_value(), accepted);
        if (accepted)
            QCOMPARE(parsed->toMSecsSinceEpoch(), msecs);
    }

    void logFieldsQuoteWhatNeedsIt()
    {
        const QVariantMap fields{
            {QStringLiteral("job"), QStringLiteral("Monthly Credit Top-Up")},
            {QStringLiteral("runId"), 42},
            {QStringLiteral("error"), QStringLiteral("say \"hi\"\nbye")},
            {QStringLiteral("empty"), QString()},
        };
        QCOMPARE(LogFields::format(QStringLiteral("Executing job"), fields),
                 QStringLiteral("Executing job empty=\"\" error=\"say \\\"hi\\\"\\nbye\" "
                                "job=\"Monthly Credit Top-Up\" runId=42"));
    }
};

QTEST_GUILESS_MAIN(tst_IsoTime)
#include "tst_isotime.moc"

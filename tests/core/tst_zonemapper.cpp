// ZoneMapper against Qt's own offsets, for every zone Qt knows: the table's spans must change
// offset exactly where QTimeZone::offsetFromUtc() does. The years are where a shortcut would
// break: wartime double summer time (1945-1947), the end of the explicit TZif data (2037-2040,
// and 2087, where QTimeZone::transitions() is incomplete in Qt 6.4), the rule alone (2100), the
// table's end (2600-2601) and a year folded onto the table by the 400-year cycle (9999).
#include "schedule/ZoneMapper.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include <vector>

using jc::ZoneMapper;

namespace {

int offsetAt(const QTimeZone &zone, qint64 t)
{
    return zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()));
}

// The instants in [start, end) where zone's offset changes, from a daily scan narrowed to the
// second: independent of ZoneMapper's sampling and of QTimeZone::transitions().
std::vector<qint64> scannedChanges(const QTimeZone &zone, qint64 start, qint64 end)
{
    std::vector<qint64> found;
    for (qint64 t = start; t < end; t += 86400) {
        const qint64 next = std::min(t + 86400, end);
        if (offsetAt(zone, t) == offsetAt(zone, next))
            continue;
        qint64 low = t;
        qint64 high = next;
        while (high - low > 1) {
            const qint64 middle = low + (high - low) / 2;
            (offsetAt(zone, middle) == offsetAt(zone, low) ? low : high) = middle;
        }
        found.push_back(high);
    }
    return found;
}

// The instants in (start, end) where the mapper's spans change offset, walking span by span.
std::vector<qint64> mappedChanges(const ZoneMapper &mapper, qint64 start, qint64 end)
{
    std::vector<qint64> found;
    ZoneMapper::Span span = mapper.spanAt(start);
    while (span.end < end) {
        const ZoneMapper::Span next = mapper.spanAt(span.end);
        if (next.offset != span.offset)
            found.push_back(next.start);
        span = next;
    }
    return found;
}

QString listed(const std::vector<qint64> &instants)
{
    QStringList texts;
    for (const qint64 t : instants)
        texts.append(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).toString(Qt::ISODate));
    return texts.join(QLatin1Char(' '));
}

} // namespace

class tst_ZoneMapper : public QObject
{
    Q_OBJECT

private slots:
    void changesWhereQtDoes_data();
    void changesWhereQtDoes();
    void offsetInsideEverySpanIsQts();
};

void tst_ZoneMapper::changesWhereQtDoes_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<int>("year");
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds()) {
        if (!QTimeZone(id).hasTransitions())
            continue;
        for (const int year : {1945, 1947, 2037, 2038, 2039, 2040, 2087, 2100, 2600, 2601, 9999})
            QTest::addRow("%s %d", id.constData(), year) << id << year;
    }
}

void tst_ZoneMapper::changesWhereQtDoes()
{
    QFETCH(QByteArray, zone);
    QFETCH(int, year);
    const QTimeZone tz(zone);
    const qint64 start =
        QDateTime(QDate(year, 1, 1), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    const qint64 end =
        QDateTime(QDate(year + 1, 1, 1), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    const auto mapper = ZoneMapper::forZone(tz);
    QCOMPARE(listed(mappedChanges(*mapper, start, end)), listed(scannedChanges(tz, start, end)));
}

// Within a span the offset is the span's, at its first instant, its last and in between.
void tst_ZoneMapper::offsetInsideEverySpanIsQts()
{
    for (const char *id : {"Europe/Berlin", "Pacific/Auckland", "America/Santiago",
                           "Australia/Lord_Howe", "Africa/Casablanca", "Asia/Tehran"}) {
        const QTimeZone tz(id);
        const auto mapper = ZoneMapper::forZone(tz);
        for (const int year : {1947, 2026, 2038, 2601, 5000}) {
            qint64 t =
                QDateTime(QDate(year, 1, 1), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
            const qint64 end = t + 366 * 86400;
            while (t < end) {
                const ZoneMapper::Span span = mapper->spanAt(t);
                for (const qint64 probe : {span.start, (span.start + span.end) / 2, span.end - 1})
                    QCOMPARE(span.offset, offsetAt(tz, probe));
                t = span.end;
            }
        }
    }
}

QTEST_GUILESS_MAIN(tst_ZoneMapper)
#include "tst_zonemapper.moc"

#include "views/DateRangeFilter.h"
#include "engine/Clock.h"

#include "data/TimeDisplay.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QTimeZone>

namespace jc {

DateRangeFilter::DateRangeFilter(Preset initial, const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_clock(clock)
{
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("rangePreset"));
    m_presets->setAccessibleName(tr("Time range"));
    m_presets->addItem(tr("Last 24 hours"), static_cast<int>(Preset::Last24Hours));
    m_presets->addItem(tr("Last 7 days"), static_cast<int>(Preset::Last7Days));
    m_presets->addItem(tr("Last 30 days"), static_cast<int>(Preset::Last30Days));
    m_presets->addItem(tr("All time"), static_cast<int>(Preset::AllTime));
    m_presets->addItem(tr("Custom range"), static_cast<int>(Preset::Custom));

    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(-7), this);
    m_from->setObjectName(QStringLiteral("rangeFrom"));
    m_from->setAccessibleName(tr("From day"));
    m_from->setCalendarPopup(true);
    m_to = new QDateEdit(today, this);
    m_to->setObjectName(QStringLiteral("rangeTo"));
    m_to->setAccessibleName(tr("To day (inclusive)"));
    m_to->setCalendarPopup(true);
    for (QDateEdit *edit : {m_from, m_to})
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_presets);
    layout->addWidget(m_from);
    layout->addWidget(m_to);

    {
        const QSignalBlocker blocker(m_presets);
        m_presets->setCurrentIndex(m_presets->findData(static_cast<int>(initial)));
    }
    update();
    connect(m_presets, &QComboBox::currentIndexChanged, this, [this] {
        update();
        emit changed();
    });
    for (QDateEdit *edit : {m_from, m_to}) {
        connect(edit, &QDateEdit::dateChanged, this, [this] {
            if (preset() != Preset::Custom)
                return;
            update();
            emit changed();
        });
    }
}

DateRangeFilter::Preset DateRangeFilter::preset() const
{
    return static_cast<Preset>(m_presets->currentData().toInt());
}

void DateRangeFilter::setPreset(Preset preset)
{
    m_presets->setCurrentIndex(m_presets->findData(static_cast<int>(preset)));
}

QString DateRangeFilter::text() const
{
    if (preset() != Preset::Custom)
        return m_presets->currentText();
    const auto [first, last] = days();
    return tr("%1 to %2").arg(first.toString(Qt::ISODate), last.toString(Qt::ISODate));
}

void DateRangeFilter::setCustomRange(QDate from, QDate to)
{
    {
        const QSignalBlocker fromBlocker(m_from);
        const QSignalBlocker toBlocker(m_to);
        m_from->setDate(from);
        m_to->setDate(to);
    }
    if (preset() == Preset::Custom) {
        update();
        emit changed();
    } else {
        setPreset(Preset::Custom); // emits changed()
    }
}

bool DateRangeFilter::renew()
{
    const Preset chosen = preset();
    if (chosen == Preset::AllTime || chosen == Preset::Custom)
        return false;
    update();
    return true;
}

// The custom range's first and last day, whichever field holds which: a From day after the To
// day is read as the range between them (it was taken as it was, and showed nothing).
std::pair<QDate, QDate> DateRangeFilter::days() const
{
    const QDate from = m_from->date();
    const QDate to = m_to->date();
    return from <= to ? std::pair(from, to) : std::pair(to, from);
}

QDateTime DateRangeFilter::startOfDay(QDate day) const
{
    return day.startOfDay(TimeDisplay::zone() == TimeDisplay::Zone::Utc
                              ? QTimeZone::utc()
                              : QTimeZone::systemTimeZone());
}

void DateRangeFilter::update()
{
    const Preset chosen = preset();
    const bool custom = chosen == Preset::Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
    const QDateTime now = m_clock.now();
    m_until = QDateTime();
    switch (chosen) {
    case Preset::Last24Hours:
        m_since = now.addSecs(-24 * 3600);
        break;
    case Preset::Last7Days:
        m_since = now.addDays(-7);
        break;
    case Preset::Last30Days:
        m_since = now.addDays(-30);
        break;
    case Preset::AllTime:
        m_since = QDateTime();
        break;
    case Preset::Custom: {
        const auto [first, last] = days();
        m_since = startOfDay(first);
        m_until = startOfDay(last.addDays(1));
        break;
    }
    }
}

} // namespace jc

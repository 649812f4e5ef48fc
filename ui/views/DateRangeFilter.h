#pragma once

#include <QDateTime>
#include <QWidget>

#include <utility>

class QComboBox;
class QDateEdit;

namespace jc {

class Clock;
// A time-range filter for the history pane and the error log: presets (last 24 hours, 7
// days, 30 days, all time) and a custom range of whole days, [from 00:00, to + 1 day 00:00)
// in the display zone (TimeDisplay), the two days taken in order whichever field holds which. The
// bounds of a preset are taken when it is chosen, from the console's clock.
//
// Thread: GUI thread.
class DateRangeFilter : public QWidget
{
    Q_OBJECT
public:
    enum class Preset { Last24Hours, Last7Days, Last30Days, AllTime, Custom };

    DateRangeFilter(Preset initial, const Clock &clock, QWidget *parent = nullptr);

    Preset preset() const;
    void setPreset(Preset preset);
    // Custom range of days (inclusive); selects Preset::Custom.
    void setCustomRange(QDate from, QDate to);

    // The range's bounds; invalid: open.
    QDateTime since() const { return m_since; }
    QDateTime until() const { return m_until; }

    // Moves a preset's bounds to now ("last 7 days" of a window left open all week); false
    // for "all time" and a custom range, which do not move.
    bool renew();
    // The range as the admin chose it: "Last 7 days", or "Dec 1 – Dec 6" for a custom one.
    [[nodiscard]] QString text() const;

signals:
    void changed();

private:
    void update();
    std::pair<QDate, QDate> days() const;
    QDateTime startOfDay(QDate day) const;

    const Clock &m_clock;
    QComboBox *m_presets = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QDateTime m_since;
    QDateTime m_until;
};

} // namespace jc

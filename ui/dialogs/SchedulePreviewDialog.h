#pragma once

#include "schedule/Schedule.h"

#include <QDateTime>
#include <QDialog>

class QTableWidget;

namespace jc {

// The next 10 occurrences of a job's schedule: each in the schedule's own zone with its UTC
// offset and in the display zone, and the ones daylight saving affects (offset changed, wall
// time shifted by a gap or repeated in an overlap) marked with an icon and a sentence saying
// what happens ("02:30 does not exist on this day: runs at 03:00 (clocks go forward)").
//
// objectNames for tests: occurrenceTable (columns: see Column).
class SchedulePreviewDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column { ScheduleZoneColumn, OffsetColumn, DisplayZoneColumn, NoteColumn, ColumnCount };

    SchedulePreviewDialog(const QString &job, const Schedule &schedule, const QDateTime &from,
                          QWidget *parent = nullptr);

private:
    void fill(const Schedule &schedule, const QDateTime &from);

    QTableWidget *m_table = nullptr;
};

} // namespace jc

#pragma once

// The main window's parts as a test finds them: by objectName (findChild), the way a person
// finds them on screen, since the window offers no accessors. A part that is missing fails
// the test at its first use (QVERIFY on the pointer, or a crash naming the helper).

#include "data/DatabaseReader.h"
#include "main/ConsoleStatusBar.h"
#include "main/JobActions.h"
#include "main/JobOperations.h"
#include "models/JobTableModel.h"
#include "views/JobTableView.h"

#include <QMainWindow>
#include <QSortFilterProxyModel>

namespace jc::test {

inline JobTableView *jobTable(const QMainWindow &window)
{
    return window.findChild<JobTableView *>(QStringLiteral("jobTable"));
}

// What the jobs table shows: its sorting proxy over the jobs' model.
inline QSortFilterProxyModel *jobProxy(const QMainWindow &window)
{
    return qobject_cast<QSortFilterProxyModel *>(jobTable(window)->model());
}

inline JobTableModel *jobModel(const QMainWindow &window)
{
    return qobject_cast<JobTableModel *>(jobProxy(window)->sourceModel());
}

inline JobActions &jobActions(const QMainWindow &window)
{
    return *window.findChild<JobActions *>(QStringLiteral("jobActions"));
}

inline JobOperations *jobOperations(const QMainWindow &window)
{
    return window.findChild<JobOperations *>(QStringLiteral("jobOperations"));
}

inline DatabaseReader *databaseReader(const QMainWindow &window)
{
    return window.findChild<DatabaseReader *>(QStringLiteral("databaseReader"));
}

inline ConsoleStatusBar *consoleStatusBar(const QMainWindow &window)
{
    return window.findChild<ConsoleStatusBar *>(QStringLiteral("consoleStatusBar"));
}

// The jobs selected in the table, by name, in table order.
inline QStringList selectedJobs(const QMainWindow &window)
{
    return jobTable(window)->selectedJobs();
}

} // namespace jc::test

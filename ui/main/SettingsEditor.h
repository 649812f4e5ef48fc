#pragma once

#include "main/ConsoleSetup.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

class QWidget;

namespace jc {

class DatabaseReader;
class JobTableView;

// File → Settings: reads the jobs' stored settings off the GUI thread, then opens the
// SettingsDialog over `window` (opened, not exec()'d: no event loop nested in the delivery of
// a reply). On OK it applies the display zone, saves the jobs' changed settings in the
// database (with who and when) and says when a restart is needed to use the rest.
//
// Thread: GUI thread.
class SettingsEditor : public QObject
{
    Q_OBJECT
public:
    SettingsEditor(const ConsoleSetup &setup, DatabaseReader *reader, const JobTableView *table,
                   QWidget *window);

    // Nothing without settings and a vault to edit. The table's current job, when there is
    // one as the dialog opens, is shown first.
    void open();

signals:
    // The console's own settings changed: what the window shows is to be read again.
    void applied();
    // The jobs' changed settings are stored: `message` says what that means.
    void saved(const QString &message);
    void failed(const QString &title, const QString &message);

private:
    void apply(const QHash<QString, QJsonObject> &jobSettings, bool restartNeeded);
    void save(const QHash<QString, QJsonObject> &jobSettings);

    ConsoleSetup m_setup;
    DatabaseReader *m_reader;
    const JobTableView *m_table;
    QWidget *m_window;
};

} // namespace jc

#pragma once

#include <QDialog>

namespace jc {

// The user guide, a page shipped inside the program (resources/help/user-guide.html), so it
// is there on a server without a browser or a network. F1 in the main window.
//
// objectNames for tests: helpDialog, helpBrowser.
class HelpDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HelpDialog(QWidget *parent = nullptr);
};

} // namespace jc

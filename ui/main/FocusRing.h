#pragma once

#include <QFocusFrame>

namespace jc {

// A clear ring around the widget that has the keyboard focus, in every window of the console.
// Fusion and most desktop styles show a focused table, tab or button hardly differently from
// an unfocused one, so a keyboard user cannot tell where Tab went. QFocusFrame keeps the ring
// outside the widget (in its parent, following its moves and resizes); this subclass draws it:
// two pixels of the palette's highlight colour.
//
// Thread: GUI thread.
class FocusRing : public QFocusFrame
{
    Q_OBJECT
public:
    using QFocusFrame::QFocusFrame;

    // From now on the ring follows the focus in the whole application (later calls do
    // nothing). Popups (menus, drop-down lists) show their own current item and get none.
    static void followFocus();
    // The ring, while one is shown (for tests); null otherwise.
    static FocusRing *current();

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace jc

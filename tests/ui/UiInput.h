#pragma once

// Input as a person sends it, for the console's widget tests: clicks on a row where the view
// shows it, on a box where it is drawn, typing over a field's text, choosing in a combo box
// by typing. A test that stands for a user action goes through these (or QTest directly),
// never through the widgets' setters: a click and a setter do not take the same path (a click
// on a row moves the current index before it selects the row; a setter does both at once).
// And the mnemonics a window offers, to find two that clash.

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHash>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QStringList>
#include <QTabBar>
#include <QTest>
#include <QToolButton>

namespace jc::test {

// Clicks `index` of `view` with the mouse, where the view draws it (scrolled to first).
inline void clickIndex(QAbstractItemView *view, const QModelIndex &index,
                       Qt::KeyboardModifiers modifiers = {})
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers,
                      view->visualRect(index).center());
}

// A double-click on `index` as a person makes it: a click, then the second press and
// release (QTest's widget double-click sends only the second).
inline void doubleClickIndex(QAbstractItemView *view, const QModelIndex &index)
{
    clickIndex(view, index);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}

// Clicks a check box or radio button on its box, where a person clicks: the widget may be
// wider than its box and text, and a click at its centre falls on nothing.
inline void clickBox(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(6, button->height() / 2));
}

// Replaces a field's text as a person does: select all (Ctrl+A), erase, type. Typing
// nothing empties it.
inline void retype(QWidget *field, const QString &text)
{
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(field, Qt::Key_Backspace);
    QTest::keyClicks(field, text);
}

// Chooses the item of a (non-editable) combo box whose text starts with `text` with the
// keyboard: Home, then Down until it is shown, as a person steps through the choices. (Not by
// typing its name: the combo appends what is typed within a short interval to the last
// search, so the outcome would depend on timing.) False when no item starts with `text`.
[[nodiscard]] inline bool chooseByKeys(QComboBox *combo, const QString &text)
{
    QTest::keyClick(combo, Qt::Key_Home);
    for (int step = 0; step < combo->count(); ++step) {
        if (combo->currentText().startsWith(text))
            return true;
        QTest::keyClick(combo, Qt::Key_Down);
    }
    return combo->currentText().startsWith(text);
}

// Types `day` into a date (or date-time) field in its display format, as a person does:
// clicks into it, goes to its start, selects the first section (Shift+Right over its digits)
// and types the digits. A full section moves on to the next one and selects it, so only the
// digits are typed: a separator typed then skips the selected section. (Ctrl+A and typing
// does not work in a QDateTimeEdit: the first digit alone is no date.)
inline void typeDate(QDateTimeEdit *edit, const QDateTime &day)
{
    QTest::mouseClick(edit->findChild<QLineEdit *>(), Qt::LeftButton);
    QTest::keyClick(edit, Qt::Key_Home);
    const QString text = day.toString(edit->displayFormat());
    for (qsizetype i = 0; i < text.size() && text.at(i).isDigit(); ++i)
        QTest::keyClick(edit, Qt::Key_Right, Qt::ShiftModifier);
    for (const QChar ch : text) {
        if (ch.isDigit())
            QTest::keyClicks(edit, QString(ch));
    }
}

// Each Alt+key that more than one visible control under `root` answers to (tabs, menus,
// buttons, labels with a buddy), with their texts: "Alt+S: &SSL mode:, &Scheduler"; and each
// label that shows a mnemonic without a buddy ("no buddy: Or &enter one:"). Only what is
// visible counts: a shortcut on a hidden tab page does not fire.
inline QStringList clashingMnemonics(QWidget *root)
{
    QHash<QString, QStringList> owners;
    const auto add = [&owners](const QString &text) {
        const QKeySequence key = QKeySequence::mnemonic(text);
        if (!key.isEmpty())
            owners[key.toString()].append(text);
    };
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *widget : widgets) {
        if (!widget->isVisibleTo(root) && widget != root)
            continue;
        if (auto *label = qobject_cast<QLabel *>(widget); label && label->buddy())
            add(label->text());
        else if (auto *button = qobject_cast<QAbstractButton *>(widget))
            add(button->text());
        else if (auto *tabs = qobject_cast<QTabBar *>(widget)) {
            for (int i = 0; i < tabs->count(); ++i)
                add(tabs->tabText(i));
        } else if (auto *menus = qobject_cast<QMenuBar *>(widget)) {
            for (QAction *action : menus->actions())
                add(action->text());
        }
    }
    QStringList clashes;
    // A label that shows a mnemonic but has no buddy shows the '&' itself and answers nothing.
    for (QLabel *label : root->findChildren<QLabel *>()) {
        if (label->isVisibleTo(root) && !label->buddy() &&
            !QKeySequence::mnemonic(label->text()).isEmpty())
            clashes.append(QStringLiteral("no buddy: ") + label->text());
    }
    for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
        if (it.value().size() > 1)
            clashes.append(it.key() + QStringLiteral(": ") + it.value().join(QStringLiteral(", ")));
    }
    clashes.sort();
    return clashes;
}

} // namespace jc::test

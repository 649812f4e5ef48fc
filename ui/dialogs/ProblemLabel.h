#pragma once

#include <QLabel>

namespace jc {

// A line under a field saying why its value is refused: plain text, wrapped, in the
// palette's warning colour, hidden while there is no problem.
class ProblemLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ProblemLabel(QWidget *parent = nullptr);

    // Shows `problem`; empty hides the label.
    void setProblem(const QString &problem);
    bool hasProblem() const { return !text().isEmpty(); }
};

} // namespace jc

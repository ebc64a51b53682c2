// Run controls for the timeline toolbar and status bar: the run speed (one
// step a second up to as fast as the machine goes) and the progress of a
// run, with a button that stops it. They only say what the user chose;
// SimulationController paces the run on its worker thread.
#pragma once

#include <QIcon>
#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QToolButton;

namespace mmsim::ui {

// Timeline icons drawn in the palette's text colour: the style's media
// icons are black and vanish on the dark theme.
enum class TimelineIcon { StepBack, Step, MicroStep, Run, Pause, Reset };
QIcon timelineIcon(TimelineIcon kind, const QColor& color);

class SpeedControl : public QWidget {
    Q_OBJECT
  public:
    explicit SpeedControl(QWidget* parent = nullptr);
    // The speeds offered, in steps per second; 0 is "as fast as possible".
    static const QList<int>& speeds();
    static QString speedText(int steps_per_second);
    int speed() const;
    // Chooses the offered speed nearest to steps_per_second (0: max).
    void setSpeed(int steps_per_second);
    QComboBox* combo() const { return combo_; }

  signals:
    void speedChanged(int steps_per_second);

  private:
    QComboBox* combo_ = nullptr;
};

// "Running: step 1 234 / 50 000 [=====    ] ■" while a run goes.
class RunProgress : public QWidget {
    Q_OBJECT
  public:
    explicit RunProgress(QWidget* parent = nullptr);
    void setRunning(bool running);
    void setProgress(int done, int total);
    QProgressBar* bar() const { return bar_; }
    QToolButton* stopButton() const { return stop_; }

  signals:
    void stopRequested();

  private:
    QProgressBar* bar_ = nullptr;
    QToolButton* stop_ = nullptr;
};

} // namespace mmsim::ui

#include "ui/main_window.h"

#include "core/report.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFontDatabase>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

namespace mmsim::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) { buildUi(); }
MainWindow::~MainWindow() = default;

void MainWindow::buildUi() {
    setWindowTitle("mmsim");
    tabs_ = new QTabWidget(this);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const std::string& v : mmsim::viewNames()) {
        auto* edit = new QPlainTextEdit(tabs_);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
        const QString name = QString::fromStdString(v);
        views_[name] = edit;
        tabs_->addTab(edit, name);
    }
    setCentralWidget(tabs_);

    auto* dock = new QDockWidget(tr("Steps"), this);
    dock->setObjectName("steps");
    steps_ = new QListWidget(dock);
    dock->setWidget(steps_);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open scenario..."), this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open scenario"), {},
                                                       tr("Scenarios (*.json)"));
        if (!p.isEmpty()) openScenario(p);
    });
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Quit"), qApp, &QApplication::quit)->setShortcut(QKeySequence::Quit);

    auto* sim = menuBar()->addMenu(tr("&Simulation"));
    auto* tb = addToolBar(tr("Timeline"));
    tb->setObjectName("timeline");
    QAction* step = sim->addAction(tr("&Step"), this, &MainWindow::stepForward);
    step->setShortcut(Qt::Key_F10);
    QAction* run = sim->addAction(tr("&Run to end"), this, &MainWindow::runToEnd);
    run->setShortcut(Qt::Key_F5);
    QAction* reset = sim->addAction(tr("R&eset"), this, &MainWindow::resetScenario);
    reset->setShortcut(Qt::CTRL | Qt::Key_R);
    tb->addAction(step);
    tb->addAction(run);
    tb->addAction(reset);

    status_ = new QLabel(this);
    statusBar()->addPermanentWidget(status_);
    resize(1280, 800);
}

bool MainWindow::openScenario(const QString& path, bool interactive) {
    try {
        auto next = std::make_unique<mmsim::Simulation>(mmsim::loadScenarioFile(path.toStdString()));
        sim_ = std::move(next);
        path_ = path;
    } catch (const std::exception& e) {
        last_error_ = QString::fromStdString(e.what());
        if (interactive) QMessageBox::critical(this, tr("Cannot open scenario"), last_error_);
        return false;
    }
    steps_->clear();
    const auto& sc = sim_->scenario();
    if (sc.boot_auto) steps_->addItem(tr("boot (auto): e820 → memblock → zones → buddy"));
    for (const auto& s : sc.boot) steps_->addItem("boot: " + QString::fromStdString(s.op));
    for (const auto& s : sc.steps) steps_->addItem(QString::fromStdString(s.op));
    setWindowTitle(QString::fromStdString(sc.title.empty() ? sc.file : sc.title) + " — mmsim");
    refresh();
    return true;
}

void MainWindow::stepForward() {
    if (!sim_) return;
    try {
        sim_->step();
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Step refused"), QString::fromStdString(e.what()));
    }
    refresh();
}

void MainWindow::runToEnd() {
    if (!sim_) return;
    while (!sim_->done()) {
        try {
            sim_->step();
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Step refused"), QString::fromStdString(e.what()));
            break;
        }
    }
    refresh();
}

void MainWindow::resetScenario() {
    if (!path_.isEmpty()) openScenario(path_);
}

void MainWindow::showView(const QString& name) {
    auto it = views_.find(name);
    if (it != views_.end()) tabs_->setCurrentWidget(it->second);
}

QString MainWindow::viewText(const QString& name) const {
    auto it = views_.find(name);
    return it == views_.end() ? QString() : it->second->toPlainText();
}

void MainWindow::refresh() {
    if (!sim_) return;
    for (auto& [name, edit] : views_) {
        QString text;
        try {
            text = QString::fromStdString(mmsim::renderView(*sim_, name.toStdString()));
        } catch (const std::exception& e) {
            text = tr("(not available yet: %1)").arg(QString::fromStdString(e.what()));
        }
        edit->setPlainText(text);
    }
    const int done = static_cast<int>(sim_->executed());
    for (int i = 0; i < steps_->count(); ++i) {
        QFont f = steps_->item(i)->font();
        f.setBold(i == done - 1);
        steps_->item(i)->setFont(f);
    }
    if (done > 0) steps_->setCurrentRow(done - 1);
    status_->setText(tr("step %1 / %2").arg(done).arg(sim_->totalOps()));
}

} // namespace mmsim::ui

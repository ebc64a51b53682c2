// mmsim: the desktop front end. A thin program over ui/ and core/.
//   mmsim [SCENARIO] [--step N] [--view NAME] [--size WxH] [--screenshot out.png]
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QScreen>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("mmsim");
    QApplication::setOrganizationName("mmsim");
    QCommandLineParser p;
    p.setApplicationDescription("Cycle-aware simulator of Linux physical memory management");
    p.addHelpOption();
    p.addPositionalArgument("scenario", "scenario JSON to open");
    QCommandLineOption scen("scenario", "scenario JSON to open", "file");
    QCommandLineOption step("step", "run N steps first", "N");
    QCommandLineOption view("view", "view in front", "name");
    QCommandLineOption size("size", "window size WxH", "WxH", "1280x800");
    QCommandLineOption shot("screenshot", "render the window to a PNG and exit", "png");
    p.addOptions({scen, step, view, size, shot});
    p.process(app);

    mmsim::ui::MainWindow w;
    QString path = p.value(scen);
    if (path.isEmpty() && !p.positionalArguments().isEmpty()) path = p.positionalArguments().first();
    if (path.isEmpty()) path = QStringLiteral(MMSIM_DEFAULT_SCENARIO);
    const bool headless = p.isSet(shot);
    if (!w.openScenario(path, !headless) && headless) {
        std::fprintf(stderr, "%s\n", w.lastError().toLocal8Bit().constData());
        return 2;
    }
    if (p.isSet(step)) {
        const int n = p.value(step).toInt();
        for (int i = 0; i < n; ++i) w.stepForward();
    }
    if (p.isSet(view)) w.showView(p.value(view));
    const QStringList wh = p.value(size).split('x');
    if (wh.size() == 2) w.resize(wh[0].toInt(), wh[1].toInt());
    w.show();
    if (headless) {
        QTimer::singleShot(200, [&] {
            const bool ok = w.grab().save(p.value(shot));
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}

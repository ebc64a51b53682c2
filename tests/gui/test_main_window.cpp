// GUI tests on Qt's offscreen platform: the first main window opens a
// scenario, steps it, and keeps its scenario when a broken file is opened.
#include "ui/main_window.h"

#include <QTemporaryDir>
#include <QtTest>

class MainWindowTest : public QObject {
    Q_OBJECT
private slots:
    void opensAndSteps();
    void brokenFileKeepsScenario_data();
    void brokenFileKeepsScenario();
};

static const QString kDefault = QStringLiteral(MMSIM_SCENARIOS "/default.json");

void MainWindowTest::opensAndSteps() {
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    QVERIFY(w.simulation() != nullptr);
    QCOMPARE(w.simulation()->executed(), std::size_t{0});
    QVERIFY(w.viewText("boot").contains("not available yet"));
    w.stepForward();
    QCOMPARE(w.simulation()->executed(), std::size_t{1});
    QVERIFY(w.viewText("boot").startsWith("Zone ranges:"));
    QVERIFY(w.viewText("zoneinfo").contains("Node 1, zone    DMA32"));
    QVERIFY(w.viewText("e820").contains("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"));
}

void MainWindowTest::brokenFileKeepsScenario_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("truncated") << R"({"format": "mmsim-scenario/1", "machine": {)" << ":1:";
    QTest::newRow("unknown op")
        << R"({"format": "mmsim-scenario/1", "machine": {"e820": []}, "boot": [{"op": "memblock_frob"}]})"
        << "/boot/0/op";
}

void MainWindowTest::brokenFileKeepsScenario() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    mmsim::ui::MainWindow w;
    QVERIFY(w.openScenario(kDefault, false));
    w.stepForward();
    const QString before = w.viewText("zoneinfo");
    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.json");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.toUtf8());
    f.close();
    QVERIFY(!w.openScenario(bad, false));
    QVERIFY2(w.lastError().contains(message), qPrintable(w.lastError()));
    QVERIFY(w.lastError().contains("bad.json"));
    QCOMPARE(w.viewText("zoneinfo"), before);
    QCOMPARE(w.simulation()->executed(), std::size_t{1});
}

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

// GUI tests of the machine editor (offscreen): its qemu-like layout against
// real qemu boots, its item models under QAbstractItemModelTester, the
// preview against core booting the saved file, the checks that keep Save
// disabled, and the round trips (core, mmsim-cli check, the editor itself).
#include "core/error.h"
#include "core/import_dmesg.h"
#include "core/simulation.h"
#include "ui/machine_editor.h"
#include "ui/machine_editor_actions.h"
#include "ui/machine_editor_distance_model.h"
#include "ui/machine_editor_e820_model.h"
#include "ui/machine_editor_json.h"
#include "ui/machine_editor_layout.h"
#include "ui/machine_editor_nodes_model.h"
#include "ui/machine_editor_pages.h"
#include "ui/machine_editor_preview.h"
#include "ui/machine_editor_preview_view.h"
#include "ui/machine_editor_session.h"
#include "ui/main_window.h"
#include "ui/zone_models.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <sstream>

using namespace mmsim;
using namespace mmsim::ui;
using ojson = nlohmann::ordered_json;

namespace {

// One zone as the preview shows it or core computes it.
struct ZoneFacts {
    QString zone; // "Node 0 DMA32"
    quint64 spanned = 0, present = 0, managed = 0, min = 0, low = 0, high = 0;
    bool operator==(const ZoneFacts&) const = default;
};

QString describe(const std::vector<ZoneFacts>& zs) {
    QStringList out;
    for (const ZoneFacts& z : zs)
        out << QStringLiteral("%1: %2/%3/%4 wm %5/%6/%7")
                   .arg(z.zone)
                   .arg(z.spanned)
                   .arg(z.present)
                   .arg(z.managed)
                   .arg(z.min)
                   .arg(z.low)
                   .arg(z.high);
    return out.join("; ");
}

// What the preview's zones table shows, read through the model.
std::vector<ZoneFacts> previewZones(MachineEditorDialog& dlg) {
    ZonesModel* m = dlg.previewView()->zonesModel();
    std::vector<ZoneFacts> out;
    auto num = [&](int r, int c) { return m->data(m->index(r, c)).toULongLong(); };
    for (int r = 0; r < m->rowCount(); ++r)
        out.push_back({m->data(m->index(r, ZonesModel::Zone)).toString(),
                       num(r, ZonesModel::Spanned), num(r, ZonesModel::Present),
                       num(r, ZonesModel::Managed), num(r, ZonesModel::Min),
                       num(r, ZonesModel::Low), num(r, ZonesModel::High)});
    return out;
}

// Core alone: load the file, run its boot, list the zones with pages.
std::vector<ZoneFacts> coreZones(const QString& path) {
    Simulation sim(loadScenarioFile(path.toStdString()));
    while (!sim.done()) {
        const Op::Kind k = sim.program().ops[sim.executed()].kind;
        if (k != Op::AutoBoot && k != Op::BootStep) break;
        sim.step();
    }
    std::vector<ZoneFacts> out;
    for (const Node& n : sim.state().mm.nodes)
        for (const Zone& z : n.zones)
            if (z.present_pages || z.spanned_pages)
                out.push_back({QStringLiteral("Node %1 %2").arg(z.nid).arg(z.name()),
                               z.spanned_pages, z.present_pages, z.managed_pages, z.minWmark(),
                               z.lowWmark(), z.highWmark()});
    return out;
}

QString readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

Scenario importedFixture(const QString& log) {
    const ojson doc =
        importDmesgFile(QStringLiteral(MMSIM_FIXTURES "/kernel/%1").arg(log).toStdString());
    return loadScenario(doc.dump(), log.toStdString());
}

} // namespace

class MachineEditorTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void layoutMatchesQemuCaptures_data();
    void layoutMatchesQemuCaptures();
    void modelsPassTheTester();
    void previewFollowsEdits_data();
    void previewFollowsEdits();
    void invalidInputDisablesSave_data();
    void invalidInputDisablesSave();
    void savedFileRoundTrips();
    void asymmetricSlitIsKept();
    void shippedScenariosSurviveTheEditor_data();
    void shippedScenariosSurviveTheEditor();
    void customRangesKeepTheirRam();
    void menuOpensEditorAndSavedMachine();
    void previewRunsOnAWorkerThread();

  private:
    QTemporaryDir tmp_;
};

void MachineEditorTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
}

// The qemu-like map and SRAT ranges are those of real qemu boots: the
// firmware map and the NUMA ranges the importer reads from each capture.
void MachineEditorTest::layoutMatchesQemuCaptures_data() {
    QTest::addColumn<QString>("log");
    QTest::addColumn<QList<quint64>>("sizes"); // GiB per node as qemu was told (README)
    const quint64 M = 1ull << 20, G = 1ull << 30;
    QTest::newRow("2 nodes, 2G") << "qemu-6.12-n2-2G.log" << QList<quint64>{G, G};
    QTest::newRow("4 nodes, 4G, a memoryless node")
        << "qemu-6.12-n4-asym-4G.log" << QList<quint64>{G, G, 2 * G, 0};
    QTest::newRow("no NUMA, 448M") << "qemu-6.12-n1-448M.log" << QList<quint64>{448 * M};
    QTest::newRow("no NUMA, 3G (6.1)") << "qemu-6.1-n1-3G-kernelcore.log" << QList<quint64>{3 * G};
}

void MachineEditorTest::layoutMatchesQemuCaptures() {
    QFETCH(QString, log);
    QFETCH(QList<quint64>, sizes);
    const Scenario sc = importedFixture(log);
    std::vector<std::uint64_t> sz(sizes.begin(), sizes.end());
    std::uint64_t total = 0;
    for (auto s : sz)
        total += s;
    const auto e820 = qemuE820(total);
    QCOMPARE(e820.size(), sc.machine.e820.size());
    for (std::size_t i = 0; i < e820.size(); ++i) {
        QCOMPARE(e820[i].addr, sc.machine.e820[i].addr);
        QCOMPARE(e820[i].size, sc.machine.e820[i].size);
        QCOMPARE(e820[i].type, sc.machine.e820[i].type);
    }
    QCOMPARE(ramOfE820(sc.machine.e820), total);
    const auto ranges = qemuNodeRanges(sz);
    for (const NumaNodeSpec& n : sc.machine.nodes) {
        QVERIFY(n.id >= 0 && static_cast<std::size_t>(n.id) < ranges.size());
        QCOMPARE(n.ranges, ranges[static_cast<std::size_t>(n.id)]);
        QCOMPARE(nodeSizeOfRanges(n.ranges), sz[static_cast<std::size_t>(n.id)]);
    }
    // The editor reads the capture's machine back as those sizes, laid out
    // the qemu way (no custom ranges).
    const MachineDraft d = draftFromScenario(
        importDmesgFile(QStringLiteral(MMSIM_FIXTURES "/kernel/%1").arg(log).toStdString()).dump(),
        "imported.json");
    QCOMPARE(d.totalMemory(), total);
    QVERIFY(!d.custom_ranges);
}

void MachineEditorTest::modelsPassTheTester() {
    MachineEditorDialog dlg;
    auto* nodes = dlg.nodesPage()->nodesModel();
    auto* dist = dlg.nodesPage()->distanceModel();
    auto* e820 = dlg.e820Page()->model();
    QAbstractItemModelTester t1(nodes, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(dist, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(e820, QAbstractItemModelTester::FailureReportingMode::QtTest);
    nodes->addNode();
    QCOMPARE(nodes->rowCount(), 3);
    QCOMPARE(dist->rowCount(), 3);
    QVERIFY(nodes->setData(nodes->index(2, EditorNodesModel::Memory), "512M"));
    QVERIFY(nodes->setData(nodes->index(1, EditorNodesModel::Cpus), 2));
    QVERIFY(dist->setData(dist->index(0, 2), 31));
    QCOMPARE(dist->data(dist->index(2, 0)).toInt(), 31); // mirrored
    QVERIFY(!dist->setData(dist->index(1, 1), 12));      // the diagonal is fixed
    QVERIFY(nodes->removeNode(0));
    QCOMPARE(dist->columnCount(), 2);
    QVERIFY(e820->generateFromNodes());
    const int rows = e820->rowCount();
    QVERIFY(e820->splitEntry(3, 0x20000000));
    QCOMPARE(e820->rowCount(), rows + 1);
    QVERIFY(!e820->splitEntry(0, 0)); // not inside
    QVERIFY(e820->retype(4, 7));
    QCOMPARE(e820->data(e820->index(4, EditorE820Model::Type), Qt::EditRole).toString(),
             QStringLiteral("persistent"));
    QVERIFY(e820->setData(e820->index(4, EditorE820Model::Size), "64M"));
    QVERIFY(!e820->setData(e820->index(4, EditorE820Model::Size), "64MB"));
    e820->addEntry(-1);
    QVERIFY(e820->removeEntry(0));
    QVERIFY(dlg.loadScenarioFile(MMSIM_SCENARIOS "/default.json"));
    QCOMPARE(nodes->rowCount(), 2);
    QCOMPARE(e820->rowCount(), 9);
    for (QAbstractItemModel* m : std::initializer_list<QAbstractItemModel*>{nodes, dist, e820})
        for (int r = 0; r < m->rowCount(); ++r)
            for (int c = 0; c < m->columnCount(); ++c)
                QVERIFY(m->data(m->index(r, c)).isValid());
}

// Each edit changes the preview, and the preview is what core computes
// from the saved file.
void MachineEditorTest::previewFollowsEdits_data() {
    QTest::addColumn<QString>("edit");
    QTest::newRow("add a node") << "add-node";
    QTest::newRow("node 1 memory 3G (Normal zone above 4G)") << "memory";
    QTest::newRow("split e820 and retype half reserved") << "split-retype";
    QTest::newRow("movablecore=512M") << "movablecore";
    QTest::newRow("memmap=64M$0x30000000") << "memmap";
    QTest::newRow("6.1 profile with classic SLAB") << "profile";
    QTest::newRow("one node without SRAT") << "one-node";
}

void MachineEditorTest::previewFollowsEdits() {
    QFETCH(QString, edit);
    MachineEditorDialog dlg;
    QVERIFY(dlg.waitForPreview());
    QVERIFY(dlg.canSave());
    const std::vector<ZoneFacts> before = previewZones(dlg);
    const QString before_boot = dlg.previewView()->bootText();
    QVERIFY(!before.empty());

    auto* nodes = dlg.nodesPage()->nodesModel();
    auto* e820 = dlg.e820Page()->model();
    if (edit == "add-node") {
        nodes->addNode();
        QVERIFY(e820->generateFromNodes());
    } else if (edit == "memory") {
        QVERIFY(nodes->setData(nodes->index(1, EditorNodesModel::Memory), "3G"));
        QVERIFY(e820->generateFromNodes());
    } else if (edit == "split-retype") {
        // The big usable entry below 4G: cut at 1.5G, the upper part reserved.
        QVERIFY(e820->splitEntry(3, 0x60000000));
        QVERIFY(e820->retype(4, 2));
    } else if (edit == "movablecore") {
        QLineEdit* f = dlg.kernelPage()->optionEdit("movablecore");
        f->setFocus();
        QTest::keyClicks(f, "512M");
        QCOMPARE(QString::fromStdString(dlg.session()->draft().cmdline),
                 QStringLiteral("console=ttyS0 movablecore=512M"));
    } else if (edit == "memmap") {
        QTest::keyClicks(dlg.kernelPage()->optionEdit("memmap"), "64M$0x30000000");
    } else if (edit == "profile") {
        dlg.kernelPage()->profileBox()->setCurrentIndex(1); // 6.1
        dlg.kernelPage()->slabBox()->setCurrentIndex(1);    // SLAB
        QCOMPARE(dlg.session()->draft().slab, std::string("slab"));
    } else if (edit == "one-node") {
        QVERIFY(nodes->removeNode(1));
        QVERIFY(nodes->setData(nodes->index(0, EditorNodesModel::Cpus), 2));
        dlg.session()->edit(MachineEditSession::NodesPart, [](MachineDraft& d) { d.srat = false; });
    }
    QVERIFY(dlg.waitForPreview());
    QVERIFY2(dlg.canSave(), qPrintable(dlg.bannerText()));
    const std::vector<ZoneFacts> after = previewZones(dlg);
    // The edit shows: the zones or (profile) the boot lines changed.
    QVERIFY2(after != before || dlg.previewView()->bootText() != before_boot,
             qPrintable(describe(after)));
    const QString path = tmp_.filePath("edit-" + edit + ".json");
    QString error;
    QVERIFY2(dlg.saveTo(path, &error), qPrintable(error));
    const std::vector<ZoneFacts> core = coreZones(path);
    QVERIFY2(after == core, qPrintable(describe(after) + "\n vs core: " + describe(core)));
    if (edit == "profile") {
        QVERIFY(readFile(path).contains("\"slab\": \"slab\""));
        QVERIFY(dlg.previewView()->statusText().contains("6.1.192"));
    }
    if (edit == "movablecore") {
        bool movable = false;
        for (const ZoneFacts& z : after)
            movable |= z.zone.endsWith("Movable") && z.present > 0;
        QVERIFY2(movable, qPrintable(describe(after)));
    }
}

void MachineEditorTest::invalidInputDisablesSave_data() {
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QString>("message");
    QTest::newRow("overlapping e820") << "overlap"
                                      << "overlap at 0x9f000";
    QTest::newRow("bad size string") << "size"
                                     << "\"1X\" does not parse";
    QTest::newRow("remote distance 10") << "dist10"
                                        << "remote distances are 11..255";
    QTest::newRow("SLAB with 6.12") << "slab"
                                    << "classic SLAB was removed";
    QTest::newRow("movablecore that does not parse") << "cmdline"
                                                     << "movablecore";
    QTest::newRow("a kept step's CPU is gone") << "cpu"
                                               << "runs on CPU 1 but the machine has 1 CPU(s)";
    QTest::newRow("core: no usable entry of 1M")
        << "core"
        << "Core refuses this machine: the auto boot needs at least 1 MiB";
}

void MachineEditorTest::invalidInputDisablesSave() {
    QFETCH(QString, edit);
    QFETCH(QString, message);
    MachineEditorDialog dlg;
    QVERIFY(dlg.waitForPreview());
    QVERIFY(dlg.saveButton()->isEnabled());
    auto* nodes = dlg.nodesPage()->nodesModel();
    auto* e820 = dlg.e820Page()->model();
    if (edit == "overlap") {
        QVERIFY(e820->setData(e820->index(1, EditorE820Model::Start), "0x9f000"));
    } else if (edit == "size") {
        QVERIFY(nodes->setData(nodes->index(0, EditorNodesModel::Memory), "1X"));
        QVERIFY(nodes->data(nodes->index(0, EditorNodesModel::Memory), Qt::ToolTipRole)
                    .toString()
                    .contains("does not parse"));
    } else if (edit == "dist10") {
        auto* dist = dlg.nodesPage()->distanceModel();
        QVERIFY(dist->setData(dist->index(0, 1), 10));
    } else if (edit == "slab") {
        dlg.kernelPage()->profileBox()->setCurrentIndex(1);
        dlg.kernelPage()->slabBox()->setCurrentIndex(1);
        QVERIFY(dlg.waitForPreview());
        QVERIFY(dlg.canSave()); // SLAB on 6.1 is fine
        dlg.kernelPage()->profileBox()->setCurrentIndex(0);
    } else if (edit == "cmdline") {
        QTest::keyClicks(dlg.kernelPage()->optionEdit("movablecore"), "12Q");
        QVERIFY(dlg.kernelPage()->cmdlineError()->isVisibleTo(dlg.kernelPage()));
    } else if (edit == "cpu") {
        QString err;
        QVERIFY2(dlg.loadScenarioFile(MMSIM_SCENARIOS "/default.json", &err), qPrintable(err));
        QVERIFY(dlg.session()->keepSteps());
        QVERIFY(dlg.waitForPreview());
        QVERIFY(dlg.canSave());
        QVERIFY(nodes->setData(nodes->index(1, EditorNodesModel::Cpus), 0)); // steps use CPU 1
    } else if (edit == "core") {
        // 1.1M usable in two pieces: enough for the editor, not for core's
        // auto boot, which wants one usable entry of at least 1M.
        QVERIFY(e820->setData(e820->index(3, EditorE820Model::Size), "512K"));
    }
    QVERIFY(dlg.waitForPreview());
    QVERIFY2(dlg.bannerText().contains(message), qPrintable(dlg.bannerText()));
    QVERIFY(!dlg.saveButton()->isEnabled());
    QVERIFY(!dlg.canSave());
    QString error;
    QVERIFY(!dlg.saveTo(tmp_.filePath("never.json"), &error));
    QVERIFY(!QFile::exists(tmp_.filePath("never.json")));
}

// A machine built in the editor: mmsim-cli check accepts the file, core
// boots the same zones as the preview showed, and the editor reads it back
// into the identical JSON.
void MachineEditorTest::savedFileRoundTrips() {
    MachineEditorDialog dlg;
    auto* nodes = dlg.nodesPage()->nodesModel();
    nodes->addNode();
    QVERIFY(nodes->setData(nodes->index(2, EditorNodesModel::Memory), "2G"));
    QVERIFY(nodes->setData(nodes->index(2, EditorNodesModel::Cpus), 2));
    QVERIFY(dlg.e820Page()->model()->generateFromNodes());
    auto* dist = dlg.nodesPage()->distanceModel();
    QVERIFY(dist->setData(dist->index(0, 2), 30));
    QTest::keyClicks(dlg.kernelPage()->optionEdit("movablecore"), "256M");
    QTest::keyClicks(dlg.scenarioPage()->titleEdit(), " with three nodes");
    QVERIFY(dlg.waitForPreview());
    QVERIFY2(dlg.canSave(), qPrintable(dlg.bannerText()));
    const QString path = tmp_.filePath("three-nodes.json");
    QVERIFY(dlg.saveTo(path));

    QProcess cli;
    cli.start(QStringLiteral(MMSIM_CLI_BINARY), {"check", path});
    QVERIFY(cli.waitForFinished(60000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

    QCOMPARE(coreZones(path), previewZones(dlg));

    MachineEditorDialog again;
    QString err;
    QVERIFY2(again.loadScenarioFile(path, &err), qPrintable(err));
    QCOMPARE(QString::fromStdString(again.session()->scenarioText()), readFile(path));
    QCOMPARE(again.session()->draft().title, std::string("My machine with three nodes"));
    QVERIFY(!again.session()->draft().custom_ranges);
    QVERIFY(again.waitForPreview());
    QCOMPARE(previewZones(again), previewZones(dlg));
}

// An asymmetric SLIT, as some firmware has and the kernel keeps: with "both
// ways" off an edit leaves the way back alone, the table notes the
// asymmetry without refusing it, the file keeps it, and core's zonelists
// follow each node's own row (node 2 is nearer to node 0 than node 0 is to
// node 2). A machine loaded with an asymmetric SLIT starts with "both ways"
// off.
void MachineEditorTest::asymmetricSlitIsKept() {
    MachineEditorDialog dlg;
    QVERIFY(dlg.nodesPage()->bothWaysBox()->isChecked());
    auto* nodes = dlg.nodesPage()->nodesModel();
    nodes->addNode();
    QVERIFY(dlg.e820Page()->model()->generateFromNodes());
    auto* dist = dlg.nodesPage()->distanceModel();
    QVERIFY(dist->setData(dist->index(0, 2), 30)); // both ways
    QVERIFY(dist->setData(dist->index(1, 2), 15));
    QCOMPARE(dist->index(2, 0).data().toInt(), 30);
    QCOMPARE(dist->index(2, 1).data().toInt(), 15);
    dlg.nodesPage()->bothWaysBox()->setChecked(false);
    QVERIFY(dist->setData(dist->index(2, 0), 12)); // one way
    QVERIFY(dist->setData(dist->index(2, 1), 25));
    const std::vector<std::vector<int>> want = {{10, 20, 30}, {20, 10, 15}, {12, 25, 10}};
    QVERIFY(dlg.session()->draft().distance == want);
    QVERIFY(!dlg.session()->draft().distanceSymmetric());
    // Noted on both entries of a pair, not refused.
    for (const auto& [r, c] : {std::pair{0, 2}, std::pair{2, 0}}) {
        QVERIFY2(dist->index(r, c).data(Qt::ToolTipRole).toString().contains("not symmetric"),
                 qPrintable(dist->index(r, c).data(Qt::ToolTipRole).toString()));
        QVERIFY(dist->index(r, c).data(Qt::BackgroundRole).isValid());
    }
    QVERIFY(!dist->index(0, 1).data(Qt::BackgroundRole).isValid()); // 20 both ways
    QVERIFY(dlg.waitForPreview());
    QVERIFY2(dlg.canSave(), qPrintable(dlg.bannerText()));
    const QString path = tmp_.filePath("asymmetric.json");
    QVERIFY(dlg.saveTo(path));

    Simulation sim(loadScenarioFile(path.toStdString()));
    QVERIFY(sim.scenario().machine.distance == want);
    sim.runAll();
    QStringList fallback;
    for (const std::string& l : sim.kernelLog())
        if (l.rfind("Fallback order for Node", 0) == 0)
            fallback << QString::fromStdString(l).trimmed();
    QCOMPARE(fallback,
             (QStringList{"Fallback order for Node 0: 0 1 2", "Fallback order for Node 1: 1 2 0",
                          "Fallback order for Node 2: 2 0 1"}));

    MachineEditorDialog again;
    QString err;
    QVERIFY2(again.loadScenarioFile(path, &err), qPrintable(err));
    QVERIFY(!again.nodesPage()->bothWaysBox()->isChecked());
    QVERIFY(again.session()->draft().distance == want);
}

// Every shipped scenario opens in the editor and, unchanged, is written
// back as the same JSON (its steps kept).
void MachineEditorTest::shippedScenariosSurviveTheEditor_data() {
    QTest::addColumn<QString>("file");
    for (const QString& f : QDir(MMSIM_SCENARIOS).entryList({"*.json"}, QDir::Files, QDir::Name))
        if (f != "scenario.schema.json") QTest::newRow(qPrintable(f)) << f;
}

void MachineEditorTest::shippedScenariosSurviveTheEditor() {
    QFETCH(QString, file);
    const QString path = QStringLiteral(MMSIM_SCENARIOS "/") + file;
    MachineEditSession s;
    QString err;
    QVERIFY2(s.loadFile(path, &err), qPrintable(err));
    QVERIFY(s.keepSteps() || s.source().steps == 0);
    const ojson original = ojson::parse(readFile(path).toStdString());
    QCOMPARE(QString::fromStdString(s.scenario().dump()), QString::fromStdString(original.dump()));
    // One edit changes the machine's cmdline only.
    s.edit(MachineEditSession::CmdlinePart, [](MachineDraft& d) { d.cmdline += " quiet"; });
    ojson edited = s.scenario();
    ojson expect = original;
    expect["machine"]["cmdline"] = s.draft().cmdline;
    QCOMPARE(QString::fromStdString(edited.dump()), QString::fromStdString(expect.dump()));
}

// 03's node 0 spans the PCI hole ([0, 5G) holds 3G of RAM): the editor
// shows each node's RAM, and editing a size lays out a machine with as much.
void MachineEditorTest::customRangesKeepTheirRam() {
    MachineEditorDialog dlg;
    QVERIFY(dlg.loadScenarioFile(MMSIM_SCENARIOS "/03-nodes-and-zones.json"));
    const MachineDraft& d = dlg.session()->draft();
    QVERIFY(d.custom_ranges);
    QCOMPARE(d.nodes[0].memory_text, std::string("3G"));
    QCOMPARE(d.nodes[1].memory_text, std::string("3G"));
    auto* nodes = dlg.nodesPage()->nodesModel();
    QVERIFY(nodes->setData(nodes->index(1, EditorNodesModel::Memory), "3G"));
    QVERIFY(!d.custom_ranges);
    QCOMPARE(d.totalMemory(), 6ull << 30);
    QCOMPARE(ramOfE820(d.e820), 6ull << 30); // the scenario's own map holds as much
    QVERIFY(dlg.waitForPreview());
    QVERIFY2(dlg.canSave(), qPrintable(dlg.bannerText()));
}

void MachineEditorTest::menuOpensEditorAndSavedMachine() {
    MainWindow w;
    QVERIFY(w.openScenario(MMSIM_SCENARIOS "/default.json", false));
    QVERIFY(w.waitIdle());
    QAction* create = w.findChild<QAction*>("action-new-machine");
    QAction* edit = w.findChild<QAction*>("action-edit-machine");
    QVERIFY(create && edit);
    QCOMPARE(create->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    bool in_file_menu = false;
    for (QAction* a : w.menuBar()->actions())
        if (a->menu() && a->menu()->actions().contains(edit)) in_file_menu = true;
    QVERIFY(in_file_menu);

    edit->trigger();
    auto* dlg = w.findChild<MachineEditorDialog*>();
    QVERIFY(dlg);
    const Scenario sc = loadScenarioFile(MMSIM_SCENARIOS "/default.json");
    QCOMPARE(dlg->session()->draft().title, sc.title);
    QCOMPARE(dlg->session()->draft().e820.size(), sc.machine.e820.size());
    QTest::keyClicks(dlg->kernelPage()->optionEdit("movablecore"), "128M");
    QVERIFY(dlg->waitForPreview());
    QVERIFY(dlg->openAfterSave());
    const QString path = tmp_.filePath("from-menu.json");
    QString err;
    QVERIFY2(dlg->finishSave(path, &err), qPrintable(err));
    QVERIFY(w.waitIdle());
    QCOMPARE(w.scenarioPath(), path);
    QVERIFY(w.simulation()->scenario().machine.cmdline.find("movablecore=128M") !=
            std::string::npos);
}

void MachineEditorTest::previewRunsOnAWorkerThread() {
    MachinePreviewRunner runner;
    QSignalSpy spy(&runner, &MachinePreviewRunner::ready);
    MachineDraft d = MachineDraft::newMachine();
    const std::string good = scenarioText(scenarioJson(d));
    d.e820.clear();
    const std::string bad = scenarioText(scenarioJson(d));
    runner.request(bad);
    runner.request(good); // overtakes: only the newest is delivered
    QVERIFY(spy.wait(60000));
    QTest::qWait(50);
    QCOMPARE(spy.count(), 1);
    const auto p = spy.at(0).at(0).value<MachinePreviewPtr>();
    QVERIFY(p->ok);
    QVERIFY(p->on_worker);
    QCOMPARE(p->serial, runner.latestRequest());
    // Synchronously, the bad text is core's InputError.
    const MachinePreview b = computeMachinePreview(bad);
    QVERIFY(!b.ok);
    QVERIFY2(b.where.startsWith("/machine"), qPrintable(b.full));
    QVERIFY(!b.on_worker);
}

QTEST_MAIN(MachineEditorTest)
#include "test_machine_editor.moc"

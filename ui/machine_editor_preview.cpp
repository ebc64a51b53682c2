#include "ui/machine_editor_preview.h"

#include "core/e820.h"
#include "core/error.h"
#include "core/report.h"
#include "core/simulation.h"

#include <QElapsedTimer>
#include <QThread>

namespace mmsim::ui {

MachinePreview computeMachinePreview(const std::string& scenario_text, quint64 serial) {
    MachinePreview p;
    p.serial = serial;
    QElapsedTimer clock;
    clock.start();
    try {
        Simulation sim(loadScenario(scenario_text, "<machine editor>"));
        // The boot: the auto boot is one operation, an explicit boot its
        // memblock steps; the lesson's steps are not run.
        while (!sim.done()) {
            const Op::Kind k = sim.program().ops[sim.executed()].kind;
            if (k != Op::AutoBoot && k != Op::BootStep) break;
            sim.step();
        }
        const BootState& st = sim.state();
        p.release = QString::fromStdString(st.mm.profile.release());
        p.bios_e820 = e820Rows(st.bios_e820);
        p.e820 = e820Rows(st.e820);
        p.nodes = nodeSnaps(st);
        p.totalram_pages = st.mm.totalram_pages;
        try {
            p.boot_lines = QString::fromStdString(renderView(sim, "boot"));
        } catch (const std::exception& e) {
            p.boot_lines = QString::fromStdString(e.what());
        }
        p.ok = true;
    } catch (const InputError& e) {
        p.error = QString::fromStdString(e.message());
        p.where = QString::fromStdString(e.pointer());
        p.full = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        p.error = p.full = QString::fromStdString(e.what());
    }
    p.boot_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    return p;
}

MachinePreviewRunner::MachinePreviewRunner(QObject* parent)
    : QObject(parent), shared_(std::make_shared<Shared>()) {
    qRegisterMetaType<MachinePreviewPtr>();
    thread_ = new QThread;
    thread_->setObjectName(QStringLiteral("machine-preview"));
    worker_ = new QObject;
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(thread_, &QThread::finished, thread_, &QObject::deleteLater);
    thread_->start();
}

MachinePreviewRunner::~MachinePreviewRunner() {
    {
        const std::lock_guard<std::mutex> lock(shared_->mutex);
        shared_->alive = false;
    }
    shared_->latest.store(~0ull); // whatever is queued is out of date
    // The thread ends after the call it is running (not waited for).
    thread_->quit();
}

quint64 MachinePreviewRunner::request(std::string scenario_text) {
    const quint64 serial = shared_->latest.load() + 1;
    shared_->latest.store(serial);
    MachinePreviewRunner* self = this;
    auto shared = shared_;
    QThread* gui = thread();
    QMetaObject::invokeMethod(
        worker_,
        [self, shared, gui, serial, text = std::move(scenario_text)] {
            if (shared->latest.load() != serial) return; // overtaken before it started
            auto m = std::make_shared<MachinePreview>(computeMachinePreview(text, serial));
            m->on_worker = QThread::currentThread() != gui;
            MachinePreviewPtr p = std::move(m);
            const std::lock_guard<std::mutex> lock(shared->mutex);
            if (!shared->alive || shared->latest.load() != serial) return;
            // Posted while the runner is alive; a posted call dies with it.
            QMetaObject::invokeMethod(
                self,
                [self, p] {
                    if (self->shared_->latest.load() != p->serial) return;
                    self->delivered_ = p->serial;
                    emit self->ready(p);
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return serial;
}

} // namespace mmsim::ui

// The machine editor's live preview: the scenario being edited is loaded
// and booted by core exactly as the CLI and the main window do it
// (loadScenario, then the Simulation's boot operations) up to the point
// where the zones are sized, watermarked and handed their free pages; what
// comes out (nodes, zones, the e820 tables, the kernel's boot lines) or the
// InputError core raised is the preview.
//
// Booting a big machine takes a while, so MachinePreviewRunner does it on
// a thread of its own: the dialog asks for a preview of the latest text,
// a request that a newer one overtook before it started is dropped, and
// only the answer to the newest request is delivered.
#pragma once

#include "ui/snapshot.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

class QThread;

namespace mmsim::ui {

struct MachinePreview {
    quint64 serial = 0;
    bool ok = false;
    QString error;   // core's message (InputError::message(), or what() of another error)
    QString where;   // the JSON pointer of the bad value, if any
    QString full;    // "file:line:col: error: message (at /pointer)"
    QString release; // "6.12.117"
    std::vector<E820Row> bios_e820; // as the firmware gave it, sanitised
    std::vector<E820Row> e820;      // after mem=, memmap= and the BIOS trims
    std::vector<NodeSnap> nodes;
    QString boot_lines; // the "boot" view: zone ranges ... Policy zone
    std::uint64_t totalram_pages = 0;
    double boot_ms = 0;     // load + boot
    bool on_worker = false; // computed by MachinePreviewRunner's thread
};
using MachinePreviewPtr = std::shared_ptr<const MachinePreview>;

// Loads and boots the scenario text (synchronously).
MachinePreview computeMachinePreview(const std::string& scenario_text, quint64 serial = 0);

class MachinePreviewRunner : public QObject {
    Q_OBJECT
  public:
    explicit MachinePreviewRunner(QObject* parent = nullptr);
    ~MachinePreviewRunner() override;

    // Asks for a preview of this text; returns the request's serial.
    quint64 request(std::string scenario_text);
    quint64 latestRequest() const { return shared_->latest.load(); }
    quint64 latestDelivered() const { return delivered_; }
    bool pending() const { return delivered_ != shared_->latest.load(); }

  signals:
    void ready(const mmsim::ui::MachinePreviewPtr& preview);

  private:
    // Shared with the worker calls, which may outlive the runner: closing
    // the editor does not wait for a big machine's boot to finish.
    struct Shared {
        std::atomic<quint64> latest{0};
        std::mutex mutex;  // held while a result is posted to the runner
        bool alive = true; // the runner exists
    };
    QThread* thread_ = nullptr; // no parent: it deletes itself once finished
    QObject* worker_ = nullptr; // lives on thread_
    std::shared_ptr<Shared> shared_;
    quint64 delivered_ = 0;
};

} // namespace mmsim::ui

Q_DECLARE_METATYPE(mmsim::ui::MachinePreviewPtr)

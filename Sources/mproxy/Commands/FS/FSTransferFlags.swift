import ArgumentParser
import WorkspaceFS

/// Flags `get`, `put` and `cp` share.
struct FSTransferFlags: ParsableArguments {
    @Flag(name: .customShort("r"), help: "Copy directories recursively.") var recursive = false
    @Flag(name: .customShort("p"), help: "Preserve permission bits and access/modification times.") var preserve = false
    @Flag(help: "Continue an interrupted transfer from its partial file.") var resume = false
    @Flag(name: .customShort("q"), help: "No progress output.") var quiet = false

    /// Transfer options with progress shown on `meter`.
    func options(meter: FSProgressMeter?) -> TransferOptions {
        var options = TransferOptions()
        options.preservesAttributes = preserve
        options.resumes = resume
        if let meter { options.progress = { meter.record($0) } }
        return options
    }
}

import ArgumentParser

/// A duration on the command line: seconds (`90`, `1.5`) or with a unit (`500ms`, `2s`, `3m`, `1h`).
struct ExecDuration: ExpressibleByArgument, Sendable {
    /// The duration.
    var duration: Duration
    /// As typed.
    var text: String

    init(duration: Duration) {
        self.duration = duration
        text = "\(duration)"
    }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(argument)
        var scale = 1.0
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        duration = .milliseconds(Int64((value * scale * 1000).rounded()))
        text = argument
    }
}

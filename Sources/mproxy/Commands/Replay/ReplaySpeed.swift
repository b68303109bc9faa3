import ArgumentParser

/// How fast to play: a factor from 0.1 to 100, or `max` for no waiting at all.
enum ReplaySpeed: ExpressibleByArgument, Equatable {
    /// Recorded time divided by this factor.
    case factor(Double)
    /// Everything at once.
    case maximum

    /// The factors `+` and `-` step through while playing.
    static let steps: [Double] = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 100]
    /// The accepted range of factors.
    static let range: ClosedRange<Double> = 0.1...100

    init?(argument: String) {
        if argument == "max" {
            self = .maximum
            return
        }
        let text = argument.hasSuffix("x") ? String(argument.dropLast()) : argument
        guard let factor = Double(text), Self.range.contains(factor) else { return nil }
        self = .factor(factor)
    }

    /// The next faster step (`+`), or `max` past 100.
    var faster: ReplaySpeed {
        guard case .factor(let factor) = self else { return self }
        return Self.steps.first { $0 > factor * 1.0001 }.map { .factor($0) } ?? self
    }

    /// The next slower step (`-`).
    var slower: ReplaySpeed {
        guard case .factor(let factor) = self else { return .factor(100) }
        return Self.steps.last { $0 < factor * 0.9999 }.map { .factor($0) } ?? self
    }

    /// `2x`, `0.5x`, `max`.
    var label: String {
        switch self {
        case .maximum: "max"
        case .factor(let factor):
            factor == factor.rounded() ? "\(Int(factor))x" : "\(factor)x"
        }
    }
}

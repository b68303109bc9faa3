/// A command line the probe does not understand, or a measurement that saw something unexpected.
struct ProbeError: Error, CustomStringConvertible {
    let text: String
    var description: String { "\(text) (see the modes in Benchmarks/MeasurementProbe/MeasurementProbe.swift)" }
}

extension Duration {
    /// The duration in microseconds, as the probe reports every sample.
    var microseconds: Double {
        Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12
    }
}

// swift-tools-version: 6.2
import PackageDescription

// Micro benchmarks for the codec, run with: swift package --package-path Benchmarks benchmark
// MeasurementProbe: what scripts/bench measures through the library (exec, signals and file RPCs on
// an established connection, codec decode times); built only by scripts/bench.
let package = Package(
    name: "Benchmarks",
    dependencies: [
        .package(name: "mproxy", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.30.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "AgentProto", package: "mproxy"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MuxBenchmarks",
            dependencies: [
                .product(name: "AgentProto", package: "mproxy"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/MuxBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MeasurementProbe",
            dependencies: [
                .product(name: "AgentProto", package: "mproxy"),
                .product(name: "RemoteExec", package: "mproxy"),
                .product(name: "WorkspaceFS", package: "mproxy"),
            ],
            path: "MeasurementProbe"
        ),
    ],
    swiftLanguageModes: [.v6]
)

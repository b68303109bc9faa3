// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for the AgentProto decoders. Build and run with ./fuzz (see README.md).
let package = Package(
    name: "FuzzTesting",
    dependencies: [
        .package(name: "mproxy", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "FuzzFrameDecoder",
            dependencies: [.product(name: "AgentProto", package: "mproxy")]
        ),
        .executableTarget(
            name: "FuzzRecordDecoder",
            dependencies: [.product(name: "AgentProto", package: "mproxy")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

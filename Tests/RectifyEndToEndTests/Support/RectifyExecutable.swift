import Foundation

/// Finds the built `rectify` executable: it sits next to the test bundle in `.build/<triple>/<config>/`
/// (`swift test` builds every product, the executable included). `RECTIFY_EXECUTABLE` overrides.
enum RectifyExecutable {
    static func path(filePath: String = #filePath) throws -> String {
        let candidates = candidatePaths(filePath: filePath)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        throw ChildProcessError(description: """
            the rectify executable is not built (looked in: \(candidates.joined(separator: ", "))); \
            run `swift build` (or `swift test`, which builds it) first, or set RECTIFY_EXECUTABLE
            """)
    }

    private static func candidatePaths(filePath: String) -> [String] {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["RECTIFY_EXECUTABLE"], !override.isEmpty {
            candidates.append(override)
        }
        // The running test binary (on Linux, .build/<triple>/debug/<Package>PackageTests.xctest).
        var directories: [URL] = []
        if let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append(URL(fileURLWithPath: running).deletingLastPathComponent())
        }
        if let bundle = Bundle.main.executableURL {
            directories.append(bundle.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // On macOS the bundle is a directory: .build/debug/X.xctest/Contents/MacOS/X.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates += directories.map { $0.appendingPathComponent("rectify").path }
        // From this source file: <package>/Tests/RectifyEndToEndTests/Support/RectifyExecutable.swift.
        let package = URL(fileURLWithPath: filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/rectify").path)
        var unique: [String] = []
        for candidate in candidates where !unique.contains(candidate) { unique.append(candidate) }
        return unique
    }
}

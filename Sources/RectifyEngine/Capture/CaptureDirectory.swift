import Foundation

/// A capture folder (docs/capture-format.md): one `layer-NNN` folder per captured router.
public struct CaptureDirectory: Sendable {
    /// The path as given; starts every error message.
    public let path: String
    /// The layer folders, by index.
    public let layers: [CaptureLayerFolder]

    /// Whether `path` is a folder (a capture) rather than a single `.npy` file.
    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Lists the layer folders of the capture at `path`.
    public init(path: String) throws(WorkloadError) {
        guard Self.isDirectory(path) else { throw WorkloadError("\(path): no such capture folder") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw WorkloadError("\(path): cannot list the capture folder")
        }
        var layers: [CaptureLayerFolder] = []
        for name in names where name.hasPrefix("layer-") {
            guard let index = Int(name.dropFirst("layer-".count)), index >= 0,
                  Self.isDirectory(path + "/" + name) else { continue }
            layers.append(CaptureLayerFolder(index: index, path: path + "/" + name))
        }
        guard !layers.isEmpty else {
            throw WorkloadError("\(path): no layer-NNN folders; not a capture (see docs/capture-format.md)")
        }
        self.path = path
        self.layers = layers.sorted { $0.index < $1.index }
    }

    /// The layer `selector` names (its index, or its `layerName`); the lowest layer when `nil`.
    public func layer(_ selector: String?) throws(WorkloadError) -> CaptureLayerFolder {
        guard let selector else { return layers[0] }
        if let index = Int(selector) {
            if let found = layers.first(where: { $0.index == index }) { return found }
        } else {
            for layer in layers where layer.layerName() == selector { return layer }
        }
        let known = layers.map { layer in layer.layerName().map { "\(layer.index) (\($0))" } ?? String(layer.index) }
        throw WorkloadError("\(path): no layer '\(selector)'; the capture has \(known.joined(separator: ", "))")
    }
}

/// One `layer-NNN` folder of a capture.
public struct CaptureLayerFolder: Equatable, Sendable {
    public let index: Int
    public let path: String

    /// Sidecar file names in the folder, sorted.
    public func sidecarNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter(Self.isSidecar).sorted()
    }

    /// Whether a file name in a layer folder is a sidecar; temporary files (leading `.`) are not.
    static func isSidecar(_ name: String) -> Bool { name.hasSuffix(".json") && !name.hasPrefix(".") }

    /// The router's module name, from the first readable sidecar.
    public func layerName() -> String? {
        for name in sidecarNames() {
            if let sidecar = try? CaptureSidecar(path: path + "/" + name) { return sidecar.layerName }
        }
        return nil
    }

    /// Reads every sidecar, failing on the first bad one, and groups them into steps.
    public func readSteps() throws(WorkloadError) -> CaptureSteps {
        var sidecars: [CaptureSidecar] = []
        for name in sidecarNames() {
            let sidecar = try CaptureSidecar(path: path + "/" + name)
            try check(sidecar)
            sidecars.append(sidecar)
        }
        return CaptureSteps(sidecars)
    }

    /// A sidecar must describe the folder it sits in.
    func check(_ sidecar: CaptureSidecar) throws(WorkloadError) {
        guard sidecar.layer == index else {
            throw WorkloadError("\(sidecar.path): sidecar key 'layer' is \(sidecar.layer), but the file is in layer folder \(index)")
        }
    }
}

/// A layer's sidecars grouped into steps: complete ones (in step order) and the rest with reasons.
public struct CaptureSteps: Sendable {
    public var complete: [CaptureStep] = []
    /// Groups that are not replayable: ranks missing (a step being written, or a writer that died)
    /// or shards that disagree.
    public var problems: [CaptureStepProblem] = []

    public init(_ sidecars: [CaptureSidecar]) {
        let groups = Dictionary(grouping: sidecars) { StepKey(session: $0.session, step: $0.step) }
        for key in groups.keys.sorted() {
            switch CaptureStep.assemble(groups[key] ?? []) {
            case .success(let step): complete.append(step)
            case .failure(let problem): problems.append(problem)
            }
        }
        complete.sort { ($0.step, $0.completedAt) < ($1.step, $1.completedAt) }
    }
}

/// Identifies one step of one capture job.
struct StepKey: Hashable, Comparable, Sendable {
    let session: String
    let step: Int

    static func < (a: StepKey, b: StepKey) -> Bool { (a.step, a.session) < (b.step, b.session) }
}

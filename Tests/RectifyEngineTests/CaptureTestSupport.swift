import Foundation

@testable import RectifyEngine

/// Writes capture folders the way docs/capture-format.md lays them out, with hooks to break them.
struct CaptureFixture {
    let root: TraceTemporaryDirectory
    var path: String { root.url.path + "/capture" }

    init() throws { root = try TraceTemporaryDirectory() }

    /// The sidecar keys for one shard; tests edit the dictionary to break it.
    static func sidecar(step: Int, rank: Int, worldSize: Int, tokens: Int, experts: Int, topK: Int = 2, layer: Int = 0,
                        session: String = "s1", writtenAt: Double = 1_000) -> [String: Any] {
        ["format": "rectify-capture", "version": 1, "session": session, "step": step, "layer": layer,
         "layerName": "blocks.\(layer).moe.gate", "rank": rank, "worldSize": worldSize, "tokens": tokens,
         "experts": experts, "topK": topK, "dtype": "float32", "tokenOrder": "batch-major",
         "file": Self.stem(step: step, rank: rank) + ".npy", "writtenAt": writtenAt]
    }

    static func stem(step: Int, rank: Int) -> String {
        "step-" + String(format: "%08d", step) + ".rank-" + String(format: "%05d", rank)
    }

    func folder(layer: Int) -> String { path + "/layer-" + String(format: "%03d", layer) }

    /// Writes one shard: the `.npy` (shape `[rows, experts]`) and then its sidecar, each renamed
    /// into place as the capture library does.
    func writeShard(_ values: [Float], experts: Int, sidecar: [String: Any], layer: Int = 0,
                    npyShape: [Int]? = nil) throws {
        let folder = folder(layer: layer)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let step = sidecar["step"] as? Int ?? 0, rank = sidecar["rank"] as? Int ?? 0
        let stem = Self.stem(step: step, rank: rank)
        let shape = npyShape ?? [values.count / experts, experts]
        try atomically(Data(TraceNpyBytes.float32File(values, shape: shape)), to: folder + "/" + stem + ".npy")
        let json = try JSONSerialization.data(withJSONObject: sidecar, options: [.sortedKeys])
        try atomically(json, to: folder + "/" + stem + ".json")
    }

    /// Writes a whole step: `ranks[r]` is rank r's rows.
    func writeStep(_ step: Int, ranks: [[Float]], experts: Int, topK: Int = 2, layer: Int = 0, session: String = "s1",
                   writtenAt: Double = 1_000) throws {
        for (rank, rows) in ranks.enumerated() {
            try writeShard(rows, experts: experts, sidecar: Self.sidecar(
                step: step, rank: rank, worldSize: ranks.count, tokens: rows.count / experts, experts: experts, topK: topK,
                layer: layer, session: session, writtenAt: writtenAt), layer: layer)
        }
    }

    private func atomically(_ data: Data, to final: String) throws {
        let url = URL(fileURLWithPath: final)
        let temporary = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp")
        try data.write(to: temporary)
        guard rename(temporary.path, final) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Deterministic logits for (step, rank): varied so that capacity binds.
    static func logits(step: Int, rank: Int, tokens: Int, experts: Int) -> [Float] {
        (0..<(tokens * experts)).map { index in
            let token = index / experts, expert = index % experts
            return Float((token * 7 + expert * 5 + step * 3 + rank * 11) % 13) * 0.25 - (expert == 0 ? 0.5 : 0)
        }
    }

    func remove() { root.remove() }
}

/// The message of the `WorkloadError` `body` throws (any other error as text), or nil.
func workloadMessage(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as WorkloadError {
        return error.message
    } catch {
        return String(describing: error)
    }
}

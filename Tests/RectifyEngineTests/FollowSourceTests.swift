import Foundation
import Testing

@testable import RectifyEngine

/// Following a capture while it is written: newest first, restarts, pauses, bad steps.
@Suite("Capture follow")
struct FollowSourceTests {
    static func step(_ fixture: CaptureFixture, _ step: Int, session: String = "s1", writtenAt: Double, tokens: Int = 3) throws {
        try fixture.writeStep(step, ranks: (0..<2).map { CaptureFixture.logits(step: step, rank: $0, tokens: tokens, experts: 4) },
                              experts: 4, session: session, writtenAt: writtenAt)
    }

    static func open(_ fixture: CaptureFixture) throws -> FollowSource {
        guard case .ready(let source) = FollowSource.open(path: fixture.path, layer: nil) else {
            Issue.record("the capture should be ready")
            throw WorkloadError("not ready")
        }
        return source
    }

    @Test("it waits while the folder or a complete step is missing")
    func waits() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        guard case .waiting(let reason) = FollowSource.open(path: fixture.path, layer: nil) else {
            Issue.record("no folder yet: should wait")
            return
        }
        #expect(reason == "\(fixture.path): no such capture folder")
        try fixture.writeShard([Float](repeating: 0, count: 12), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 0, rank: 0, worldSize: 2, tokens: 3, experts: 4))
        guard case .waiting(let partial) = FollowSource.open(path: fixture.path, layer: nil) else {
            Issue.record("rank 1 missing: should wait")
            return
        }
        #expect(partial == "\(fixture.folder(layer: 0)): step 0 is missing rank 1")
    }

    @Test("the newest complete step is routed first and the passed-over ones are counted")
    func newestFirst() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        for step in 0..<3 { try Self.step(fixture, step, writtenAt: 100 + Double(step)) }
        let source = try Self.open(fixture)
        #expect(source.tokens == 6 && source.experts == 4 && source.topK == 2 && source.worldSize == 2)
        let first = try #require(try source.nextBatch())
        #expect(first.step == 0)
        #expect(first.logits == CaptureFixture.logits(step: 2, rank: 0, tokens: 3, experts: 4)
                + CaptureFixture.logits(step: 2, rank: 1, tokens: 3, experts: 4))
        #expect(source.status.lastStep == 2 && source.status.skipped == 2 && source.status.routed == 1)
        #expect(try source.nextBatch() == nil, "nothing new: nil, not the end")
        try Self.step(fixture, 3, writtenAt: 104)
        let next = try #require(try source.nextBatch())
        #expect(next.step == 1)
        #expect(source.status.lastStep == 3 && source.status.skipped == 2)
        #expect(source.status.lag(now: 110) == 6)
    }

    @Test("a restarted writer (new session, steps from 0 again, files replaced) is followed")
    func restart() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try Self.step(fixture, 0, writtenAt: 100)
        try Self.step(fixture, 1, writtenAt: 101)
        let source = try Self.open(fixture)
        _ = try source.nextBatch()
        #expect(source.status.lastStep == 1)
        try Self.step(fixture, 0, session: "s2", writtenAt: 200)
        let batch = try #require(try source.nextBatch())
        #expect(source.status.lastStep == 0 && source.status.lastSession == "s2")
        #expect(batch.logits.count == 24)
    }

    @Test("a missing folder, a step of another shape and a NaN step are reported, not fatal")
    func survives() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try Self.step(fixture, 0, writtenAt: 100)
        let source = try Self.open(fixture)
        _ = try source.nextBatch()
        try FileManager.default.removeItem(atPath: fixture.path)
        #expect(try source.nextBatch() == nil)
        #expect(source.status.problem == "\(fixture.folder(layer: 0)): not found; waiting for the writer")
        try Self.step(fixture, 1, writtenAt: 101, tokens: 5)
        #expect(try source.nextBatch() == nil)
        #expect(source.status.rejected == 1)
        #expect(source.status.problem?.hasSuffix("step 1 has 10 tokens x 4 experts; following 6 x 4") == true)
        var values = CaptureFixture.logits(step: 2, rank: 1, tokens: 3, experts: 4)
        values[5] = .infinity
        try fixture.writeShard(CaptureFixture.logits(step: 2, rank: 0, tokens: 3, experts: 4), experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 2, rank: 0, worldSize: 2, tokens: 3, experts: 4, writtenAt: 102))
        try fixture.writeShard(values, experts: 4,
                               sidecar: CaptureFixture.sidecar(step: 2, rank: 1, worldSize: 2, tokens: 3, experts: 4, writtenAt: 102))
        #expect(try source.nextBatch() == nil)
        #expect(source.status.rejected == 2)
        #expect(source.status.problem?.hasSuffix("token 1, expert 1: logit is +Inf; finite values required (step 2, rank 1)") == true)
        try Self.step(fixture, 3, writtenAt: 103)
        #expect(try source.nextBatch() != nil)
        #expect(source.status.problem == nil && source.status.routed == 2 && source.status.lastStep == 3)
    }

    @Test("an unreadable sidecar is reported and skipped until it is replaced")
    func badSidecar() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try Self.step(fixture, 0, writtenAt: 100)
        let source = try Self.open(fixture)
        _ = try source.nextBatch()
        let broken = fixture.folder(layer: 0) + "/step-00000001.rank-00000.json"
        try Data("{\"format\": ".utf8).write(to: URL(fileURLWithPath: broken))
        #expect(try source.nextBatch() == nil)
        #expect(source.status.problem?.hasPrefix(broken + ": invalid JSON") == true)
        try Self.step(fixture, 1, writtenAt: 101)
        #expect(try source.nextBatch() != nil)
        #expect(source.status.lastStep == 1)
    }

    @Test("an unreadable sidecar mended in place (same file, new contents) is read again")
    func mendedInPlace() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try Self.step(fixture, 0, writtenAt: 100)
        let source = try Self.open(fixture)
        _ = try source.nextBatch()
        try Self.step(fixture, 1, writtenAt: 101)
        let sidecar = fixture.folder(layer: 0) + "/step-00000001.rank-00001.json"
        let good = try Data(contentsOf: URL(fileURLWithPath: sidecar))
        let handle = try #require(FileHandle(forUpdatingAtPath: sidecar))
        try handle.truncate(atOffset: 5)
        #expect(try source.nextBatch() == nil)
        #expect(source.status.problem?.hasPrefix(sidecar + ": invalid JSON") == true)
        try handle.seek(toOffset: 0)
        handle.write(good)
        try handle.close()
        #expect(try source.nextBatch() != nil)
        #expect(source.status.lastStep == 1 && source.status.problem == nil)
    }

    @Test("a shard deleted before its step is complete is forgotten; the step waits for it again")
    func deletedShard() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        try Self.step(fixture, 0, writtenAt: 100)
        let source = try Self.open(fixture)
        _ = try source.nextBatch()
        let rank0 = CaptureFixture.logits(step: 1, rank: 0, tokens: 3, experts: 4)
        let rank1 = CaptureFixture.logits(step: 1, rank: 1, tokens: 3, experts: 4)
        try fixture.writeShard(rank0, experts: 4, sidecar: CaptureFixture.sidecar(step: 1, rank: 0, worldSize: 2, tokens: 3, experts: 4))
        #expect(try source.nextBatch() == nil)
        try FileManager.default.removeItem(atPath: fixture.folder(layer: 0) + "/" + CaptureFixture.stem(step: 1, rank: 0) + ".json")
        #expect(try source.nextBatch() == nil)
        try fixture.writeShard(rank1, experts: 4, sidecar: CaptureFixture.sidecar(step: 1, rank: 1, worldSize: 2, tokens: 3, experts: 4))
        #expect(try source.nextBatch() == nil, "rank 0 was deleted: step 1 is not complete")
        try fixture.writeShard(rank0, experts: 4, sidecar: CaptureFixture.sidecar(step: 1, rank: 0, worldSize: 2, tokens: 3, experts: 4))
        let batch = try #require(try source.nextBatch())
        #expect(batch.logits == rank0 + rank1 && source.status.lastStep == 1 && source.status.routed == 2)
    }

    @Test("the watcher lists the folder when it changed, parses only new and replaced sidecars, reports the ones gone")
    func watcherChanges() throws {
        let fixture = try CaptureFixture()
        defer { fixture.remove() }
        for step in 0..<3 { try Self.step(fixture, step, writtenAt: 100 + Double(step)) }
        let folder = fixture.folder(layer: 0)
        func setFolderTime(_ date: Date) throws {
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: folder)
        }
        // A long relist interval, so only the folder's time decides here (however slow the machine).
        let watcher = SidecarWatcher(folder: folder, relistInterval: .seconds(600))
        try setFolderTime(Date(timeIntervalSinceNow: 10))
        let first = try #require(watcher.poll { _ in })
        #expect(first.sidecars.count == 6 && first.gone.isEmpty && first.freshProblems.isEmpty)
        _ = watcher.poll { _ in }
        #expect(watcher.listings == 2, "listed while the folder's time was recent: listed again")
        try setFolderTime(Date(timeIntervalSinceNow: -10))
        let idle = try #require(watcher.poll { _ in })
        #expect(idle.sidecars.isEmpty && idle.gone.isEmpty && watcher.listings == 3)
        _ = watcher.poll { _ in }
        #expect(watcher.listings == 3, "a settled, unchanged folder is not listed again within the interval")
        let often = SidecarWatcher(folder: folder, relistInterval: .milliseconds(50))
        _ = often.poll { _ in }
        Thread.sleep(forTimeInterval: 0.06)
        _ = often.poll { _ in }
        #expect(often.listings == 2, "but at least once per interval")
        try Self.step(fixture, 1, session: "s2", writtenAt: 200)
        let replaced = try #require(watcher.poll { _ in })
        #expect(Set(replaced.sidecars.map(\.path)) == Set(replaced.gone) && replaced.gone.count == 2)
        #expect(replaced.sidecars.allSatisfy { $0.session == "s2" })
        let removed = folder + "/" + CaptureFixture.stem(step: 2, rank: 0) + ".json"
        try FileManager.default.removeItem(atPath: removed)
        let afterDelete = try #require(watcher.poll { _ in })
        #expect(afterDelete.sidecars.isEmpty && afterDelete.gone == [removed])
        try FileManager.default.removeItem(atPath: fixture.path)
        #expect(watcher.poll { _ in } == nil)
        try Self.step(fixture, 4, writtenAt: 300)
        #expect(try #require(watcher.poll { _ in }).sidecars.count == 2, "a folder made again is new from scratch")
    }
}

import Foundation
import Testing
@testable import RectifyEngine

@Suite("stat modification time")
struct StatTimeTests {
    @Test("modificationTime reads the time the file system holds, to the nanosecond field")
    func modificationTime() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-stat-\(UUID().uuidString)").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        let time = info.modificationTime
        #expect(time.seconds == 1_700_000_000)
        #expect(time.nanoseconds == 250_000_000)
        #expect(Fingerprint(path: path)?.modified == 1_700_000_000.25)
    }
}

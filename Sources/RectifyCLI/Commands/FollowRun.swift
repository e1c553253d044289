import Foundation
import RectifyEngine

/// `rectify run --follow DIR`: routes a capture's steps as a live job writes them, until enough
/// steps, an idle spell or a stop signal, then reports like any run plus where each step came from.
/// With `stream`, JSONL lines are written as steps are routed instead (see `RunReport.streamHeader`).
enum FollowRun {
    static func route(scenario: Scenario, modes: [RectifyMode], steps limit: Int?, idleTimeout: Double?, detail: Bool,
                      threads: Int?, stop: StopRequest, storage: RunReport.StepStorage = .keep,
                      stream: Bool = false) throws(CLIError) -> RunReport {
        let preset = scenario.preset
        let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let source: any BatchSource
        do { source = try scenario.source(threads: workers) } catch { throw .runtime(error.description) }
        var report = RunReport(preset: preset, modes: modes, requestedSteps: limit ?? 0, storage: storage)
        // A followed capture carries no hidden states: no output error.
        var evaluator = StepEvaluator(settings: report.evaluationSettings(threads: workers), fidelity: nil,
                                      router: Router(threads: workers))
        if stream, !StandardStreams.writeOutput(report.streamHeader()) { throw .runtime("cannot write output") }
        var lastArrival = Date()
        var skippedSoFar = 0
        while true {
            if let limit, report.stepsRun >= limit {
                report.stoppedBy = "--steps"
                break
            }
            if let signo = stop.received {
                report.stoppedBy = StopRequest.name(signo)
                break
            }
            let batch: RoutingBatch?
            do { batch = try source.nextBatch() } catch { throw .runtime(error.description) }
            guard let batch else {
                if let idleTimeout, Date().timeIntervalSince(lastArrival) >= idleTimeout {
                    report.stoppedBy = "--idle-timeout"
                    break
                }
                Thread.sleep(forTimeInterval: FollowSource.pollInterval)
                continue
            }
            lastArrival = Date()
            try report.record(batch, evaluator: &evaluator, keepDetail: detail)
            if let status = source.follow {
                report.followed.append(RunReport.FollowedStep(
                    captureStep: status.lastStep ?? -1, session: status.lastSession ?? "",
                    lag: status.lag(now: lastArrival.timeIntervalSince1970) ?? 0, skippedBefore: status.skipped - skippedSoFar))
                skippedSoFar = status.skipped
            }
            if stream, !StandardStreams.writeOutput(report.streamLatestStep(detail: detail)) {
                throw .runtime("cannot write output")
            }
        }
        report.followStatus = source.follow
        return report
    }
}

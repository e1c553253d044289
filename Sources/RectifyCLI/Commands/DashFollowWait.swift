import RectifyTerminal

/// `dash --follow` waits for the capture's first complete step before the screen starts. Meanwhile
/// keys are read and dropped, so none is replayed into the dashboard later; `q` quits at once (exit
/// 0), and Ctrl+C, SIGTERM, SIGHUP or SIGQUIT end the wait with 128 + the signal's number, as they
/// end the dashboard. The terminal's settings are put back on every path.
enum DashFollowWait {
    enum Outcome {
        case ready(Scenario)
        /// The wait ended without a step: exit with this status.
        case ended(Int32)
    }

    static func resolve(_ args: ParsedArguments) throws(CLIError) -> Outcome {
        let keys = WaitingKeys()
        let stop = StopRequest()
        stop.keyStop = { keys.poll() }
        defer {
            keys.finish()
            stop.finish()
        }
        do {
            return .ready(try ScenarioOptions.resolve(args, traceLoopDefault: true, stop: stop))
        } catch {
            if keys.quitTyped { return .ended(0) }
            guard let signo = stop.received else { throw error }
            StandardStreams.writeError("rectify: \(error.message)")
            return .ended(128 + signo)
        }
    }
}

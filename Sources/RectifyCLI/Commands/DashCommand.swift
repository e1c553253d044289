import RectifyEngine

/// `rectify dash` (and `rectify` alone): the live dashboard.
enum DashCommand {
    static func run(_ arguments: [String]) throws(CLIError) -> Int32 {
        throw .runtime("the dashboard is not available in this build yet; use 'rectify run'")
    }
}

import Foundation
import RectifyCLI

Rectify.prepareProcess()
exit(Rectify.main(Array(CommandLine.arguments.dropFirst())))

import Foundation
import RectifyCLI

exit(Rectify.main(Array(CommandLine.arguments.dropFirst())))

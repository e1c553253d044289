import RectifyCLI

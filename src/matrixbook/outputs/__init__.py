"""One module per output; each defines OUTPUT = matrixbook.build.Output(...)."""

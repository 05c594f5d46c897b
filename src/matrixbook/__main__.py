from matrixbook.cli import main

main()

"""`python -m newswatch`."""

from newswatch.cli import main

main()

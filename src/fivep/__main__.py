"""``python -m fivep``: the same CLI as the ``fivep`` command."""

from fivep.cli import main

if __name__ == "__main__":
    main()

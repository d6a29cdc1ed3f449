"""Entry point for ``python -m gatekeeper``."""

from gatekeeper.cli import main

if __name__ == "__main__":
    main(prog_name="gatekeeper")  # as the console script names itself, for help and completion

"""Start the web UI with the defaults of `assistant ui`: python ui.py."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["ui", *sys.argv[1:]]))

"""Stage evaluate: every model on every test playlist in the ten challenge scenarios, plus typed queries.

Damaged inputs end the stage with one line ``error: <message>`` on stderr and exit status 1 (a ground truth
folder that does not describe the data, see `playlistrec.truth`).
"""

import sys
import time
from pathlib import Path

from playlistrec.evaluate import run_evaluation, summary_line, write_outputs
from playlistrec.io import load_params
from playlistrec.truth import TruthMismatchError


def main() -> int:
    """Run the stage; return the process exit status."""
    start = time.perf_counter()
    try:
        result = run_evaluation(Path("."), load_params())
    except TruthMismatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write_outputs(result)
    print(f"{summary_line(result)} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Stage evaluate: every model on every test playlist in the ten challenge scenarios, plus typed queries."""

import sys
import time
from pathlib import Path

from playlistrec.evaluate import run_evaluation, summary_line, write_outputs
from playlistrec.io import load_params
from playlistrec.process import run_stage


def main() -> None:
    start = time.perf_counter()
    result = run_evaluation(Path("."), load_params())
    write_outputs(result)
    print(f"{summary_line(result)} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    sys.exit(run_stage(main))

"""Stage evaluate: every model on every test playlist in the ten challenge scenarios, plus typed queries.

Damaged inputs end the stage with one line ``error: <message>`` on stderr and exit status 1 (a ground truth
folder that does not describe the data, see `playlistrec.truth`).
"""

import sys
import time
from pathlib import Path
from typing import Any

from playlistrec.evaluate.llm_baseline import LLMSettings
from playlistrec.evaluate.run import EvalSettings, run_evaluation, summary_line, write_outputs
from playlistrec.io import load_params
from playlistrec.process import run_stage
from playlistrec.recommenders.registry import pipeline_models
from playlistrec.truth import TruthMismatchError


def eval_settings(params: dict[str, Any]) -> EvalSettings:
    """The evaluation's settings from params.yaml: `seed`, `data.truth_dir` and the `eval` section."""
    cfg, llm = params["eval"], params["eval"]["llm"]
    return EvalSettings(
        n=cfg["n"],
        cutoffs=cfg["cutoffs"],
        seed=params["seed"],
        truth_dir=params["data"]["truth_dir"],
        llm=LLMSettings(llm["gguf_path"], llm["endpoint"], llm["model"], llm["sample"], llm["n_songs"]),
    )


def main() -> int:
    """Run the stage; return the process exit status."""
    start = time.perf_counter()
    params = load_params()
    try:
        models = pipeline_models(params["recommend"], Path("."), require=True)  # `ranked` when the ranker is on
        result = run_evaluation(Path("."), params["recommend"], eval_settings(params), models)
    except TruthMismatchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    write_outputs(result)
    print(f"{summary_line(result)} ({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(run_stage(main))

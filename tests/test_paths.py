"""paths.py and dvc.yaml name the same files: every path constant is a declared dep or output (or the folder of
one), and every output of dvc.yaml is a path constant or the folder of one."""

from pathlib import Path, PurePosixPath

import yaml

from playlistrec import paths

ROOT = Path(__file__).resolve().parents[1]


def constants() -> set[PurePosixPath]:
    """Every path paths.py names (the title vectors of each encoder included), params.yaml aside."""
    found = {value for value in vars(paths).values() if isinstance(value, Path)}
    found |= {value for value in paths.TITLE_ENCODERS.values() if isinstance(value, Path)}
    found |= {paths.title_vectors_file(encoder) for encoder in paths.TITLE_ENCODERS}
    return {PurePosixPath(path.as_posix()) for path in found - {paths.PARAMS}}


def declared() -> tuple[set[PurePosixPath], set[PurePosixPath]]:
    """(every dep and output, the outputs) of dvc.yaml's stages, templated paths left out."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"].values()
    outs = {
        PurePosixPath(next(iter(entry)) if isinstance(entry, dict) else entry)
        for stage in stages
        for key in ("outs", "metrics")
        for entry in stage.get(key, [])
    }
    deps = {PurePosixPath(dep) for stage in stages for dep in stage["deps"] if "${" not in dep}
    return deps | outs, outs


def related(a: PurePosixPath, b: PurePosixPath) -> bool:
    """a and b are the same path, or one is inside the other."""
    return a == b or a in b.parents or b in a.parents


def test_every_path_constant_is_declared_in_dvc_yaml():
    everything, _ = declared()
    undeclared = sorted(str(path) for path in constants() if not any(related(path, d) for d in everything))
    assert not undeclared, f"in paths.py but not in dvc.yaml: {undeclared}"


def test_every_output_of_dvc_yaml_is_in_paths():
    _, outs = declared()
    names = constants()
    missing = sorted(str(out) for out in outs if not any(out == p or out in p.parents for p in names))
    assert not missing, f"outputs of dvc.yaml that paths.py does not name: {missing}"


def test_params_file_is_the_one_dvc_reads():
    assert (ROOT / paths.PARAMS).is_file()

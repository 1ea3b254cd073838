"""Stage export_onnx: the packaged base model's whole embedding function as one ONNX file.

`embed_tracks` runs it with ONNX Runtime when `embed.backend` is `onnx`; exported once here (about 10 s),
not on each run, and from the installed model package, so it works offline.
"""

import sys

from playlistrec import paths
from playlistrec.encoders import export_onnx
from playlistrec.io import atomic_path
from playlistrec.process import run_stage


def main() -> None:
    with atomic_path(paths.ONNX_MODEL) as tmp:
        export_onnx("pretrained", tmp)
    print(f"export_onnx: {paths.ONNX_MODEL} ({paths.ONNX_MODEL.stat().st_size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    sys.exit(run_stage(main))

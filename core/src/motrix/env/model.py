"""Find and load an env's MJCF: ``"package:relative/path.xml"`` or a file path."""

from __future__ import annotations

import contextlib
import importlib.resources
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from motrix.errors import MotrixError

if TYPE_CHECKING:
    import motrixsim

# "pkg.sub:rel/path.xml"; a lone letter before the colon is a Windows drive, not a package.
_PACKAGE_REF = re.compile(r"^(?P<package>[A-Za-z_]\w+(?:\.[A-Za-z_]\w*)*):(?P<resource>[^:]+)$")


@contextlib.contextmanager
def model_path(model_file: str | Path) -> Iterator[Path]:
    """The MJCF file ``model_file`` names, as a real path for the duration of the block.

    ``"package:relative/path.xml"`` is looked up with ``importlib.resources`` (so it works
    for any installed plugin); anything else is a file path.
    """
    text = str(model_file)
    if not text:
        raise MotrixError("the env config has no model_file (set it in the env's EnvCfg subclass)")
    match = _PACKAGE_REF.match(text)
    if match is None or Path(text).exists():
        path = Path(text).expanduser()
        if not path.is_file():
            raise MotrixError(f"model file not found: {path}")
        yield path
        return
    package, resource = match["package"], match["resource"]
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise MotrixError(f"model_file {text!r}: package {package!r} is not installed ({exc})") from exc
    target = root.joinpath(*resource.split("/"))
    if not target.is_file():
        raise MotrixError(f"model_file {text!r}: {resource!r} is not a file in package {package!r}")
    with importlib.resources.as_file(target) as path:
        yield Path(path)


def load_model(model_file: str | Path) -> "motrixsim.SceneModel":
    """Load the MotrixSim model of ``model_file`` (see ``model_path``)."""
    import motrixsim

    with model_path(model_file) as path:
        try:
            return motrixsim.load_model(str(path))
        except Exception as exc:  # the engine raises plain exceptions for bad MJCF
            raise MotrixError(f"cannot load model {path}: {exc}") from exc

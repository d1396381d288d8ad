"""``import motrix`` and ``motrix list`` import no deep-learning framework or plugin internals."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "jax", "jaxlib", "flax", "optax", "skrl", "tensorboard", "motrixsim", "gymnasium", "onnx",
         "onnxruntime")

PROBE = """
import json, sys
{action}
heavy = {heavy!r}
loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)
plugin_modules = sorted(m for m in sys.modules if m.startswith(('motrix_backend_', 'motrix_envs_'))
                        and not m.endswith('.plugin') and m.count('.') > 0)
print(json.dumps({{"heavy": loaded, "plugin_internals": plugin_modules}}))
"""


def probe(action: str) -> dict:
    code = PROBE.format(action=action, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_motrix_is_light():
    assert probe("import motrix") == {"heavy": [], "plugin_internals": []}


def test_motrix_list_imports_no_framework_and_only_plugin_entry_modules():
    action = "import contextlib, io\nfrom motrix.cli.main import main\nwith contextlib.redirect_stdout(io.StringIO()): main(['list'])"
    assert probe(action) == {"heavy": [], "plugin_internals": []}


def test_motrix_plugins_is_light_too():
    action = "import contextlib, io\nfrom motrix.cli.main import main\nwith contextlib.redirect_stdout(io.StringIO()): main(['plugins'])"
    assert probe(action)["heavy"] == []

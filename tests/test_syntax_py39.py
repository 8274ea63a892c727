"""Every source file is Python 3.9 syntax (the oldest Python the tool supports on hosts and
older routers): checked statically with ``ast.parse(feature_version=(3, 9))``, and by a real
3.9 compiler when one is installed, since ``feature_version`` is only a best effort. With 3.9
at hand the core modules are also imported by it, which catches what is valid syntax but
fails at run time (``dataclass(slots=True)``, ``int | None`` outside annotations)."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path
from typing import List

import pytest
from test_core_imports import core_modules

SRC = Path(__file__).resolve().parents[1] / "src"
PYTHON39 = "/root/.pyenv/versions/3.9.18/bin/python"


def source_files() -> List[Path]:
    return sorted(path for path in SRC.rglob("*.py") if "__pycache__" not in path.parts)


def test_there_are_sources() -> None:
    assert len(source_files()) > 20


@pytest.mark.parametrize("path", source_files(), ids=lambda path: str(path.relative_to(SRC)))
def test_parses_as_python_39(path: Path) -> None:
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 9))


def test_the_static_check_can_fail() -> None:
    with pytest.raises(SyntaxError):
        ast.parse("match command:\n    case 'parse':\n        pass\n", feature_version=(3, 9))


@pytest.mark.skipif(not os.access(PYTHON39, os.X_OK), reason=f"no Python 3.9 at {PYTHON39}")
def test_compiles_with_python_39(tmp_path: Path) -> None:
    # one interpreter for all files; byte code goes to a temporary tree, not into src/
    script = (
        "import py_compile, sys\n"
        "bad = []\n"
        "for path in sys.argv[2:]:\n"
        "    try:\n"
        "        py_compile.compile(path, cfile=sys.argv[1] + '/x.pyc', doraise=True)\n"
        "    except py_compile.PyCompileError as error:\n"
        "        bad.append(str(error))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    files = [str(path) for path in source_files()]
    completed = subprocess.run(
        [PYTHON39, "-c", script, str(tmp_path), *files], capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.skipif(not os.access(PYTHON39, os.X_OK), reason=f"no Python 3.9 at {PYTHON39}")
def test_core_imports_with_python_39() -> None:
    script = (
        "import importlib, sys\n"
        f"sys.path.insert(0, {str(SRC)!r})\n"
        "bad = []\n"
        f"for module in {core_modules()!r}:\n"
        "    try:\n"
        "        importlib.import_module(module)\n"
        "    except BaseException as error:\n"
        "        bad.append('%s: %s: %s' % (module, type(error).__name__, error))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    completed = subprocess.run([PYTHON39, "-S", "-E", "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr

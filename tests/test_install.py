"""Installing from a fresh machine: `pip install <repo>` into a new venv, `pipx install <repo>`, and the newest
Python found beside this one (the upper end of the supported range). Each runs the installed program, not this
tree: `wslconfig-assistant --version`, `python -m wslconfig_assistant --version`, `validate --offline` on a sample,
and README's main job (`wslconfig-assistant demo`).

These tests need the package index (the build backend and the dependencies are downloaded): when it cannot be
reached they skip, saying so. The repository is copied first, so nothing is written into the working tree.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO_ROOT

import wslconfig_assistant

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
SAMPLE = b"[wsl2]\r\nvirtiofs=true\r\nmemory=1GB\r\n"
# What pip or pipx print when the index cannot be reached (the only reason to skip).
OFFLINE = re.compile(
    r"Could not find a version|No matching distribution|Failed to establish a new connection|"
    r"Temporary failure in name resolution|Network is unreachable|ConnectTimeout|ReadTimeout|"
    r"Max retries exceeded|SSLError|ProxyError|Could not fetch URL",
)
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would make Python see this tree or a sandbox."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV")
           and not k.startswith(("WSLCONFIG_ASSISTANT_", "PIPX_"))}
    env["NO_COLOR"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(extra)
    return env


def run(args: Sequence[object], *, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, encoding="utf-8", errors="replace",
                          cwd=cwd, env=env or clean_env(), timeout=timeout, check=False)


def installed(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if OFFLINE.search(output):
            pytest.skip(f"the package index is unreachable, so {what} cannot be tested here: "
                        + OFFLINE.search(output).group(0))  # type: ignore[union-attr]
        pytest.fail(f"{what} failed:\n{output[-4000:]}")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository (the working tree stays untouched by builds)."""
    copy = tmp_path_factory.mktemp("source") / "wslconfig-assistant"
    shutil.copytree(REPO_ROOT, copy, ignore=IGNORED, symlinks=True)
    return copy


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


def exe(folder: Path, name: str) -> Path:
    return folder / (f"{name}.exe" if sys.platform == "win32" else name)


def check_installed_program(python: Path, program: Path, work: Path) -> None:
    """The installed program, run outside the source tree."""
    assert run([program, "--version"], cwd=work).stdout.strip() == f"wslconfig-assistant {VERSION}"
    via_module = run([python, "-m", "wslconfig_assistant", "--version"], cwd=work)
    assert via_module.returncode == 0, via_module.stderr
    assert via_module.stdout.strip() == f"wslconfig-assistant {VERSION}"
    # The version printed is the installed distribution's metadata, and the import came from site-packages.
    probe = run([python, "-c", "import importlib.metadata as m, wslconfig_assistant as w; "
                 "print(m.version('wslconfig-assistant')); print(w.__file__)"], cwd=work)
    metadata_version, module_file = probe.stdout.split()
    assert metadata_version == VERSION
    assert "site-packages" in module_file
    config = work / "sample.wslconfig"
    config.write_bytes(SAMPLE)
    validated = run([program, "--config", config, "validate", "--offline", "--format", "github"], cwd=work)
    assert validated.returncode == 1  # memory=1GB does not comply
    assert "title=memory-too-low" in validated.stdout
    assert config.read_bytes() == SAMPLE


def test_version_is_one_number_everywhere() -> None:
    assert wslconfig_assistant.__version__ == VERSION


def test_pip_install_into_a_fresh_venv(source: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    created = run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    python = exe(bin_dir(venv), "python")
    installed(run([python, "-m", "pip", "install", "--quiet", source], cwd=tmp_path), "pip install")
    check_installed_program(python, exe(bin_dir(venv), "wslconfig-assistant"), tmp_path)
    # README's main job, as a newcomer runs it (no terminal here, so the non-interactive flow).
    demo = run([exe(bin_dir(venv), "wslconfig-assistant"), "demo"], cwd=tmp_path, timeout=120)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "Traceback" not in demo.stderr
    assert "compl" in demo.stdout + demo.stderr


def test_pipx_install(source: Path, tmp_path: Path) -> None:
    pytest.importorskip("pipx", reason="pipx is in the test extras")
    home, bins, man = tmp_path / "pipx-home", tmp_path / "pipx-bin", tmp_path / "pipx-man"
    env = clean_env(PIPX_HOME=str(home), PIPX_BIN_DIR=str(bins), PIPX_MAN_DIR=str(man))
    result = run([sys.executable, "-m", "pipx", "install", "--python", sys.executable, source], cwd=tmp_path, env=env)
    installed(result, "pipx install")
    program = exe(bins, "wslconfig-assistant")
    assert program.exists(), result.stdout + result.stderr
    assert exe(bins, "wslconfig-assistant-wsl-sim").exists()
    venv_python = exe(bin_dir(home / "venvs" / "wslconfig-assistant"), "python")
    check_installed_program(venv_python, program, tmp_path)


def newest_other_python() -> Path | None:
    """The newest CPython 3.x (x > this one) that pyenv has, for the upper end of the supported range."""
    found = []
    for path in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python")):
        m = re.search(r"/3\.(\d+)\.(\d+)/bin/python$", path)
        if m and int(m.group(1)) > sys.version_info.minor:
            found.append(((int(m.group(1)), int(m.group(2))), Path(path)))
    return max(found)[1] if found else None


def test_pip_install_on_the_newest_python(source: Path, tmp_path: Path) -> None:
    python = newest_other_python()
    if python is None:
        pytest.skip("no newer CPython than this one in ~/.pyenv/versions (CI tests the range's upper end)")
    venv = tmp_path / "venv"
    created = run([python, "-m", "venv", venv], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    venv_python = exe(bin_dir(venv), "python")
    installed(run([venv_python, "-m", "pip", "install", "--quiet", source], cwd=tmp_path), f"pip install on {python}")
    check_installed_program(venv_python, exe(bin_dir(venv), "wslconfig-assistant"), tmp_path)
    minor = run([venv_python, "-c", "import sys; print(sys.version_info[1])"], cwd=tmp_path).stdout.strip()
    classifier = f"Programming Language :: Python :: 3.{minor}"
    assert classifier in PYPROJECT["project"]["classifiers"], f"tested on 3.{minor}, which pyproject does not list"

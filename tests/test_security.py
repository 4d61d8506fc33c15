"""Security (issue 5, item 6).

- no shell, no eval: an AST scan of every module (and the benchmarks), itself tested on
  planted snippets;
- a policy file cannot run code: code-looking policies run nothing (a marker file never
  appears, no process starts, no module named in the file is imported) and are plain data
  or exit 2;
- `validate` (and every other read-only command) never writes: the whole profile folder is
  hashed (bytes, names, modes, mtimes) before and after, in every format, offline and
  online, and the child runs under a Python audit hook that records every write-mode open,
  rename, remove, mkdir, chmod, shutil call and process start, anywhere on the machine;
- backups are readable only by the user (0600 in a 0700 folder, whatever the umask) on
  POSIX; on Windows they inherit the profile folder's ACL (safewrite._copy_metadata does
  nothing there), so there is nothing to check with mode bits;
- nothing printed or written leaks environment secrets, and no command prints a traceback.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import REPO_ROOT, CliResult, cli_env, parse_json_doc, run_cli, tree_digest

from wslconfig_assistant.compliance import policy_toml
from wslconfig_assistant.core.errors import UsageError

PACKAGE = REPO_ROOT / "wslconfig_assistant"
POSIX = os.name == "posix"

# -- 1. no shell, no eval ------------------------------------------------------------------

#: Modules allowed to start processes, and why.
SUBPROCESS_ALLOWED = {
    "wslconfig_assistant/wsl/wslexe.py": "the one door to wsl.exe (never a shell)",
    "wslconfig_assistant/storage/locate.py": "inside WSL only: constant argv `cmd.exe /d /c echo %USERPROFILE%` and "
    "`wslpath -u`, to find the Windows profile through interop",
    "wslconfig_assistant/wsl/simulator.py": "the wsl.exe stand-in",
    "wslconfig_assistant/system/winapi.py":
        "Windows only: constant argv `taskkill.exe /PID n /T /F` (tree kill on timeout)",
}
BANNED_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "code", "codeop"}
PROCESS_MODULES = {"subprocess", "pty", "asyncio.subprocess"}
BANNED_NAMES = {"eval", "exec", "compile", "execfile", "breakpoint"}
OS_SPAWNERS = ("system", "popen", "exec", "spawn", "posix_spawn", "fork")


def scan(source: str, name: str, *, may_spawn: bool = False) -> list[str]:
    """Every banned construct in ``source``, as ``name:line: what``."""
    problems: list[str] = []

    def bad(node: ast.AST, what: str) -> None:
        problems.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    def constant_str(node: ast.expr | None) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str)

    tree = ast.parse(source, filename=name)
    calls_ok: set[int] = set()  # __import__("constant") and import_module("constant")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    bad(node, "shell= other than False")
            func = node.func
            callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if callee in ("__import__", "import_module"):
                if node.args and constant_str(node.args[0]):
                    calls_ok.add(id(func))
                else:
                    bad(node, f"{callee} of a name that is not a constant")
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "os" \
                    and func.attr.startswith(OS_SPAWNERS):
                bad(node, f"os.{func.attr}")
            if isinstance(func, ast.Attribute) and func.attr in ("getoutput", "getstatusoutput",
                                                                 "create_subprocess_shell", "run_path"):
                bad(node, f".{func.attr}")
            if isinstance(func, ast.Attribute) and func.attr in BANNED_NAMES and not (
                    func.attr == "compile" and isinstance(func.value, ast.Name) and func.value.id == "re"):
                bad(node, f".{func.attr}")
        elif isinstance(node, ast.Name) and node.id in BANNED_NAMES:
            bad(node, node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for module in modules:
                root = module.split(".")[0]
                if root in BANNED_MODULES:
                    bad(node, f"import {module}")
                if (module in PROCESS_MODULES or root in PROCESS_MODULES) and not may_spawn:
                    bad(node, f"import {module} outside the allowed modules")
            if isinstance(node, ast.ImportFrom) and node.module in ("os", "builtins"):
                for alias in node.names:
                    if alias.name in BANNED_NAMES or alias.name.startswith(OS_SPAWNERS):
                        bad(node, f"from {node.module} import {alias.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "__import__" and id(node) not in calls_ok:
            bad(node, "__import__ of a name that is not a constant")
    return problems


def sources() -> Iterator[tuple[str, Path]]:
    for folder in (PACKAGE, REPO_ROOT / "benchmarks"):
        for path in sorted(folder.rglob("*.py")):
            yield path.relative_to(REPO_ROOT).as_posix(), path


def test_no_shell_no_eval_anywhere() -> None:
    scanned = 0
    problems: list[str] = []
    for rel, path in sources():
        # The benchmarks time real processes of the CLI: subprocess, never a shell.
        may_spawn = rel in SUBPROCESS_ALLOWED or rel.startswith("benchmarks/")
        problems += scan(path.read_text(encoding="utf-8"), rel, may_spawn=may_spawn)
        scanned += 1
    assert scanned >= 40  # the package's ~45 modules and the benchmarks
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ("import subprocess\nsubprocess.run('ls', shell=True)\n", "shell="),
        ("import subprocess\nsubprocess.run(['ls'], shell=flag)\n", "shell="),
        ("x = eval(text)\n", "eval"),
        ("exec(code)\n", "exec"),
        ("code = compile(src, 'f', 'exec')\n", "compile"),
        ("import builtins\nbuiltins.eval('1')\n", ".eval"),
        ("run = eval\n", "eval"),
        ("import os\nos.system('ls')\n", "os.system"),
        ("import os\nos.popen('ls')\n", "os.popen"),
        ("import os\nos.execvp('ls', ['ls'])\n", "os.execvp"),
        ("from os import system\n", "from os import system"),
        ("import pickle\n", "import pickle"),
        ("from marshal import loads\n", "import marshal"),
        ("m = __import__(name)\n", "__import__"),
        ("f = __import__\n", "__import__"),
        ("import importlib\nimportlib.import_module(name)\n", "import_module"),
        ("import subprocess\n", "import subprocess outside"),
        ("from subprocess import run\n", "import subprocess outside"),
        ("import asyncio\nasyncio.create_subprocess_shell('ls')\n", "create_subprocess_shell"),
        ("import runpy\nrunpy.run_path(p)\n", "run_path"),
    ],
)
def test_the_scan_finds_planted_code(snippet: str, found: str) -> None:
    problems = scan(snippet, "planted.py")
    assert any(found in p for p in problems), problems


def test_the_scan_passes_harmless_code() -> None:
    harmless = (
        "import re\nimport importlib\n_R = re.compile('x')\nm = __import__('json')\n"
        "importlib.import_module('json')\nopts = {'shell': 1}\nevaluate = 1\n"
    )
    assert scan(harmless, "ok.py") == []
    assert scan("import subprocess\nsubprocess.run(['wsl.exe'], shell=False)\n", "door.py", may_spawn=True) == []


# -- the audit-hook launcher ------------------------------------------------------------------

LAUNCHER = r'''
import json, os, sys
_log = open(sys.argv[1], "w", encoding="utf-8")  # opened before the hook: writing to it is no event
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_MUTATE = {"os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link", "os.symlink",
           "os.truncate", "os.utime", "os.chflags", "os.setxattr", "os.removexattr", "os.lchown",
           "tempfile.mkstemp", "tempfile.mkdtemp"}
_SPAWN = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
          "pty.spawn", "os.startfile"}


def _text(x):
    if isinstance(x, bytes):
        return os.fsdecode(x)
    return x if x is None or isinstance(x, (str, int, float)) else repr(x)


def _record(*fields):
    _log.write(json.dumps([_text(f) if not isinstance(f, list) else f for f in fields]) + "\n")


def _hook(event, args):
    try:
        if event == "open":
            path, mode, flags = args
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & _WRITE):
                _record("write", path, mode, flags)
        elif event in _MUTATE or event.startswith("shutil."):
            _record(event, *args[:2])
        elif event in _SPAWN:
            argv = args[1] if len(args) > 1 and isinstance(args[1], (list, tuple)) else None
            _record(event, args[0], [_text(a) for a in argv] if argv is not None else None)
        elif event == "import":
            _record("import", args[0])
    except Exception as exc:  # a hook must never raise into the program
        _record("hook-error", repr(exc))


sys.addaudithook(_hook)
sys.argv = ["wslconfig-assistant", *sys.argv[2:]]
import runpy  # noqa: E402
try:
    runpy.run_module("wslconfig_assistant", run_name="__main__", alter_sys=True)
finally:
    _log.flush()
'''


class Audited(NamedTuple):
    result: CliResult
    events: list[list[Any]]

    def writes(self) -> list[list[Any]]:
        """Every write-mode open and file-system change (opening the null device aside)."""
        return [e for e in self.events
                if e[0] not in ("import", "subprocess.Popen") and not (e[0] == "write" and e[1] == os.devnull)]

    def spawns(self) -> list[list[Any]]:
        return [e for e in self.events if e[0] in ("subprocess.Popen", "os.system", "os.posix_spawn", "os.exec",
                                                    "os.spawn", "os.fork", "os.forkpty", "pty.spawn")]

    def imports(self) -> list[str]:
        return [e[1] for e in self.events if e[0] == "import"]


@pytest.fixture
def audited(tmp_path: Path) -> Any:
    """Run the CLI in a child under the audit hook: (result, recorded events)."""
    folder = tmp_path / "audit"
    folder.mkdir()
    launcher = folder / "launch.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    counter = iter(range(1_000_000))

    def run(*args: object, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Audited:
        log = folder / f"events-{next(counter)}.jsonl"
        result = subprocess.run(
            [sys.executable, str(launcher), str(log), *(str(a) for a in args)],
            capture_output=True, encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL, timeout=60,
            # No bytecode writes by the interpreter itself: only the tool's own I/O is recorded.
            env=cli_env({"PYTHONDONTWRITEBYTECODE": "1", **(env or {})}), cwd=cwd, check=False,
        )
        assert "hook-error" not in log.read_text(encoding="utf-8")
        events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert any(e[0] == "import" for e in events), "the audit hook recorded nothing"
        return Audited(result, events)

    return run


def snapshot(folder: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """The folder's bytes and names (conftest.tree_digest), and every entry's mode and mtime."""
    meta = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        st = path.lstat()
        meta[path.relative_to(folder).as_posix()] = (st.st_mode, st.st_mtime_ns)
    return tree_digest(folder), meta


def test_the_audit_hook_sees_writes(audited: Any, tmp_path: Path) -> None:
    """The launcher really records what `set` does (so an empty record for validate means something)."""
    config = tmp_path / "p" / ".wslconfig"
    config.parent.mkdir()
    config.write_bytes(b"[wsl2]\nmemory=4GB\n")
    run = audited("--config", config, "set", "wsl2.memory", "8GB")
    assert run.result.returncode == 0, run.result.stderr
    kinds = {e[0] for e in run.writes()}
    assert {"write", "os.rename"} <= kinds, run.writes()
    assert "os.mkdir" in kinds  # the backups folder
    assert any(str(config.parent) in str(e[1]) for e in run.writes())


# -- 3. validate never writes -------------------------------------------------------------

COMPLIANT = b"[wsl2]\r\nvirtiofs=true\r\nmemory=8GB\r\n"
CONFIGS: dict[str, tuple[bytes | None, int]] = {
    "compliant": (COMPLIANT, 0),
    "non-compliant": (b"[wsl2]\nvirtiofs=false\nmemory=1GB\nmemroy=8GB\n; old\n", 1),
    # UTF-16LE with a lone surrogate, an odd byte count and a UTF-8 tail: encoding-unsupported.
    "undecodable": (b"\xff\xfe[\x00w\x00s\x00l\x002\x00]\x00\n\x00\x00\xd8m\x00=\x00\xe9", 1),
    "a-folder": (None, 3),  # .wslconfig is a folder: cannot be read (exit 3)
}
POLICY = '[memory]\nfloor = "2GB"\n[require]\n"wsl2.virtiofs" = true\n'
# (format option, extra options): together every format, --strict, a policy and --json.
VARIANTS = [
    ("text", ("--strict",)),
    ("json", ("--policy", "POLICY")),
    ("junit", ("--strict", "--policy", "POLICY")),
    ("github", ()),
]


class Machine(NamedTuple):
    profile: Path
    config: Path
    policy: Path
    state: Path  # the simulator's state, outside the profile
    env: dict[str, str]


@pytest.fixture
def machine(tmp_path: Path, profile: Path, config: Path, sim: str) -> Machine:
    policy = tmp_path / "policies" / "team.toml"
    policy.parent.mkdir()
    policy.write_text(POLICY, encoding="utf-8")
    state = tmp_path / "sim" / "state.json"
    state.parent.mkdir()
    state.write_text(json.dumps({"wsl_version": "3.0.1.0"}), encoding="utf-8")
    env = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(state), "WSLCONFIG_ASSISTANT_WSL_EXE": sim}
    return Machine(profile, config, policy, state, env)


def put_config(m: Machine, kind: str) -> int:
    raw, code = CONFIGS[kind]
    if raw is None:
        m.config.mkdir()
        (m.config / "inside.txt").write_text("x", encoding="utf-8")
    else:
        m.config.write_bytes(raw)
    # A backups folder with a backup, as a real profile has after one `set`.
    backups = m.profile / ".wslconfig-assistant-backups"
    backups.mkdir(mode=0o700)
    (backups / "20260101T000000.000000Z-0123456789ab.wslconfig").write_bytes(COMPLIANT)
    return code


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
@pytest.mark.parametrize("kind", list(CONFIGS))
def test_validate_never_writes(audited: Any, machine: Machine, kind: str, online: bool) -> None:
    expected = put_config(machine, kind)
    for fmt, extra in VARIANTS:
        options = [str(machine.policy) if o == "POLICY" else o for o in extra]
        args = ["--config", machine.config, "validate", "--format", fmt, *options]
        if not online:
            args.append("--offline")
        before = snapshot(machine.profile), snapshot(machine.policy.parent)
        run = audited(*args, env=machine.env)
        where = (kind, fmt, extra, online)
        assert run.result.returncode == expected, (where, run.result.stderr)
        assert "Traceback" not in run.result.stderr + run.result.stdout
        assert (snapshot(machine.profile), snapshot(machine.policy.parent)) == before, where
        assert run.writes() == [], where  # nowhere on the machine, not only in the profile
        spawns = run.spawns()
        if online and expected != 3:
            assert [e[2] for e in spawns] == [[machine.env["WSLCONFIG_ASSISTANT_WSL_EXE"], "--version"]], where
        else:
            assert spawns == [], where
        if fmt == "json" and expected != 3:  # an unreadable file is reported on stderr (no --json here)
            parse_json_doc(run.result)
        if fmt == "junit" and expected != 3:
            assert run.result.stdout.lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "args",
    [
        ("show",),
        ("show", "--all", "--json"),
        ("get", "wsl2.memory"),
        ("get", "wsl2.swap", "--json"),
        ("versions",),
        ("versions", "--json", "--policy", "POLICY"),
        ("backups",),
        ("backups", "--json"),
        ("set", "wsl2.memory", "16GB", "--dry-run"),
        ("unset", "wsl2.memory", "--dry-run", "--json"),
        ("validate", "--json"),
    ],
    ids=" ".join,
)
def test_read_only_commands_never_write(audited: Any, machine: Machine, args: tuple[str, ...]) -> None:
    put_config(machine, "compliant")
    args = tuple(str(machine.policy) if a == "POLICY" else a for a in args)
    before = snapshot(machine.profile)
    run = audited("--config", machine.config, *args, env=machine.env)
    assert run.result.returncode in (0, 1), run.result.stderr
    assert "Traceback" not in run.result.stderr
    assert snapshot(machine.profile) == before
    assert run.writes() == []
    assert all(e[2][1:] == ["--version"] for e in run.spawns()), run.spawns()


# -- 2. a policy file cannot run code -------------------------------------------------------

EVIL_MODULE = "h3evil"
HOSTILE_POLICIES = {
    # valid TOML: code-looking strings are plain data (a required value, exit 1 when unmet)
    "code-as-a-value": (
        '[require]\n"wsl2.kernelCommandLine" = "$(touch MARKER); `touch MARKER`; '
        "__import__('os').system('touch MARKER')\"\n",
        1,
    ),
    "module-as-a-key": (f'[require]\n"{EVIL_MODULE}.run" = "touch MARKER"\n', 2),
    "module-as-a-table": (f'["{EVIL_MODULE}"]\nrun = "touch MARKER"\n', 2),
    "python-call-as-a-table": ("[\"__import__('os').system('touch MARKER')\"]\nx = 1\n", 2),
    "yaml-tag": ('!!python/object/apply:os.system ["touch MARKER"]\n', 2),
    "template": ('[versions]\nmin_kernel = "{{ __import__(\'os\').system(\'touch MARKER\') }}"\n', 2),
    "shell-in-channel": ('[update]\nchannel = "pre-release; touch MARKER"\n', 2),
    "pickle-bytes": ("[memory]\nfloor = \"\\u0080\\u0004\\u0095cos\\nsystem\\n\"\n", 2),
}


@pytest.fixture
def evil(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with a module that would create MARKER if it were ever imported."""
    folder = tmp_path / "evil"
    folder.mkdir()
    marker = tmp_path / "MARKER"
    (folder / f"{EVIL_MODULE}.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n", encoding="utf-8")
    return folder, marker


@pytest.mark.parametrize("name", list(HOSTILE_POLICIES))
def test_a_policy_file_cannot_run_code(audited: Any, machine: Machine, evil: tuple[Path, Path], name: str) -> None:
    folder, marker = evil
    text, expected = HOSTILE_POLICIES[name]
    machine.policy.write_text(text.replace("MARKER", str(marker)), encoding="utf-8")
    machine.config.write_bytes(COMPLIANT)
    env = {**machine.env, "PYTHONPATH": os.pathsep.join((str(REPO_ROOT), str(folder)))}
    for args in (("validate", "--offline"), ("apply", "--dry-run", "--no-update")):
        run = audited("--config", machine.config, *args, "--policy", machine.policy, env=env, cwd=folder)
        assert run.result.returncode == expected, (args, run.result.stdout, run.result.stderr)
        assert "Traceback" not in run.result.stderr
        if expected == 2:  # names the file and says how to fix it
            assert str(machine.policy) in run.result.stderr
            assert "fix:" in run.result.stderr
        assert not marker.exists()
        assert EVIL_MODULE not in run.imports()
        # apply asks `wsl --version`, and `wsl --list --verbose` (whether WSL runs; it starts nothing)
        assert all(e[2][1:] in (["--version"], ["--list", "--verbose"]) for e in run.spawns()), run.spawns()
        assert run.writes() == []


def test_the_policy_loader_imports_nothing_named_in_the_file(
        tmp_path: Path, evil: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, marker = evil
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    for name, (text, _code) in HOSTILE_POLICIES.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text.replace("MARKER", str(marker)), encoding="utf-8")
        if name == "code-as-a-value":  # plain data: the string is a required value, nothing more
            loaded = policy_toml.load_policy(str(path))
            assert [r.value for r in loaded.required] == [
                f"$(touch {marker}); `touch {marker}`; __import__('os').system('touch {marker}')"]
        else:
            with pytest.raises(UsageError, match=re.escape(str(path))):
                policy_toml.load_policy(str(path))
    assert not marker.exists()
    new = set(sys.modules) - before
    assert EVIL_MODULE not in new
    # Only the standard library and the product's own modules: nothing the file names.
    assert all(m.split(".")[0] in sys.stdlib_module_names or m.startswith("wslconfig_assistant") for m in new), new


# -- 4. backups readable only by the user -----------------------------------------------------


def run_with_umask(args: list[str], env: Mapping[str, str], umask: int) -> CliResult:
    return subprocess.run(
        [sys.executable, "-m", "wslconfig_assistant", *args], capture_output=True, encoding="utf-8",
        errors="replace", stdin=subprocess.DEVNULL, env=cli_env(env), timeout=60, check=False, umask=umask,
    )


@pytest.mark.skipif(not POSIX, reason="Windows: backups inherit the profile folder's ACL (owner-only for "
                    "%USERPROFILE%); safewrite._copy_metadata does nothing there, there are no mode bits")
@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask000", "umask022"])
def test_backups_are_readable_only_by_the_user(machine: Machine, umask: int) -> None:
    machine.config.write_bytes(b"[wsl2]\nmemory=4GB\n")
    machine.config.chmod(0o644)
    folder = machine.profile / ".wslconfig-assistant-backups"
    config = str(machine.config)
    steps = [
        ["--config", config, "set", "wsl2.memory", "8GB"],
        ["--config", config, "apply", "--no-update"],
        ["--config", config, "restore"],
    ]
    seen = 0
    for args in steps:
        result = run_with_umask(args, machine.env, umask)
        assert result.returncode == 0, (args, result.stderr)
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, oct(folder.stat().st_mode)
        backups = sorted(folder.iterdir())
        assert len(backups) > seen, args
        seen = len(backups)
        for backup in backups:
            assert stat.S_IMODE(backup.stat().st_mode) == 0o600, (args, backup.name, oct(backup.stat().st_mode))
    assert seen == 3
    assert stat.S_IMODE(machine.config.stat().st_mode) == 0o644  # the config keeps its own mode


@pytest.mark.skipif(not POSIX, reason="Windows: no mode bits; backups inherit the profile folder's ACL")
def test_a_backups_folder_left_open_is_used_as_it_is(machine: Machine) -> None:
    """Never a chmod of a folder the assistant did not create (issue 10.6): each backup is 0600 itself."""
    machine.config.write_bytes(b"[wsl2]\nmemory=4GB\n")  # an original, so a backup is taken
    folder = machine.profile / ".wslconfig-assistant-backups"
    folder.mkdir()
    folder.chmod(0o777)
    result = run_cli("--config", machine.config, "set", "wsl2.memory", "8GB", env=machine.env)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777
    [backup] = folder.iterdir()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


# -- 5. no secret leaks, no traceback ---------------------------------------------------------


def secret_env() -> dict[str, str]:
    password = "pw" + secrets.token_hex(12)
    return {
        "GITHUB_TOKEN": "ghp_" + secrets.token_hex(18),
        "AWS_SECRET_ACCESS_KEY": secrets.token_hex(20),
        "AZURE_DEVOPS_EXT_PAT": secrets.token_hex(26),
        "HTTPS_PROXY": f"http://builder:{password}@proxy.example:8080",
        "HTTP_PROXY": f"http://builder:{password}@proxy.example:8080",
        "npm_config__auth": secrets.token_hex(16),
        "SECRET_PASSWORD": password,
    }


def secret_values(env: Mapping[str, str]) -> set[str]:
    found = {value for name, value in env.items() if not name.endswith("PROXY")}
    found |= {value.split(":")[2].split("@")[0] for name, value in env.items() if name.endswith("PROXY")}
    return found


def test_no_command_leaks_a_secret_or_a_traceback(tmp_path: Path, machine: Machine) -> None:
    hidden = secret_env()
    env = {**machine.env, **hidden}
    leaks = secret_values(hidden)
    config = str(machine.config)
    user_bytes = b"# mine\n[wsl2]\nmemory=4GB\nswap=0\n"
    machine.config.write_bytes(user_bytes)
    bad_policy = tmp_path / "policies" / "bad.toml"
    bad_policy.write_text("[memory]\nfloor = \"lots\"\n", encoding="utf-8")
    folder_config = tmp_path / "folder" / ".wslconfig"
    folder_config.mkdir(parents=True)
    hang_state = tmp_path / "sim" / "hang.json"
    hang_state.write_text(json.dumps({"wsl_version": "2.7.3.0", "update_failure": "hang"}), encoding="utf-8")
    hang = {"WSLCONFIG_ASSISTANT_SIM_STATE": str(hang_state)}
    commands: list[tuple[tuple[str, ...], set[int], Mapping[str, str]]] = [
        (("show",), {0, 1}, {}),
        (("show", "--all", "--json"), {0, 1}, {}),
        (("get", "wsl2.memory"), {0}, {}),
        (("get", "wsl2.kernel", "--json"), {1}, {}),
        (("set", "wsl2.memory", "lots", "--json"), {2}, {}),
        (("set", "wsl2.memory", "8GB", "--json"), {0}, {}),
        (("unset", "wsl2.swap"), {0}, {}),
        (("validate", "--offline", "--json"), {0, 1}, {}),
        (("validate", "--format", "text"), {0, 1}, {}),
        (("validate", "--format", "junit", "--strict"), {0, 1}, {}),
        (("validate", "--format", "github"), {0, 1}, {}),
        (("validate", "--policy", str(bad_policy), "--json"), {2}, {}),
        (("versions", "--json"), {0, 1}, {}),
        (("verify", "--json"), {0, 1}, {}),
        (("backups", "--json"), {0}, {}),
        (("restore", "--json"), {0}, {}),
        (("apply", "--no-update", "--json"), {0, 1}, {}),
        (("policy", "init", str(tmp_path / "policies" / "new.toml")), {0}, {}),
        (("frobnicate",), {2}, {}),
        (("--json", "frobnicate"), {2}, {}),
        (("--wsl-exe", str(tmp_path / "missing" / "wsl.exe"), "versions", "--json"), {4}, {}),
        (("--wsl-exe", str(tmp_path / "missing" / "wsl.exe"), "validate"), {4}, {}),
        (("apply", "--update-timeout", "1", "--json"), {4}, hang),  # wsl --update hangs: stopped after 1 s
    ]
    for args, codes, extra in commands:
        before = machine.config.read_bytes()
        result = run_cli("--config", config, *args, env={**env, **extra})
        where = " ".join(args)
        assert result.returncode in codes, (where, result.stdout, result.stderr)
        shown = result.stdout + result.stderr
        assert "Traceback" not in shown, where
        assert not [s for s in leaks if s in shown], where
        if "--json" in args:
            parse_json_doc(result)
        backups = sorted((machine.profile / ".wslconfig-assistant-backups").glob("*"))
        if machine.config.read_bytes() != before and args[0] != "restore":
            assert backups[-1].read_bytes() == before, where  # the backup is the user's file, nothing else
    result = run_cli("--config", folder_config, "show", "--json", env=env)  # unreadable: exit 3
    assert result.returncode == 3
    assert not [s for s in leaks if s in result.stdout + result.stderr]
    assert "Traceback" not in result.stderr
    # Nothing the tool wrote anywhere in the test's folders holds a secret (UTF-8 or UTF-16).
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in leaks:
                assert secret.encode() not in data, path
                assert secret.encode("utf-16-le") not in data, path

"""A throwaway simulated Windows machine: a profile folder in a temporary directory with a
real-looking .wslconfig, the host's RAM, an empty WSL install folder and the shipped wsl.exe
simulator, all set in the environment while it is in use. `demo` runs in it, and `setup` off Windows
(the wizard has no Windows profile to edit there). Nothing outside the folder is touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import sys
import sysconfig
import tempfile
from collections.abc import Iterator

from wslconfig_assistant.storage.locate import PROFILE_ENV
from wslconfig_assistant.system.hostmemory import HOST_MEMORY_ENV
from wslconfig_assistant.wsl.devicehost import INSTALL_DIR_ENV
from wslconfig_assistant.wsl.wslexe import EXE_ENV

# A file like the ones in the wild (shared/corpus): CRLF, a comment after a value,
# a ';' line WSL rejects, and exactly 1GB of memory, the edge the fast path needs above.
SAMPLE = (
    "# WSL 2 settings (Notepad, CRLF)\r\n"
    "[wsl2]\r\n"
    "memory=1GB   # keep the VM small\r\n"
    "processors=4\r\n"
    "swap = 0\r\n"
    "; old-style comment: WSL rejects this line\r\n"
    "\r\n"
    "[experimental]\r\n"
    "sparseVhd=true\r\n"
)
SIMULATED_HOST_MEMORY = "16GB"
SIMULATED_WSL = "2.7.3.0"  # a release whose kernel and DeviceHost are both too old



@contextlib.contextmanager
def sandbox() -> Iterator[pathlib.Path]:
    """A simulated Windows profile in a temporary folder (removed afterwards), holding the
    sample .wslconfig, with the host's RAM and a wsl.exe stand-in set in the environment
    for as long as it is in use. Yields the .wslconfig's path. `demo` runs in it, `setup` off Windows."""
    with tempfile.TemporaryDirectory(prefix="wslconfig-demo-") as folder:
        profile = pathlib.Path(folder) / "Users" / "demo"
        profile.mkdir(parents=True)
        config = profile / ".wslconfig"
        config.write_bytes(SAMPLE.encode("utf-8"))
        # A simulated Windows: the host's RAM, the WSL install folder (for DeviceHost) and a
        # wsl.exe that answers like the real one, all inside the sandbox.
        (profile / ".wsl-sim.json").write_text(json.dumps({"wsl_version": SIMULATED_WSL}), encoding="utf-8")
        simulated = {
            HOST_MEMORY_ENV: SIMULATED_HOST_MEMORY,
            PROFILE_ENV: str(profile),
            EXE_ENV: simulator_exe(pathlib.Path(folder)),
            SIM_PYTHON_ENV: sys.executable,
            # An empty install folder: on a real Windows machine the demo must not read the
            # real wsldevicehost.dll, only the simulated versions.
            INSTALL_DIR_ENV: str(pathlib.Path(folder) / "Program Files" / "WSL"),
        }
        saved = {name: os.environ.get(name) for name in simulated}
        os.environ.update(simulated)
        try:
            yield config
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


SIM_PYTHON_ENV = "WSLCONFIG_ASSISTANT_SIM_PYTHON"  # the Python the Windows wrapper starts (see below)
# The .cmd wrapper names the Python through the environment, never in its own text: cmd.exe reads a
# batch file in the console's OEM code page, so a profile path such as C:\Users\Jürgen written into
# the file would be misread, and a "%" in it would be taken for a variable. The variable's value is
# expanded from the (Unicode) environment and not expanded again. Pure ASCII, so any code page reads it.
CMD_WRAPPER = f'@"%{SIM_PYTHON_ENV}%" -m wslconfig_assistant.wsl.simulator %*\r\n'


def simulator_exe(sandbox: pathlib.Path) -> str:
    """The shipped wsl.exe simulator as one executable path (what --wsl-exe takes)."""
    from wslconfig_assistant.wsl.wslexe import find_program  # noqa: PLC0415

    name = "wslconfig-assistant-wsl-sim"
    # Installed console scripts sit next to python on POSIX venvs, in Scripts\ on Windows; then PATH.
    # Never the current folder (find_program says why).
    here = list(dict.fromkeys((sysconfig.get_path("scripts"), os.path.dirname(sys.executable))))
    installed = find_program(name, here) or find_program(name)
    if installed:
        return installed
    # Running from a source tree: a wrapper that starts the simulator with this Python.
    if sys.platform == "win32":
        wrapper = sandbox / "wsl.cmd"
        wrapper.write_bytes(CMD_WRAPPER.encode("ascii"))
    else:
        wrapper = sandbox / "wsl.exe"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m wslconfig_assistant.wsl.simulator "$@"\n',
                           encoding="utf-8")
        wrapper.chmod(0o755)
    return str(wrapper)

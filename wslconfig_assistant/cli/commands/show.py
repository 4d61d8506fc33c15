"""`show`: the configuration as WSL will read it."""

from __future__ import annotations

from wslconfig_assistant.cli import output
from wslconfig_assistant.cli.commands.context import Context
from wslconfig_assistant.core.errors import ExitCode
from wslconfig_assistant.core.findings import visible
from wslconfig_assistant.wslconfig import schema, values
from wslconfig_assistant.wslconfig.document import ConfigDocument
from wslconfig_assistant.wslconfig.effective import Setting
from wslconfig_assistant.wslconfig.encoding import dominant_newline

# The keys that decide the fast path: shown with their defaults when the file is silent.
KEYS_THAT_MATTER = (
    "wsl2.virtiofs", "wsl2.memory", "wsl2.virtio", "wsl2.safeMode", "experimental.swiotlb",
    "wsl2.kernel", "wsl2.swap", "wsl2.processors", "wsl2.networkingMode",
)


def show(ctx: Context, *, all_keys: bool = False) -> int:
    """Exit 1 when WSL drops or ignores something the file says (an error finding), as validate
    and get do for what they check; 0 otherwise, warnings included."""
    doc = ctx.load()
    installed = _installed_wsl()
    found = list(doc.evaluation.findings)
    if installed is not None:  # keys and values newer than the installed WSL (no wsl.exe call: the registry)
        from wslconfig_assistant.wsl.versionaware import checks  # noqa: PLC0415

        found += checks(doc.settings, installed["version"], "the registry's Lxss\\MSI Version")
    findings = sorted(found, key=lambda f: (f.line or 0, f.code))
    code = ExitCode.NOT_COMPLIANT if any(f.severity == "error" for f in findings) else ExitCode.OK
    shown_keys = [spec.name for spec in schema.KEYS] if all_keys else list(KEYS_THAT_MATTER)
    defaults = {
        spec.id: spec.default
        for name in shown_keys
        if (spec := schema.lookup(name)) is not None and spec.id not in doc.settings
    }
    if ctx.json:
        output.print_json(
            output.envelope(
                "show", code, str(ctx.config), findings,
                values=doc.values_json(), defaults=defaults,
                file={"exists": doc.exists, "encoding": doc.file.label, "bytes": len(doc.to_bytes())},
                wsl=installed,
            )
        )
        return code
    con = ctx.console
    con.print(con.paint(str(ctx.config), "bold") + f"  ({_describe_file(doc)})")
    if doc.settings:
        con.print("What WSL takes from the file:")
        width = max(len(s.spec.name) for s in doc.settings.values())
        for setting in sorted(doc.settings.values(), key=lambda s: s.entry.line):
            named = _as_installed_calls_it(setting, installed)
            con.print(f"  {setting.spec.name:<{width}} = {_describe(setting)}{named}")
    else:
        con.print("WSL takes nothing from the file: every setting has its default.")
    if defaults:
        con.print("Defaults in force:" if doc.settings else "Defaults of the keys that matter:")
        width = max(len(schema.lookup(k).name) for k in defaults)  # type: ignore[union-attr]
        for key, default in defaults.items():
            spec = schema.lookup(key)
            assert spec is not None  # noqa: S101 - keys come from the schema
            con.print(con.paint(f"  {spec.name:<{width}} = {default} (default)", "dim"))
    if findings:
        con.print("Problems WSL would warn about, or silently get wrong:")
        for line in output.finding_lines(con, str(ctx.config), findings):
            con.print("  " + line)
    return code


def _installed_wsl() -> dict[str, str] | None:
    """The installed WSL's version where it is known without running wsl.exe (Windows: the registry)."""
    from wslconfig_assistant.wsl.installation import SHOWN_KEY, msi_version  # noqa: PLC0415

    version = msi_version()
    return None if version is None else {"version": version, "source": f"{SHOWN_KEY} Version"}


def _as_installed_calls_it(setting: Setting, installed: dict[str, str] | None) -> str:
    """`networkingMode = VirtioProxy` on 2.9.0 and later is the mode WSL now calls Consomme: say so."""
    if installed is None:
        return ""
    from wslconfig_assistant.wsl.versionaware import name_in  # noqa: PLC0415

    name = name_in(installed["version"], setting.spec.id, setting.value)
    return "" if name is None else f"  [WSL {installed['version']} calls it {name}]"


def _describe_file(doc: ConfigDocument) -> str:
    if not doc.exists:
        return "does not exist: WSL uses its defaults"
    text = doc.file.text
    eol = {"\r\n": "CRLF", "\n": "LF"}[dominant_newline(text)] if ("\n" in text) else "no line breaks"
    return f"{doc.file.label}, {eol}, {len(doc.to_bytes())} bytes"


# What 0 means for the sizes where it is not simply no bytes (WSL's source, research/).
_ZERO_MEANS = {
    "wsl2.memory": "0 = WSL's default: half the host's RAM",
    "wsl2.swap": "0 = no swap file",
    "experimental.swiotlb": "0 = automatic (64MB with virtiofs)",
}


def _describe(setting: Setting) -> str:
    # The file's own characters go to a terminal: escape controls (ESC sequences, RTL overrides).
    text = visible(setting.text)
    line = f"line {setting.entry.line}"
    if setting.spec.type == "size" and isinstance(setting.value, int):
        if setting.value == 0:
            return f"{text}  ({_ZERO_MEANS.get(setting.spec.id, '0 bytes')}; {line})"
        exact = values.format_size(setting.value)
        same = f"{setting.value} bytes" if exact == text else f"{exact} = {setting.value} bytes"
        return f"{text}  ({same}; {line})"
    if setting.spec.type in ("path", "string") and setting.text != setting.value:
        return f"{setting.value!r}  (written {text}; {line})"
    if setting.text != str(setting.value).lower() and setting.spec.type == "bool":
        return f"{str(setting.value).lower()}  (written {text}; {line})"
    return f"{text}  ({line})"

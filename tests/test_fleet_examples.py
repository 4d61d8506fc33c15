"""The fleet examples: the WinGet configuration (examples/winget/configuration.dsc.yaml) and the
Ansible playbook (examples/ansible/wslconfig.yml).

Neither DSC's configuration-document schema nor WinGet's are obtainable as a package (they are
published on the web only), so DOCUMENT_SHAPE encodes their documented shape: PowerShell/DSC
schemas/v3 config/document.json and document.resource.json (required `$schema` and `resources`;
each resource a `type` of the form owner[.group][.area]/name, a `name`, `dependsOn` as
`[resourceId('type', 'name')]`), plus WinGet's dscv3 processor metadata and the properties
WinGet documents for Microsoft.WinGet/Package and Microsoft.DSC.Transitional/RunCommandOnSet.
Our own resource's properties are checked against the instance schema of its manifest, and then
run through `dsc test` and `dsc set` for real. The playbook's changed_when/failed_when are
evaluated with Jinja2 (Ansible's template engine) on real `apply --json` output.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPO_ROOT, run_cli
from test_dsc import INSTANCE, NEWEST, Box, lines

from wslconfig_assistant.cli.commands import dsc

WINGET = REPO_ROOT / "examples" / "winget" / "configuration.dsc.yaml"
ANSIBLE = REPO_ROOT / "examples" / "ansible" / "wslconfig.yml"
ANSIBLE_POLICY = REPO_ROOT / "examples" / "ansible" / "files" / "wslconfig-policy.toml"

_DOC_SCHEMAS = [f"https://aka.ms/dsc/schemas/{v}/{b}config/document{s}.json"
                for v in ("v3", "v3.0", "v3.0.0", "v3.0.1", "v3.1", "v3.1.0") for b in ("", "bundled/")
                for s in ("", ".vscode")]
_RESOURCE_ID = r"^\[resourceId\(\s*'\w+(\.\w+){0,2}\/\w+'\s*,\s*'[a-zA-Z0-9 ]+'\s*\)\]$"

DOCUMENT_SHAPE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["$schema", "resources"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"enum": _DOC_SCHEMAS},
        "parameters": {"type": "object"},
        "variables": {"type": "object"},
        "metadata": {"type": "object", "properties": {"winget": {"type": "object", "required": ["processor"],
            "properties": {"processor": {"type": "object", "required": ["identifier"],
                                         "properties": {"identifier": {"const": "dscv3"}}}}}}},
        "resources": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["type", "name", "properties"],
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string", "pattern": r"^\w+(\.\w+){0,2}\/\w+$"},
                "name": {"type": "string", "pattern": "^[a-zA-Z0-9 ]+$"},
                "dependsOn": {"type": "array", "uniqueItems": True,
                              "items": {"type": "string", "pattern": _RESOURCE_ID}},
                "properties": {"type": "object"},
                "metadata": {"type": "object", "properties": {
                    "description": {"type": "string"},
                    "winget": {"type": "object", "properties": {"securityContext": {"enum": ["current", "elevated"]}}},
                }},
            },
            "allOf": [
                {"if": {"properties": {"type": {"const": "Microsoft.WinGet/Package"}}},
                 "then": {"properties": {"properties": {
                     "type": "object", "required": ["id", "source"], "additionalProperties": False,
                     "properties": {"id": {"type": "string"}, "source": {"type": "string"},
                                    "version": {"type": "string"}, "useLatest": {"type": "boolean"}}}}}},
                {"if": {"properties": {"type": {"const": "Microsoft.DSC.Transitional/RunCommandOnSet"}}},
                 "then": {"properties": {"properties": {
                     "type": "object", "required": ["executable"], "additionalProperties": False,
                     "properties": {
                         "executable": {"type": "string"},
                         "exitCode": {"type": "integer"},
                         "arguments": {"oneOf": [
                             {"type": "array", "items": {"type": "string"}},
                             # WinGet's form: an ordered map "0", "1", ... with treatAsArray
                             {"type": "object", "required": ["treatAsArray"],
                              "properties": {"treatAsArray": {"const": True}},
                              "propertyNames": {"pattern": "^([0-9]+|treatAsArray)$"},
                              "additionalProperties": {"type": "string"}},
                         ]}}}}}},
            ],
        }},
    },
}


def winget_doc() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(WINGET.read_text(encoding="utf-8"))
    return doc


def ours(doc: dict[str, Any]) -> dict[str, Any]:
    (resource,) = [r for r in doc["resources"] if r["type"] == dsc.RESOURCE_TYPE]
    return resource


# -- WinGet ------------------------------------------------------------------------------------

def test_winget_sample_has_the_documented_shape() -> None:
    doc = winget_doc()
    jsonschema.Draft202012Validator(DOCUMENT_SHAPE).validate(doc)
    names = {(r["type"], r["name"]) for r in doc["resources"]}
    assert len(names) == len(doc["resources"])
    for resource in doc["resources"]:
        for dep in resource.get("dependsOn", []):
            m = re.fullmatch(r"\[resourceId\('([^']+)',\s*'([^']+)'\)\]", dep)
            assert m is not None, dep
            assert (m.group(1), m.group(2)) in names, f"{resource['name']} depends on a missing {dep}"


@pytest.mark.parametrize("broken", [
    {"$schema": "https://example.com/schema.json"},
    {"resources": [{"type": "NoSlash", "name": "x", "properties": {}}]},
    {"resources": [{"type": "A/B", "name": "bad_name!", "properties": {}}]},
    {"resources": [{"type": "A/B", "name": "x", "properties": {}, "dependsOn": ["x"]}]},
    {"resources": [{"type": "Microsoft.WinGet/Package", "name": "x", "properties": {"id": "Git.Git"}}]},
    {"metadata": {"winget": {"processor": {"identifier": "dscv2"}}}},
])
def test_document_shape_is_not_vacuous(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(DOCUMENT_SHAPE).validate(winget_doc() | broken)


def test_winget_sample_installs_before_it_configures() -> None:
    doc = winget_doc()
    packages = {r["properties"]["id"] for r in doc["resources"] if r["type"] == "Microsoft.WinGet/Package"}
    assert {"Microsoft.WSL", "Python.Python.3.12"} <= packages
    resource = ours(doc)
    order = [r["name"] for r in doc["resources"]]
    for dep in resource["dependsOn"]:
        assert order.index(re.findall(r"'([^']+)'", dep)[1]) < order.index(resource["name"])
    install = next(r for r in doc["resources"] if r["type"] == "Microsoft.DSC.Transitional/RunCommandOnSet")
    script = " ".join(v for k, v in install["properties"]["arguments"].items() if k != "treatAsArray")
    assert "pip install" in script
    assert "dsc manifest --output" in script  # the manifest lands where DSC finds it


def test_winget_sample_properties_are_valid_resource_input() -> None:
    properties = ours(winget_doc())["properties"]
    INSTANCE.validate(properties)
    request = dsc.parse_request(properties)
    assert request.update_wsl is True
    assert request.memory == "8GB"


def test_winget_sample_instance_runs_through_the_resource(tmp_path: Path) -> None:
    """What `winget configure` asks of our resource, done for real against the simulator."""
    box = Box(tmp_path)
    box.config.write_text("[wsl2]\r\nmemory=1GB\r\n", encoding="utf-8", newline="")
    properties = ours(winget_doc())["properties"]
    tested = box.run("test", properties)
    assert tested.returncode == 0, tested.stderr
    assert lines(tested)[0]["_inDesiredState"] is False
    done = box.run("set", properties)
    assert done.returncode == 0, done.stderr
    assert lines(done)[0]["compliant"] is True
    again = box.run("test", properties)
    assert lines(again)[0]["_inDesiredState"] is True
    assert "networkingMode=Mirrored" in box.config.read_text(encoding="utf-8")


# -- Ansible -----------------------------------------------------------------------------------

def playbook() -> dict[str, Any]:
    (play,) = yaml.safe_load(ANSIBLE.read_text(encoding="utf-8"))
    assert isinstance(play, dict)
    return play


def task(play: dict[str, Any], register: str) -> dict[str, Any]:
    (found,) = [t for t in play["tasks"] if t.get("register") == register]
    return found


def test_ansible_example_structure() -> None:
    play = playbook()
    commands = [t for t in play["tasks"] if "ansible.windows.win_command" in t]
    assert len(commands) == 2
    for t in commands:
        assert t["register"]
        assert "changed_when" in t
        assert "failed_when" in t
        assert "--json" in json.dumps(t["ansible.windows.win_command"])
    copy = next(t for t in play["tasks"] if "ansible.windows.win_copy" in t)
    assert (ANSIBLE.parent / copy["ansible.windows.win_copy"]["src"]) == ANSIBLE_POLICY
    assert ANSIBLE_POLICY.is_file()


class Jinja:
    """Ansible conditionals as Ansible evaluates them: Jinja2 with from_json, on registered results."""

    def __init__(self, variables: dict[str, Any]) -> None:
        jinja2 = pytest.importorskip("jinja2")
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        self.env.filters["from_json"] = json.loads
        self.vars = variables

    def condition(self, expression: str | bool) -> bool:
        if isinstance(expression, bool):
            return expression
        rendered = self.env.from_string("{% if " + expression + " %}True{% else %}False{% endif %}")
        return rendered.render(self.vars) == "True"

    def value(self, template: str) -> Any:
        rendered = self.env.from_string(template).render(self.vars)
        return ast.literal_eval(rendered)


def test_ansible_conditions_on_real_apply_output(tmp_path: Path) -> None:
    play = playbook()
    box = Box(tmp_path)
    box.sim(wsl_version=NEWEST)
    box.config.write_text("[wsl2]\r\nmemory=1GB\r\n", encoding="utf-8", newline="")
    env = {"WSLCONFIG_ASSISTANT_PROFILE": str(box.profile), "WSLCONFIG_ASSISTANT_WSL_EXE": box.exe,
           "WSLCONFIG_ASSISTANT_SIM_STATE": str(box.state)}
    variables = dict(play["vars"]) | {"wslconfig_policy": str(ANSIBLE_POLICY)}
    check_task, apply_task = task(play, "wslconfig_check"), task(play, "wslconfig_apply")

    def run(t: dict[str, Any], name: str) -> tuple[bool, bool, int]:
        argv = t["ansible.windows.win_command"]["argv"]
        args = Jinja(variables).value(argv) if isinstance(argv, str) else [
            Jinja(variables).env.from_string(a).render(variables) for a in argv]
        assert args[0] == "wslconfig-assistant"
        result = run_cli(*args[1:], env=env)
        registered = {"rc": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
        jinja = Jinja(variables | {name: registered})
        return jinja.condition(t["changed_when"]), jinja.condition(t["failed_when"]), result.returncode

    assert run(check_task, "wslconfig_check") == (False, False, 1)  # not compliant: information, not failure
    assert Jinja(variables | {"wslconfig_check": {"rc": 1}}).condition(apply_task["when"])
    assert run(apply_task, "wslconfig_apply") == (True, False, 0)
    assert "networkingMode=Mirrored" in box.config.read_text(encoding="utf-8")  # the policy's required key
    assert run(check_task, "wslconfig_check") == (False, False, 0)
    assert not Jinja(variables | {"wslconfig_check": {"rc": 0}}).condition(apply_task["when"])
    assert run(apply_task, "wslconfig_apply") == (False, False, 0)  # idempotent: not "changed"

    variables["wslconfig_policy"] = str(tmp_path / "missing.toml")
    assert run(check_task, "wslconfig_check")[1:] == (True, 2)  # a broken policy fails the play
    assert run(apply_task, "wslconfig_apply")[1:] == (True, 2)

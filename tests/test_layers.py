"""The import contract of docs/architecture.md, checked on the source with ast.

* ``reader`` imports nothing from ``audio`` or ``web``; ``audio`` nothing from ``web`` (it may use
  ``reader``'s text vocabulary, such as its one Han character class);
* a package uses another only through its ``__init__``: ``import audio`` or ``from audio import X``
  with ``X`` in ``audio.__all__``, never ``audio.cache`` or ``from reader.model import …``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("reader", "audio", "web")
FORBIDDEN = {"reader": {"audio", "web"}, "audio": {"web"}, "web": set()}


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, imported names) for every import in the file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, tuple(alias.name for alias in node.names)))
    return found


def _public_names(package: str) -> set[str]:
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


CASES = [
    pytest.param(package, path, id=str(path.relative_to(ROOT)))
    for package in PACKAGES
    for path in _modules(package)
]


@pytest.mark.parametrize(("package", "path"), CASES)
def test_imports_point_one_way_through_public_surfaces(package, path):
    problems = []
    for line, module, names in _imports(path):
        top = module.split(".")[0]
        if top not in PACKAGES or top == package:
            continue
        where = f"{path.relative_to(ROOT)}:{line}"
        if top in FORBIDDEN[package]:
            problems.append(f"{where}: {package} must not import {module}")
        elif module != top:
            problems.append(f"{where}: import {module} reaches past {top}/__init__.py")
        else:
            missing = set(names) - _public_names(top)
            if missing:
                problems.append(f"{where}: {sorted(missing)} not in {top}.__all__")
    assert not problems, "\n".join(problems)


def test_every_package_declares_its_public_surface():
    for package in ("reader", "audio"):
        assert _public_names(package), f"{package}/__init__.py has no __all__"


def test_web_uses_attribute_access_only_on_public_names():
    """``audio.X`` / ``reader.X`` attribute uses in web must name public members."""
    problems = []
    for path in _modules("web"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("audio", "reader")
            ):
                if node.attr not in _public_names(node.value.id):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not problems, "\n".join(problems)


# The web core (docs/architecture.md): no Flask, and of the rest of web only the Flask-free config.
CORE_MAY_IMPORT = {"web.config", "web.core"}
HTTP_LIBRARIES = {"flask", "werkzeug", "markupsafe", "jinja2"}


@pytest.mark.parametrize("path", _modules("web/core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_web_core_imports_no_flask_and_no_http_layer(path):
    problems = []
    for line, module, names in _imports(path):
        top = module.split(".")[0]
        where = f"{path.relative_to(ROOT)}:{line}"
        if top in HTTP_LIBRARIES:
            problems.append(f"{where}: the web core must not import {module}")
        elif top == "web":
            targets = [module] if module != "web" else [f"web.{name}" for name in names]
            problems.extend(
                f"{where}: the web core must not import {target} (HTTP layer or ops)"
                for target in targets
                if not any(target == ok or target.startswith(ok + ".") for ok in CORE_MAY_IMPORT)
            )
    assert not problems, "\n".join(problems)


def test_services_build_without_flask(tmp_path):
    """The CLI and the Celery worker reach Services without Flask being imported at all."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from web.config import load_config\n"
        "from web.core import build_services\n"
        f"services = build_services(load_config({{'INSTANCE_PATH': {str(tmp_path)!r}}}))\n"
        "assert services.store.root.is_relative_to(sys.argv[1]), services.store.root\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr


def test_both_job_backends_follow_the_one_protocol():
    """Threads and Celery answer the same calls (checked on the classes: no Redis needed)."""
    import inspect

    from web.core.backend import JobBackend
    from web.core.jobs import JobRunner
    from web.core.tasks import CeleryJobs

    members = vars(JobBackend).items()
    wanted = {name for name, member in members if inspect.isfunction(member) and not name.startswith("_")}
    assert wanted >= {"submit", "is_active", "wait", "finishing", "shutdown"}
    for backend in (JobRunner, CeleryJobs):
        for name in wanted:
            ours = inspect.signature(getattr(JobBackend, name))
            theirs = inspect.signature(getattr(backend, name))
            assert list(theirs.parameters) == list(ours.parameters), f"{backend.__name__}.{name}"

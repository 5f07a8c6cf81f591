"""Installed as users install it: the package built as a wheel (`pip wheel`) and installed
without `-e` into a fresh virtual environment validates, builds and audits a copy of the
project. Nothing may be found through the source tree: the schemas are package data.

Nothing is downloaded: the wheel is built with this environment's setuptools (the `test`
extra), and its dependencies are this environment's (a .pth file makes them visible to the new
one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from support.site_html import REPO, copy_project

pytestmark = [pytest.mark.build, pytest.mark.slow]

SOURCES = ("pyproject.toml", "README.md", "scripts", "schemas")  # what the build reads
APPROVED = "content/articles/itp-refill-sepsis.md"


def _run(*args: str | Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(REPO / name, source / name)
    done = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", root / "dist", source,
        cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = (root / "dist").glob("editorial-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed (not editable) and, through a .pth
    file, this environment's libraries: never the editable install of this checkout, whose
    finder a .pth line does not run."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    done = _run(sys.executable, "-m", "venv", "--without-pip", root, cwd=root.parent)
    assert done.returncode == 0, done.stderr
    python = root / "bin" / "python"
    done = _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel,
                cwd=root.parent)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (Path(site) / "test-dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    return root


@pytest.fixture
def env(venv: Path) -> dict[str, str]:
    """The environment of a user of the wheel: its bin/ first, no PYTHONPATH into the checkout."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "EDITORIAL_PREVIEW")}
    return {**base, "PATH": f"{venv / 'bin'}{os.pathsep}{base.get('PATH', '')}", "NO_MKDOCS_2_WARNING": "1"}


def test_the_wheel_carries_the_schemas_as_package_data(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in sorted(p.name for p in (REPO / "schemas").glob("*.schema.json")):
        assert f"editorial/schemas/{schema}" in names, sorted(names)
    assert "editorial/core/codes.py" in names and "editorial/plugin/plugin.py" in names


def test_the_installed_package_and_plugin_are_the_wheels(venv: Path, env: dict, tmp_path: Path):
    code = (
        "import editorial, editorial.schemas\n"
        "from importlib.metadata import entry_points\n"
        "(plugin,) = [e for e in entry_points(group='mkdocs.plugins') if e.name == 'editorial']\n"
        "print(editorial.__file__); print(editorial.schemas.__file__)\n"
        "print(__import__(plugin.load().__module__, fromlist=['_']).__file__)\n"
    )
    done = _run(venv / "bin" / "python", "-c", code, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    files = done.stdout.split()
    assert len(files) == 3 and all(f.startswith(str(venv)) and not f.startswith(str(REPO)) for f in files), files


def test_a_copy_of_the_project_validates_builds_and_passes_the_audit(venv: Path, env: dict, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    done = _run(venv / "bin" / "editorial", "validate", cwd=project, env=env)
    assert done.returncode == 0 and done.stdout.endswith("3 file(s) checked: 0 error(s), 0 warning(s)\n"), (
        done.stdout + done.stderr
    )
    done = _run(venv / "bin" / "python", "-m", "mkdocs", "build", "-q", cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    assert "itp-refill-sepsis" in (project / "site" / "articles" / "itp-refill-sepsis" / "index.html").read_text()
    done = _run(venv / "bin" / "editorial", "audit", "site", cwd=project, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schemas_the_wheel_carries_are_the_ones_that_judge(venv: Path, env: dict, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    path = project / APPROVED
    path.write_text(path.read_text().replace("review_status: approved", "review_status: Approved"))
    done = _run(venv / "bin" / "editorial", "validate", cwd=project, env=env)
    assert done.returncode == 1
    assert (
        f"{APPROVED}:18:1: E204 `review_status` is 'Approved'; it must be one of: submitted, under_review, approved"
        in done.stdout
    ), done.stdout + done.stderr

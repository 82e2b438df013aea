"""What a report's outputs depend on, measured: the environment, the kernel and the data.

- :func:`environment`: the package version and a digest of its files, a digest of the installed
  distributions (name and version of every ``*.dist-info``/``*.egg-info`` on ``sys.path``: the
  dependency set as installed, not as a constraints file says), and the Python version.
- :func:`kernel_identity`: the kernelspec a report's kernel starts from, and whether it runs this
  interpreter (only then does :func:`environment` describe the kernel).
- :class:`DataCheck`: whether the datasets a report read (``burdenshare.tables.Read`` records, as
  dicts) are still what it read: the files hash to the recorded sha256, and the catalogue of each
  dataset (its bundled and imported editions) is unchanged, so a newly imported release counts as
  a change for every report that read that dataset.

Light on purpose: the runner's cached path imports no notebook machinery.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..._version import __version__
from ...errors import DataError
from ...manifest import MANIFEST_NAME
from ...paths import bundled_data_dir, file_identity, read_data_file, user_data_dir_path

_SKIPPED_PARTS = {"__pycache__", "data", "notebooks"}  # data and notebooks are inputs of their own


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> str:
    """JSON text with sorted keys and no whitespace (for hashing); NaN/Infinity are refused."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str)


def digest_of(value: Any) -> str:
    """sha256 of the canonical JSON of ``value``."""
    return sha256_bytes(canonical_json(value).encode("utf-8"))


@functools.cache
def package_digest() -> str:
    """sha256 over the package's own files (code, templates, assets; not data or notebooks)."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_PARTS)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder, name)
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def installed_distributions() -> list[str]:
    """``name-version`` of every distribution installed on ``sys.path``, sorted."""
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                found.add(name.rsplit(".", 1)[0].lower().replace("_", "-"))
    return sorted(found)


@functools.cache
def dependencies_digest() -> str:
    """sha256 of :func:`installed_distributions`: changes when any dependency changes version."""
    return sha256_bytes("\n".join(installed_distributions()).encode("utf-8"))


def python_identity() -> str:
    """Implementation, version, platform and machine of this interpreter."""
    return (
        f"{sys.implementation.name} {platform.python_version()} {sys.platform} {platform.machine()}"
    )


def environment() -> dict[str, str]:
    """The run environment that a report's outputs depend on (part of its cache key)."""
    return {
        "package": f"burdenshare {__version__}",
        "package_sha256": package_digest(),
        "dependencies": dependencies_digest(),
        "python": python_identity(),
    }


def same_interpreter(command: str, python: str) -> bool:
    """Whether ``command`` starts the interpreter ``python`` of the same environment.

    Two virtual environments may link to one base interpreter, so resolving links alone is not
    enough: the paths must be equal, or sit in the same folder and resolve to the same file.
    """
    exe = shutil.which(command) or command
    a, b = os.path.abspath(exe), os.path.abspath(python)
    if a == b:
        return True
    return os.path.dirname(a) == os.path.dirname(b) and os.path.realpath(a) == os.path.realpath(b)


def kernel_identity(name: str = "python3") -> tuple[str, bool]:
    """(digest of the kernelspec ``name`` that Jupyter would use, whether it runs this
    interpreter). Without a kernelspec file, Jupyter runs this interpreter's ipykernel."""
    from jupyter_core.paths import jupyter_path  # lazy: only when a cache key is computed

    for folder in jupyter_path("kernels"):
        spec_file = Path(folder, name, "kernel.json")
        if not spec_file.is_file():
            continue
        raw = spec_file.read_bytes()
        try:
            command = str(json.loads(raw)["argv"][0])
        except (ValueError, KeyError, IndexError, TypeError):
            return sha256_bytes(raw), False
        # jupyter_client runs python, python3 and python3.X as the running interpreter.
        short = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info)}
        same = command in short or same_interpreter(command, sys.executable)
        return sha256_bytes(raw), same
    return "native", True


class FileHashes:
    """sha256 of files, each read once per (path, size, mtime, inode) in this object's life."""

    def __init__(self) -> None:
        self._known: dict[tuple[str | int, ...], str] = {}
        self._lock = threading.Lock()

    def sha256(self, path: Path) -> str | None:
        """The file's sha256, or None when it cannot be read."""
        identity = file_identity(path)
        if identity is None:
            return None
        key = (os.path.abspath(path), *identity)
        with self._lock:
            if key in self._known:
                return self._known[key]
        try:
            digest = sha256_bytes(read_data_file(path))
        except DataError:
            return None
        with self._lock:
            self._known[key] = digest
        return digest


def _manifest_files(folder: Path) -> dict[str, Any]:
    """The ``files`` of a data folder's manifest, read now (empty when there is none)."""
    path = folder / MANIFEST_NAME
    if not os.path.lexists(path):
        return {}
    try:
        files = json.loads(read_data_file(path).decode("utf-8")).get("files", {})
    except (DataError, ValueError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def catalogue_digests() -> dict[str, str]:
    """Per dataset, sha256 of its installed editions: the bundled manifest's entries and the user
    folder's imported ones (label, file, source, checksums as recorded), read now."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for origin, folder in (("bundled", bundled_data_dir()), ("imported", user_data_dir_path())):
        for name, entry in _manifest_files(folder).items():
            if isinstance(entry, dict) and entry.get("dataset"):
                mine = found.setdefault(str(entry["dataset"]), {"bundled": {}, "imported": {}})
                mine[origin][name] = entry
    return {dataset: digest_of(editions) for dataset, editions in sorted(found.items())}


class DataCheck:
    """Checks that the data a report read is still the same.

    The catalogues are read once, when the object is made (before any report of a run
    executes): a report stores those, so an import that lands while it runs makes it re-run next
    time. File hashes are memoised for the object's life.
    """

    def __init__(self, hashes: FileHashes | None = None) -> None:
        self.hashes = hashes or FileHashes()
        self._catalogues = catalogue_digests()
        self._folders = {"bundled": bundled_data_dir(), "imported": user_data_dir_path()}

    def catalogue(self, dataset: str) -> str:
        """The dataset's catalogue digest ("" when no edition of it is installed)."""
        return self._catalogues.get(dataset, "")

    def catalogues(self, reads: Iterable[Mapping[str, Any]]) -> dict[str, str]:
        """Catalogue digests of the datasets read from bundled or imported editions."""
        return {
            str(r["dataset"]): self.catalogue(str(r["dataset"]))
            for r in reads
            if r.get("origin") in ("bundled", "imported")
        }

    def file_of(self, read: Mapping[str, Any], notebook_folder: Path) -> Path:
        """Where the file a read record names is now."""
        origin, path = read.get("origin"), Path(str(read.get("path", "")))
        if origin in self._folders:
            return self._folders[str(origin)] / path
        return path if path.is_absolute() else notebook_folder / path

    def changed(
        self,
        reads: Iterable[Mapping[str, Any]],
        catalogues: Mapping[str, str],
        notebook_folder: Path,
    ) -> str:
        """Why the data differs from what was read ("" when it is all the same)."""
        reads = list(reads)
        for dataset, digest in catalogues.items():
            if self.catalogue(dataset) != digest:
                return f"the installed editions of {dataset} changed"
        for read in reads:
            path = self.file_of(read, notebook_folder)
            now = self.hashes.sha256(path)
            if now is None:
                return f"{read.get('dataset')}: {path} is gone"
            if now != read.get("sha256"):
                return f"{read.get('dataset')} {read.get('label')}: {path} changed"
        if set(self.catalogues(reads)) != set(catalogues):
            return "the record of datasets read is incomplete"
        return ""

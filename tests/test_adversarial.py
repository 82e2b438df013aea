"""Every hostile input in tests/adversarial ends in a clear error naming the offending place, and
nothing is written or changed."""

from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

from burdenshare.paths import bundled_data_dir
from tests import adversarial
from tests.adversarial import PROCESSES_ALLOWED, Case, CliResult


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(adversarial.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.adversarial.{module.name}").CASES
    return cases


CASES = _all_cases()


#: Files above this size (the sparse 3 GB giants) are known by their inode, size and change
#: time instead of their sha256: any write or truncation sets the change time, which no process
#: can set back, and reading 3 GB twice cost 20 s a case.
HASHED = 64 * 2**20


def _snapshot(*folders: Path) -> dict[str, str]:
    """sha256 of every file below the folders (a missing folder is empty); above
    :data:`HASHED` bytes, its inode, size and change time."""
    found = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                st = path.stat()
                found[str(path)] = (
                    f"inode {st.st_ino} size {st.st_size} changed {st.st_ctime_ns}"
                    if st.st_size > HASHED
                    else hashlib.sha256(path.read_bytes()).hexdigest()
                )
    return found


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.adversarial
@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=[getattr(pytest.mark, k) for k in case.kinds]) for case in CASES],
    ids=[case.id for case in CASES],
)
def test_hostile_input_is_refused_and_changes_nothing(case: Case, tmp_path: Path):
    folder = tmp_path / "case"
    folder.mkdir()
    action = case.prepare(folder)
    watched = (bundled_data_dir(), Path(os.environ["BURDENSHARE_DATA_HOME"]), folder)
    before = _snapshot(*watched)
    allowed = PROCESSES_ALLOWED.set("processes" in case.kinds)
    try:
        if isinstance(case.error, int):
            result = action()
            assert isinstance(result, CliResult)
            assert result.code == case.error, str(result)
            assert "Traceback" not in str(result)
            message = str(result)
        else:
            with pytest.raises(case.error) as info:
                action()
            message = str(info.value)
    finally:
        PROCESSES_ALLOWED.reset(allowed)
    for name in case.names:
        assert name.format(folder=folder) in message, message
    assert _snapshot(*watched) == before


def test_every_public_metric_is_tried_with_tables_of_the_wrong_kind():
    from tests.adversarial.cases_metrics import public_metrics

    ids = {case.id for case in CASES}
    untried = [name for name in public_metrics() if f"{name} given None" not in ids]
    assert not untried


def test_every_public_loader_is_tried_with_arguments_of_the_wrong_kind():
    from tests.adversarial.cases_loaders import _arguments, public_loaders

    tried = {case.id.split("(")[0] for case in CASES if "=<a list>)" in case.id}
    with_arguments = {name for name in public_loaders() if _arguments(name)}
    assert len(with_arguments) >= 15 and with_arguments - tried == set()

"""Our E-ARK CSIP packages pass the independent eark-validator (structure, METS schema, CSIP
Schematron rules); a broken package fails it, so the check can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import bagit
import pytest

from tests.preservation.eark.conftest import errors
from vanthu.preservation.package.export import export_dossier

pytestmark = pytest.mark.slow

# eark-validator 1.1.3's SIP14 asks every CREATOR agent's note for a non-namespaced
# NOTETYPE="IDENTIFICATIONCODE", while its CSIP12–16 ask the same (software) agent for
# TYPE="OTHER" and a csip:NOTETYPE="SOFTWARE VERSION" note, and the METS schema allows only
# namespaced extra attributes on a note: no METS-valid package can satisfy both. That one rule
# is the validator's contradiction (docs/preservation.md); every other rule must pass.
VALIDATOR_CONTRADICTIONS = {"SIP14"}


def _packages(bag: Path) -> list[Path]:
    return sorted(p for p in (bag / "data").iterdir() if p.is_dir())


def test_exported_package_passes_eark_validator(
    filled: Any, office: Any, tmp_path: Path, eark_validate: Callable[[Path], dict[str, Any]]
) -> None:
    dossier, _files = filled
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "out")
    bagit.Bag(str(bag)).validate()
    (package,) = _packages(bag)
    report = eark_validate(package)
    found = errors(report)
    rejected = [e for e in found if e.split(":")[0] not in VALIDATOR_CONTRADICTIONS]
    assert rejected == [], "\n".join(rejected)
    assert report["structure"]["status"] == "WellFormed"
    assert report["metadata"]["schema_results"]["status"] == "VALID"
    assert report["package"]["details"]["oaispackagetype"] == "SIP"


def test_package_without_its_mets_fails_eark_validator(
    filled: Any, office: Any, tmp_path: Path, eark_validate: Callable[[Path], dict[str, Any]]
) -> None:
    dossier, _files = filled
    bag = export_dossier(actor=office.clerk, dossier_id=dossier.pk, out=tmp_path / "out")
    (package,) = _packages(bag)
    (package / "METS.xml").unlink()
    report = eark_validate(package)
    assert report["structure"]["status"] == "NotWellFormed"
    assert errors(report)

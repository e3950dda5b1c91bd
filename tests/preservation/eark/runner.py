"""Run by the eark-validator's own interpreter (its venv): validate one package folder and
print the report as JSON.

eark-validator 1.1.3 reads four CSIP vocabularies with ``urlopen`` from earkcsip.dilcis.eu when
it is imported. The same files ship inside its wheel (``ipxml/resources/vocabs``), so those
URLs are answered from there and every other network access is refused: the run is offline.
Nothing of eark-validator is changed or copied.
"""

from __future__ import annotations

import importlib.util
import sys
import urllib.request
from pathlib import Path
from typing import Any

VOCABULARIES = "https://earkcsip.dilcis.eu/schema/"


def _offline(url: Any, *args: Any, **kwargs: Any) -> Any:
    name = url if isinstance(url, str) else url.full_url
    if name.startswith(VOCABULARIES) and "/" not in name[len(VOCABULARIES) :]:
        spec = importlib.util.find_spec("eark_validator")
        assert spec is not None and spec.origin is not None
        local = Path(spec.origin).parent / "ipxml" / "resources" / "vocabs"
        return (local / name[len(VOCABULARIES) :]).open("rb")
    raise OSError(f"offline run: no network access to {name}")


def main(path: str) -> None:
    urllib.request.urlopen = _offline
    from eark_validator.packages import PackageValidator
    from eark_validator.specifications.specification import SpecificationVersion

    report = PackageValidator(Path(path), SpecificationVersion.V2_1_0).validation_report
    print(report.model_dump_json())


if __name__ == "__main__":
    main(sys.argv[1])

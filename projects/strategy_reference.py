"""Load the engagement map of the Year 2 Strategy (slides 30–32) from projects/reference_data/engagement-map.json."""

from pathlib import Path

from django.db import transaction

from loti.reference import LoadTally, cite, read_reference_file
from loti.services import reference_row_sync

from .strategy_models import Engagement

DATA_DIR = Path(__file__).resolve().parent / "reference_data"


def engagements_load(*, tally: LoadTally, data_dir: Path = DATA_DIR) -> None:
    from .reference import pillar_named  # projects/reference.py calls this loader

    path = data_dir / "engagement-map.json"
    with transaction.atomic():
        for index, item in enumerate(read_reference_file(path)["engagements"], start=1):
            where = f"{path.name}, engagement {index} ({item.get('stakeholder', '?')})"
            source = cite(item.get("source"), where=where)
            reference_row_sync(
                model=Engagement,
                lookup={
                    "pillar": pillar_named(item["pillar"], where=where),
                    "stakeholder": item["stakeholder"],
                    "mode": item["mode"],
                    "relationship": item["relationship"],
                },
                values={"position": item["position"], "source": source},
                tally=tally,
                where=where,
            )

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from django.db import transaction

from xinfang.core.errors import InvalidInput

from .models import Category, TaxonomyVersion

# The content taxonomy shipped with the package: what a fresh install and the tests load.
BUNDLED_CSV = Path(__file__).resolve().parent / "data" / "content-taxonomy.csv"


def load_taxonomy(*, path: str | Path, label: str | None = None) -> tuple[TaxonomyVersion, bool]:
    """Load a level1,level2,level3 CSV as a taxonomy version and make it active.

    Idempotent: the same file again returns the existing version and creates nothing.
    Returns (version, created).
    """
    path = Path(path)
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    if not rows or not {"level1", "level2", "level3"} <= set(rows[0]):
        raise InvalidInput(f"{path}: expected columns level1, level2, level3")
    with transaction.atomic():
        existing = TaxonomyVersion.objects.filter(source_sha256=digest).first()
        if existing:
            if not existing.is_active:
                TaxonomyVersion.objects.update(is_active=False)
                existing.is_active = True
                existing.save(update_fields=["is_active"])
            return existing, False
        TaxonomyVersion.objects.update(is_active=False)
        version = TaxonomyVersion.objects.create(
            label=label or f"{path.name} {digest[:8]}", source_sha256=digest, is_active=True
        )
        nodes: dict[tuple[str, ...], Category] = {}
        counters: dict[tuple[str, ...], int] = {}
        for row in rows:
            names = [row["level1"].strip(), row["level2"].strip(), row["level3"].strip()]
            if not all(names):
                raise InvalidInput(f"{path}: a row has an empty level: {row}")
            parent = None
            for depth in range(1, 4):
                key = tuple(names[:depth])
                if key not in nodes:
                    parent_key = key[:-1]
                    counters[parent_key] = counters.get(parent_key, 0) + 1
                    code = (parent.code if parent else "") + f"{counters[parent_key]:02d}"
                    nodes[key] = Category.objects.create(
                        version=version,
                        code=code,
                        name=key[-1],
                        level=depth,
                        parent=parent,
                        full_name="/".join(key),
                    )
                parent = nodes[key]
    return version, True

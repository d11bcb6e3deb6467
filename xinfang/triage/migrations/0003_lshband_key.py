"""LSHBand keyed by (case_id, key): the band number already lives in the key's top bits, so the
separate band column and the surrogate id go; the open flag is copied onto the band rows so the
lookup index holds open cases only. Band keys are derived data: rebuilt from the stored
signatures."""

import django.db.models.deletion
from django.db import migrations, models


def rebuild_bands(apps, schema_editor):
    import numpy as np

    from xinfang.triage.similarity import DEFAULT_SCHEME, MinHasher

    entry_model = apps.get_model("triage", "SimilarityEntry")
    band_model = apps.get_model("triage", "LSHBand")
    hasher = MinHasher(DEFAULT_SCHEME)
    current = entry_model.objects.filter(scheme=DEFAULT_SCHEME.tag).order_by("pk")
    last = 0
    while True:
        chunk = list(current.filter(pk__gt=last).values_list("pk", "signature", "is_open")[:2000])
        if not chunk:
            break
        sigs = np.stack([np.frombuffer(bytes(raw), dtype="<u4") for _pk, raw, _o in chunk])
        keys = hasher.band_keys(sigs).tolist()
        band_model.objects.bulk_create(
            band_model(key=k, entry_id=pk, is_open=is_open)
            for (pk, _raw, is_open), row in zip(chunk, keys, strict=True)
            for k in row
        )
        last = chunk[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0002_triage_models"),
    ]

    operations = [
        migrations.DeleteModel(name="LSHBand"),
        migrations.CreateModel(
            name="LSHBand",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "entry",
                        "key",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        db_column="case_id",
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bands",
                        to="triage.similarityentry",
                    ),
                ),
                ("key", models.BigIntegerField()),
                ("is_open", models.BooleanField(default=True)),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("is_open", True)),
                        fields=["key", "entry"],
                        name="triage_lshband_open",
                    )
                ],
            },
        ),
        migrations.RunPython(rebuild_bands, migrations.RunPython.noop),
    ]

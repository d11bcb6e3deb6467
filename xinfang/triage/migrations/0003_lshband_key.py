"""LSHBand keyed by (key, case_id): the band number already lives in the key's top bits, so the
separate band column and the surrogate id go. Band keys are derived data; they are rebuilt
from the stored signatures."""

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
        chunk = list(current.filter(pk__gt=last).values_list("pk", "signature")[:2000])
        if not chunk:
            break
        sigs = np.stack([np.frombuffer(bytes(raw), dtype="<u4") for _pk, raw in chunk])
        keys = hasher.band_keys(sigs).tolist()
        band_model.objects.bulk_create(
            band_model(key=k, entry_id=pk)
            for (pk, _raw), row in zip(chunk, keys, strict=True)
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
                        "key",
                        "entry",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("key", models.BigIntegerField()),
                (
                    "entry",
                    models.ForeignKey(
                        db_column="case_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bands",
                        to="triage.similarityentry",
                    ),
                ),
            ],
        ),
        migrations.RunPython(rebuild_bands, migrations.RunPython.noop),
    ]

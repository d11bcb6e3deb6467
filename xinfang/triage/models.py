"""The look-alike index, shared by every process: one row per case with its MinHash signature,
and its LSH band keys in an indexed table, so a lookup is a few indexed equality matches."""

from __future__ import annotations

from django.db import models


class SimilarityEntry(models.Model):
    """A case's signature (triage/similarity.py). Closed cases stay, flagged, for clustering."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    signature = models.BinaryField()  # num_perm little-endian uint32 values
    scheme = models.CharField(max_length=64)  # Scheme.tag the signature was made with
    is_open = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_open"], name="triage_sim_open")]

    def __str__(self) -> str:
        return f"signature of case {self.case_id}"


class LSHBand(models.Model):
    """One band key of one case: (band, hash) is what a lookup matches on."""

    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()
    entry = models.ForeignKey(
        SimilarityEntry, on_delete=models.CASCADE, db_column="case_id", related_name="bands"
    )

    class Meta:
        indexes = [
            # case_id in the leaf makes the lookup an index-only scan on PostgreSQL.
            models.Index(fields=["band", "hash"], include=["entry"], name="triage_lshband_key")
        ]

    def __str__(self) -> str:
        return f"band {self.band} of case {self.entry_id}"

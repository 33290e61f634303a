"""What a feed run matches with: the Splink model, the thresholds and the postcode-to-LA lookup."""

from __future__ import annotations

from dataclasses import dataclass

from contactpoint.app.feeds.term_frequencies import with_index_term_frequencies
from contactpoint.app.runtime import Runtime
from contactpoint.ingest.survivorship import LaLookup
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load as load_model
from contactpoint.linkage.scoring import Scorer, SplinkScorer


@dataclass
class Linker:
    """What a run needs to match: the scorer, the thresholds and the postcode-to-LA lookup."""

    scorer: Scorer
    thresholds: Thresholds
    la_for: LaLookup
    term_frequencies: str = "shipped"  # which name tables the scorer uses, for the run's output


def build_linker(runtime: Runtime) -> Linker:
    """The Splink model shipped in the package (or in settings' folder) with thresholds from settings,
    scoring names with the index's term-frequency tables once `linkage term-frequencies` built them."""
    settings = runtime.settings
    model, tables = with_index_term_frequencies(runtime, load_model(settings.linkage_model_dir))
    return Linker(
        SplinkScorer(model),
        Thresholds(settings.link_upper_weight, settings.link_lower_weight),
        runtime.la_lookup,
        term_frequencies=tables.describe(),
    )

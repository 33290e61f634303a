from contactpoint.synth.sources import SOURCES
from contactpoint.synth.sources.base import RowChange


def test_at_least_five_sources_each_with_its_own_key_and_columns():
    assert len(SOURCES) >= 5
    assert len({spec.name for spec in SOURCES}) == len(SOURCES)
    assert len({spec.key_prefix for spec in SOURCES}) == len(SOURCES)
    assert len({spec.header for spec in SOURCES}) == len(SOURCES)
    assert len({spec.date_style for spec in SOURCES}) >= 4


def test_each_source_describes_its_rows_consistently():
    for spec in SOURCES:
        assert spec.header[0] == spec.key_column
        assert len(set(spec.header)) == len(spec.header)
        assert set(spec.change_codes) == set(RowChange)
        shape = spec.shape
        for index in (shape.date_of_birth, shape.postcode, shape.given_name, *shape.required):
            assert 0 <= index < len(spec.columns)
        assert shape.write_date is spec.date_style.write


def test_each_source_has_its_own_error_model():
    assert len({spec.rates for spec in SOURCES}) == len(SOURCES)
    assert len({spec.timeliness for spec in SOURCES}) == len(SOURCES)

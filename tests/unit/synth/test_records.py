from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import AddressState, IdentifierScheme, RecordStatus, ServiceType
from contactpoint.synth.records import synthetic_records, to_child_record

CP_ID = ContactPointId.generate()


def test_every_child_becomes_a_valid_record_at_every_generation(large_population):
    for child in large_population:
        for generation in (0, 6, 12):
            record = to_child_record(child, CP_ID, generation=generation)
            assert record.date_of_birth == child.date_of_birth
            assert record.la_code == child.identity_at(generation).la_code


def test_records_hold_the_true_identity_and_the_minimum_involvements(large_population):
    for child in large_population[:3_000]:
        record = to_child_record(child, CP_ID)
        assert record.names.current.given == child.identity.name.given
        assert record.names.current.family == child.identity.name.family
        runtime = {i.service for i in record.involvements}
        if child.identity.gp is not None:
            assert ServiceType.GP in runtime
        schemes = {identifier.scheme for identifier in record.identifiers}
        if child.identity.identifiers.nhs_number and child.identity.gp is not None:
            assert IdentifierScheme.NHS_NUMBER in schemes


def test_shielded_children_are_shielded_records(large_population):
    shielded = [c for c in large_population if c.labels.shielded]
    assert shielded
    assert all(to_child_record(c, CP_ID).status is RecordStatus.SHIELDED for c in shielded)
    assert all(
        to_child_record(c, CP_ID).status is RecordStatus.ACTIVE
        for c in large_population[:500]
        if not c.labels.shielded
    )


def test_after_an_adoption_the_record_is_the_adoptive_identity_alone(large_population):
    for child in (c for c in large_population if c.labels.adopted_generation is not None):
        generation = child.labels.adopted_generation
        birth = to_child_record(child, CP_ID, generation=generation - 1)
        adoptive = to_child_record(child, CP_ID, generation=generation)
        assert adoptive.names.current.family != birth.names.current.family
        assert adoptive.names.former == ()
        assert not set(adoptive.identifiers) & set(birth.identifiers)
        assert not {c.name for c in adoptive.carers} & {c.name for c in birth.carers}


def test_children_who_left_england_say_so(large_population):
    left = [c for c in large_population if c.labels.left_england_generation is not None]
    assert left
    for child in left:
        record = to_child_record(child, CP_ID, generation=child.labels.left_england_generation)
        assert record.whereabouts.state is AddressState.LEFT_ENGLAND
        assert record.whereabouts.intent_to_return is not None
        assert record.involvements == ()


def test_synthetic_records_stream_children_with_fresh_ids():
    pairs = list(synthetic_records(200, 3))
    assert len(pairs) == 200
    assert len({record.cp_id for _, record in pairs}) == 200

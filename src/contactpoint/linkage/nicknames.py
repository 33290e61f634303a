"""Common English given-name nicknames, so "Bill" finds William and "Katie" finds Katherine, and a
row calling William "Bill" is not read as his twin.

Written by hand: the PyPI nickname lists are unmaintained or far larger than search needs; phonetic
keys already absorb spelling variants, so only true diminutives are listed. Synthetic data only.
"""

from __future__ import annotations

from functools import lru_cache

from contactpoint.linkage.normalise import fold

_GROUPS: tuple[tuple[str, ...], ...] = (
    ("WILLIAM", "BILL", "BILLY", "WILL", "WILLIE", "LIAM"),
    ("ROBERT", "BOB", "BOBBY", "ROB", "ROBBIE", "BERT"),
    ("RICHARD", "RICK", "RICKY", "DICK", "RICHIE"),
    ("JAMES", "JIM", "JIMMY", "JAMIE"),
    ("JOHN", "JACK", "JOHNNY", "JON"),
    ("THOMAS", "TOM", "TOMMY"),
    ("MICHAEL", "MIKE", "MICKEY", "MIKEY"),
    ("CHRISTOPHER", "CHRIS", "KIT"),
    ("ALEXANDER", "ALEX", "SANDY", "XANDER"),
    ("ALEXANDRA", "ALEX", "LEXI", "SANDRA"),
    ("DANIEL", "DAN", "DANNY"),
    ("JOSEPH", "JOE", "JOEY"),
    ("SAMUEL", "SAM", "SAMMY"),
    ("BENJAMIN", "BEN", "BENNY"),
    ("MATTHEW", "MATT"),
    ("NICHOLAS", "NICK", "NICKY"),
    ("EDWARD", "ED", "EDDIE", "TED", "TEDDY", "NED"),
    ("HENRY", "HARRY", "HAL"),
    ("CHARLES", "CHARLIE", "CHAS"),
    ("ANTHONY", "TONY"),
    ("JOSHUA", "JOSH"),
    ("NATHAN", "NATHANIEL", "NATE"),
    ("ELIZABETH", "LIZ", "LIZZIE", "BETH", "BETTY", "ELIZA", "LIBBY", "ELLIE"),
    ("KATHERINE", "CATHERINE", "KATE", "KATIE", "KAT", "CATH", "KITTY"),
    ("MARGARET", "MAGGIE", "MEG", "PEGGY", "MADGE"),
    ("REBECCA", "BECKY", "BECCA"),
    ("JENNIFER", "JENNY", "JEN"),
    ("JESSICA", "JESS", "JESSIE"),
    ("VICTORIA", "VICKY", "TORI"),
    ("ABIGAIL", "ABBY", "ABBIE"),
    ("ELEANOR", "ELLIE", "NELL", "NELLIE"),
    ("OLIVIA", "LIV", "LIVVY"),
    ("SOPHIA", "SOPHIE"),
    ("AMELIA", "MILLIE", "AMY"),
    ("ISABELLA", "ISABEL", "IZZY", "BELLA"),
    ("CHARLOTTE", "LOTTIE", "CHARLIE"),
    ("FREDERICK", "FRED", "FREDDIE"),
    ("THEODORE", "THEO", "TED"),
    ("ZACHARY", "ZACH", "ZAK"),
)


@lru_cache(maxsize=1)
def _index() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in _GROUPS:
        for name in group:
            table.setdefault(name, set()).update(group)
    return {name: frozenset(names) for name, names in table.items()}


def given_name_variants(given: str) -> frozenset[str]:
    """The first given name and its nickname family (folded capitals)."""
    first = fold(given.split(" ", 1)[0]) if given.strip() else ""
    return _index().get(first, frozenset()) | {first} if first else frozenset()


def are_nicknames(first: str, second: str) -> bool:
    """Two different first given names of one nickname family ("Bill" and "William"): one child."""
    one, other = fold(first), fold(second)
    return one != other and other in _index().get(one, frozenset())

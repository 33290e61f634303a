"""How names vary between sources: short forms and nicknames, and spellings that sound alike."""

from __future__ import annotations

from collections.abc import Iterable


def _groups(groups: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each name of a group maps to the other members of its group."""
    table: dict[str, tuple[str, ...]] = {}
    for group in groups:
        members = group.split("/")
        for name in members:
            table[name] = tuple(other for other in members if other != name)
    return table


def _short_forms(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in lines:
        full, shorts = line.split(":")
        table[full] = tuple(shorts.split("/"))
    return table


PHONETIC_VARIANTS = _groups((
    "Steven/Stephen/Stefan", "Mohammed/Muhammad/Mohammad/Mohamed/Mohamad", "Aisha/Ayesha/Aysha",
    "Zoe/Zoë/Zoey", "Katherine/Catherine/Kathryn", "Sophie/Sofie", "Sophia/Sofia", "Leah/Lea/Lia",
    "Jayden/Jaden/Jaiden", "Mia/Miah", "Aaliyah/Aliyah/Aleah", "Freddie/Freddy", "Ellie/Elly",
    "Layla/Laila/Leila", "Sara/Sarah", "Hannah/Hanna", "Isabel/Isobel/Isabelle", "Matthew/Mathew",
    "Rebecca/Rebekah", "Yusuf/Yousef/Youssef/Yousuf", "Ibrahim/Ebrahim", "Fatima/Fatimah/Fatma",
    "Maryam/Mariam/Miriam", "Louie/Louis/Lewie", "Aiden/Aidan/Ayden", "Reece/Rhys/Reese",
    "Kian/Keaton/Cian", "Caitlin/Kaitlyn/Katelyn", "Niamh/Neve/Neave", "Zara/Zarah", "Evie/Evey",
    "Lily/Lilly/Lillie", "Eliza/Elisa", "Isla/Islay/Ayla", "Phoebe/Pheobe", "Archie/Archy",
    "Jakub/Jacob/Jakob", "Zain/Zayn/Zayne", "Amira/Ameera", "Hafsa/Hafsah", "Khadijah/Khadija",
    "Eesa/Isa/Esa", "Ayaan/Ayan", "Rayyan/Rayan", "Zakariya/Zakaria/Zakariye", "Abdullah/Abdulla",
    "Tyrese/Tyreese", "Josiah/Jozia", "Malachi/Malakai", "Nia/Nya", "Imani/Imany", "Andre/André",
    "Chloe/Chloé", "Renee/Renée", "Niall/Neil/Neal", "Sean/Shaun/Shawn", "Conor/Connor",
    "Ciaran/Kieran/Kieron", "Oisín/Osheen", "Aoife/Eva", "Siobhán/Shivaun", "Saoirse/Seersha",
    "Smith/Smyth", "Thomson/Thompson", "Reid/Reed/Read", "Clarke/Clark", "Gray/Grey",
    "Philips/Phillips", "Macdonald/McDonald/MacDonald", "Hussain/Hussein/Husain", "Ahmed/Ahmad",
    "Chaudhry/Choudhury/Chowdhury", "Rahman/Rehman", "Mohamed/Mohammed", "Begum/Begom",
    "Uddin/Udin", "Miah/Mia", "Nowak/Novak", "Kowalski/Kovalski", "Wiśniewski/Wisniewski",
    "Wójcik/Wojcik", "Kamiński/Kaminski", "Lewandowski/Levandowski", "Davies/Davis",
    "Matthews/Mathews", "Stevens/Stephens", "Jeffreys/Jefferies", "Meyer/Myer/Meier",
    "Mensah/Mensa", "Owusu/Owuso", "Okafor/Okaffor", "Abdi/Abdy", "Chen/Chan", "Wong/Wang",
    "O'Brien/OBrien/O Brien", "O'Sullivan/OSullivan", "O'Connor/O'Conner", "Byrne/Burn/Byrnes",
    "Popescu/Popesku", "Yılmaz/Yilmaz", "Gonçalves/Goncalves", "Ştefan/Stefan",
))

SHORT_FORMS = _short_forms((
    "Alexander:Alex/Xander/Sandy", "Elizabeth:Beth/Liz/Lizzie/Eliza", "William:Will/Billy/Liam",
    "Oliver:Ollie/Olly", "Thomas:Tom/Tommy", "Samuel:Sam/Sammy", "Joshua:Josh", "Benjamin:Ben/Benji",
    "Jacob:Jake", "Matthew:Matt", "Daniel:Dan/Danny", "Charlotte:Lottie/Charlie",
    "Isabella:Bella/Izzy", "Olivia:Liv/Livvy", "Amelia:Millie/Amy", "Florence:Flo/Florrie",
    "Harriet:Hattie", "Katherine:Kate/Katie/Kat", "Jessica:Jess", "Rebecca:Becky/Becca",
    "Victoria:Tori/Vicky", "Muhammad:Mo", "Mohammed:Mo", "Nicholas:Nick", "Christopher:Chris",
    "Frederick:Freddie/Fred", "Edward:Ed/Ted/Teddy", "Theodore:Theo/Teddy", "Henry:Harry/Hal",
    "Sebastian:Seb", "Maximilian:Max", "Gabriel:Gabe", "Alfred:Alfie", "Archibald:Archie",
    "Jonathan:Jon", "Zachary:Zac/Zach", "Eleanor:Ellie/Nell", "Gabriella:Gabby/Ella",
    "Matilda:Tilly/Tilda", "Penelope:Penny", "Josephine:Josie", "Margaret:Maggie/Meg",
    "Wojciech:Wojtek", "Aleksandra:Ola", "Małgorzata:Gosia", "Katarzyna:Kasia", "Aleksander:Olek",
    "Ifeoluwa:Ife", "Oluwaseun:Seun", "Chukwuemeka:Emeka", "Oluwadamilare:Dami", "Temitope:Tope",
    "Oluwatobi:Tobi", "Abdirahman:Abdi", "Abdullahi:Abdi", "Zakariya:Zak", "Ibrahim:Ibby",
    "Ismail:Izzy", "Jayden:Jay", "Malachi:Kai", "Nathaniel:Nate/Nathan", "Emmanuel:Manny",
    "Benedict:Ben", "Reginald:Reggie", "Ronald:Ronnie", "Robert:Rob/Bobby", "Stanley:Stan",
    "Anthony:Tony/Ant", "Lucas:Luke", "Luca:Luke", "Harrison:Harry", "Elijah:Eli", "Ezra:Ez",
    "Louis:Lou", "Evelyn:Evie", "Scarlett:Lettie", "Imogen:Immy", "Beatrice:Bea", "Abigail:Abi/Abby",
    "Jasmine:Jas/Jazz", "Georgia:George", "Madison:Maddie", "Phoebe:Phoebs", "Amira:Mira",
    "Caoimhe:Kiva", "Siobhán:Shiv", "Patrick:Paddy/Pat", "Ciarán:Ciar", "Francesco:Checco",
    "Alessandro:Sandro", "Francisco:Chico", "Santiago:Santi", "Andreea:Andra", "Alexandru:Alex",
))


def phonetic_variants(name: str) -> tuple[str, ...]:
    """Other spellings of a name that sound the same."""
    return PHONETIC_VARIANTS.get(name, ())


def short_forms(name: str) -> tuple[str, ...]:
    """Short forms and nicknames of a given name."""
    return SHORT_FORMS.get(name, ())

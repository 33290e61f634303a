"""Name lists of the communities of England, commonest first (frequencies come from rank).

Made-up combinations of common names: no list here describes a real person. The White British lists
draw on Faker's en_GB provider (which carries real surname weights); the others are written here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommunityNames:
    """One community's names and its share of England's families with children."""

    key: str
    share: float
    surnames: tuple[str, ...]
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    men: tuple[str, ...]
    women: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


# Children's names in England and Wales, roughly in the order of recent birth registrations.
ENGLISH_BOYS = _split(
    "Noah,Oliver,George,Muhammad,Leo,Arthur,Oscar,Harry,Archie,Jack,Henry,Charlie,Freddie,Theodore,"
    "Thomas,Alfie,Jacob,William,Theo,Lucas,Joshua,James,Isaac,Finley,Arlo,Tommy,Alexander,Teddy,Max,"
    "Edward,Samuel,Daniel,Joseph,Reggie,Ethan,Elijah,Hugo,Harrison,Mason,Logan,Benjamin,Rory,Sebastian,"
    "Albert,Louie,Jude,Ronnie,Dylan,Riley,Ezra,Toby,Jaxon,Frankie,Jenson,Luca,Finn,Hunter,Caleb,Ollie,"
    "Zachary,Louis,Elliot,Rowan,Stanley,Bobby,Jesse,Matthew,Liam,Ryan,Nathan,Callum,Kyle,Lewis,Connor,"
    "Bradley,Jordan,Tyler,Jake,Cameron,Owen,Aaron,Adam,Luke,Kieran,Ben,Reece,Dominic,Felix,Gabriel"
)
ENGLISH_GIRLS = _split(
    "Olivia,Amelia,Isla,Ava,Lily,Freya,Ivy,Florence,Mia,Willow,Isabella,Rosie,Sophia,Grace,Evie,Elsie,"
    "Poppy,Sophie,Charlotte,Evelyn,Ella,Sienna,Daisy,Emily,Matilda,Phoebe,Alice,Harper,Isabelle,Ruby,"
    "Ada,Maya,Millie,Emilia,Esme,Eva,Jessica,Holly,Chloe,Lucy,Bonnie,Layla,Mila,Harriet,Hallie,Aria,"
    "Scarlett,Erin,Eliza,Thea,Lola,Hannah,Molly,Ellie,Maisie,Imogen,Georgia,Violet,Martha,Penelope,"
    "Iris,Elizabeth,Beatrice,Zoe,Megan,Amy,Lauren,Katie,Bethany,Abigail,Jasmine,Paige,Leah,Rebecca,"
    "Eleanor,Niamh,Caitlin,Courtney,Shannon,Nicole,Kayla,Tia,Eden,Summer,Katherine,Gabriella"
)
ENGLISH_SURNAME_EXTRAS = _split("Smith-Jones,Bowes-Lyon,Lloyd-Webber,Ashworth-Hale,Pryce-Morgan")

IRISH = CommunityNames(
    "irish",
    0.012,
    _split(
        "Murphy,Kelly,O'Sullivan,Walsh,Byrne,Ryan,O'Brien,O'Connor,McCarthy,Doyle,Lynch,Murray,"
        "Quinn,Moore,McLoughlin,O'Neill,Gallagher,Doherty,Kennedy,Brennan,Fitzgerald,Nolan,Burke,"
        "Reilly,Daly,Kavanagh,Keane,Fitzpatrick,McDonagh,Sheehan"
    ),
    _split(
        "Jack,Conor,Sean,Cian,Oisín,Darragh,Liam,Fionn,Tadhg,Patrick,Ciarán,Ronan,Eoin,Cillian,"
        "Donnacha,Finn,Rory,Aidan,Niall,Declan"
    ),
    _split(
        "Grace,Aoife,Saoirse,Niamh,Caoimhe,Ciara,Róisín,Sinéad,Siobhán,Orla,Clodagh,Éabha,Fiadh,"
        "Aisling,Erin,Emma,Sadhbh,Méabh,Bridget,Nora"
    ),
    _split("Patrick,Sean,Michael,John,Declan,Brendan,Kevin,Eamon,Colm,Padraig,Dermot,Fergal,Ciaran"),
    _split("Mary,Siobhan,Niamh,Bridget,Aoife,Maeve,Orla,Deirdre,Sinead,Roisin,Colette,Fiona,Grainne"),
)
POLISH = CommunityNames(
    "polish",
    0.03,
    _split(
        "Nowak,Kowalski,Wiśniewski,Wójcik,Kowalczyk,Kamiński,Lewandowski,Zieliński,Szymański,"
        "Woźniak,Dąbrowski,Kozłowski,Jankowski,Mazur,Kwiatkowski,Krawczyk,Piotrowski,Grabowski,"
        "Nowakowski,Pawłowski,Michalski,Nowicki,Adamczyk,Dudek,Zając,Wieczorek,Jabłoński,Król"
    ),
    _split(
        "Jakub,Antoni,Szymon,Jan,Filip,Franciszek,Aleksander,Mikołaj,Wojciech,Kacper,Adam,Michał,"
        "Marcel,Stanisław,Wiktor,Piotr,Igor,Leon,Nikodem,Mateusz,Oliwer,Tymon,Dawid,Łukasz"
    ),
    _split(
        "Zuzanna,Julia,Zofia,Hanna,Maja,Lena,Alicja,Maria,Amelia,Oliwia,Wiktoria,Pola,Natalia,"
        "Aleksandra,Antonina,Emilia,Nadia,Laura,Liliana,Marcelina,Gabriela,Katarzyna"
    ),
    _split(
        "Piotr,Krzysztof,Andrzej,Tomasz,Paweł,Marcin,Michał,Łukasz,Grzegorz,Dariusz,Marek,Rafał,"
        "Wojciech,Kamil,Robert"
    ),
    _split(
        "Anna,Katarzyna,Małgorzata,Agnieszka,Barbara,Ewa,Magdalena,Joanna,Monika,Aleksandra,"
        "Karolina,Justyna,Marta,Beata,Dorota"
    ),
)
ROMANIAN = CommunityNames(
    "romanian",
    0.015,
    _split(
        "Popescu,Ionescu,Popa,Pop,Radu,Dumitru,Stan,Stoica,Gheorghe,Matei,Ciobanu,Rusu,Munteanu,"
        "Constantin,Mihai,Marin,Lazăr,Florea,Tudor,Ene,Cristea,Ilie,Dobre,Moldovan"
    ),
    _split(
        "David,Andrei,Alexandru,Luca,Ștefan,Matei,Gabriel,Mihai,Ionuț,Darius,Rareș,Eric,Sebastian,"
        "Tudor,Cristian,Denis,Răzvan,Vlad"
    ),
    _split(
        "Maria,Ioana,Elena,Sofia,Andreea,Alexandra,Antonia,Daria,Bianca,Ana,Medeea,Eva,Alesia,"
        "Delia,Irina,Larisa,Teodora,Natalia"
    ),
    _split("Ion,Gheorghe,Constantin,Vasile,Mihai,Florin,Marius,Adrian,Daniel,Bogdan,Cătălin,Ovidiu"),
    _split("Maria,Elena,Ioana,Mihaela,Andreea,Cristina,Gabriela,Daniela,Florentina,Simona,Georgiana"),
)
PAKISTANI = CommunityNames(
    "pakistani",
    0.055,
    _split(
        "Khan,Hussain,Ahmed,Ali,Shah,Iqbal,Akhtar,Mahmood,Butt,Bibi,Riaz,Aslam,Rashid,Mirza,"
        "Malik,Chaudhry,Javed,Raza,Qureshi,Sheikh,Anwar,Nawaz,Rehman,Saleem,Siddique,Yousaf,"
        "Arshad,Sadiq,Tariq,Zaman,Hanif,Akram,Abbasi,Bashir"
    ),
    _split(
        "Muhammad,Mohammed,Ibrahim,Yusuf,Zayn,Ayaan,Hamza,Musa,Ali,Abdullah,Umar,Ismail,Adam,"
        "Haroon,Rayyan,Zakariya,Eesa,Hassan,Yahya,Bilal,Idris,Zain,Ahmed,Abdul,Haider,Imran,"
        "Arham,Saad,Sulaiman,Uthman"
    ),
    _split(
        "Maryam,Fatima,Aisha,Zainab,Hafsa,Khadijah,Maira,Inaya,Hania,Zara,Amira,Anaya,Eshaal,"
        "Hareem,Iqra,Sana,Mahnoor,Aleena,Ayesha,Noor,Laiba,Safa,Alisha,Sumaya,Hiba,Aliza"
    ),
    _split(
        "Mohammed,Muhammad,Imran,Tariq,Asif,Khalid,Nadeem,Shahid,Zahid,Adnan,Kamran,Irfan,Sajid,"
        "Waqar,Amjad,Faisal,Naveed,Rizwan"
    ),
    _split(
        "Nazia,Shabana,Rubina,Samina,Shazia,Fozia,Nasreen,Saima,Farzana,Sadia,Uzma,Bushra,Amina,"
        "Kiran,Rabia,Sobia,Nadia,Tahira"
    ),
)
INDIAN = CommunityNames(
    "indian",
    0.035,
    _split(
        "Patel,Singh,Kaur,Sharma,Kumar,Shah,Gill,Sandhu,Mistry,Parmar,Chauhan,Desai,Joshi,Mehta,"
        "Rana,Dhillon,Sidhu,Bains,Mann,Gupta,Verma,Pandya,Thakkar,Solanki,Lad,Modi,Nair,Pillai,"
        "Reddy,Iyer,Rao,Gandhi,Bhatt,Kotecha,Vora,Sohal"
    ),
    _split(
        "Arjun,Aarav,Vihaan,Reyansh,Krish,Advik,Dev,Aryan,Kabir,Rohan,Ishaan,Jai,Veer,Harjot,"
        "Gurveer,Rishi,Sai,Arav,Neel,Yash,Aditya,Nikhil,Karan,Manveer,Jasraj,Om,Shiv,Ravi"
    ),
    _split(
        "Anaya,Aanya,Diya,Saanvi,Myra,Kiara,Isha,Priya,Simran,Navya,Riya,Jasleen,Harleen,Meera,"
        "Tara,Asha,Anika,Avni,Sana,Gurleen,Nisha,Jaya,Pooja,Kirandeep,Ishani"
    ),
    _split(
        "Rajesh,Sanjay,Amit,Vijay,Rakesh,Suresh,Manoj,Hitesh,Jaswinder,Harpreet,Gurpreet,Sunil,"
        "Dinesh,Mahesh,Kuldeep,Ashok,Nilesh,Pritesh"
    ),
    _split(
        "Priya,Anita,Sunita,Pooja,Neha,Kavita,Rekha,Jaspreet,Manjit,Harjit,Sangeeta,Nisha,Dipti,"
        "Hema,Bhavna,Reena,Sonal,Komal"
    ),
)
BANGLADESHI = CommunityNames(
    "bangladeshi",
    0.02,
    _split(
        "Begum,Miah,Uddin,Rahman,Ahmed,Islam,Hussain,Ali,Khatun,Choudhury,Chowdhury,Hoque,Alam,"
        "Haque,Kabir,Karim,Sarkar,Hassan,Rahim,Bibi,Khanom,Akter,Talukdar,Mia"
    ),
    _split(
        "Mohammed,Muhammad,Ibrahim,Yusuf,Ayaan,Zayan,Rayan,Arham,Abdur,Ismail,Zakaria,Tahmid,"
        "Sami,Rafi,Nabil,Fahim,Tanvir,Ehsan,Saif,Rahim"
    ),
    _split(
        "Fatima,Maryam,Aisha,Ayesha,Khadija,Safiya,Anisa,Nusrat,Tasnim,Sumaiya,Raisa,Nabila,"
        "Sadia,Tahmina,Jannat,Afia,Farhana,Ruksana"
    ),
    _split("Abdul,Mohammed,Shahid,Jamal,Abul,Kamal,Shafiq,Nazrul,Mizanur,Anwar,Rofiq,Shah"),
    _split("Rehana,Salma,Shahena,Rujina,Shirin,Nazma,Hasina,Shamima,Jesmin,Forida,Rokeya,Lipi"),
)
NIGERIAN = CommunityNames(
    "nigerian",
    0.02,
    _split(
        "Adeyemi,Okafor,Okonkwo,Adebayo,Oluwaseun,Eze,Nwosu,Ogunleye,Balogun,Okoro,Adeleke,"
        "Olawale,Chukwu,Obi,Afolabi,Bello,Ibrahim,Adewale,Ogunbiyi,Nwachukwu,Oyelaran,Akinola,"
        "Ojo,Uche,Okeke,Abiodun,Onyekachi,Oladipo,Fashola,Salami"
    ),
    _split(
        "David,Daniel,Samuel,Joshua,Emmanuel,Tobi,Tomiwa,Chidera,Chukwuemeka,Oluwaseun,Ayomide,"
        "Ifeanyi,Kayode,Tolu,Femi,Obinna,Adebola,Nnamdi,Kelechi,Tunde,Oluwadamilare,Ebuka,Jayden"
    ),
    _split(
        "Precious,Blessing,Favour,Grace,Esther,Deborah,Adaeze,Chiamaka,Ifeoluwa,Temitope,"
        "Oluwatobi,Folake,Ngozi,Adaora,Chioma,Amara,Zainab,Simisola,Ayomide,Tolulope,Jessica"
    ),
    _split(
        "Oluwaseun,Chinedu,Emeka,Tunde,Babajide,Olumide,Segun,Chukwudi,Ikenna,Femi,Adekunle,"
        "Ibrahim,Samuel,Emmanuel"
    ),
    _split(
        "Funmilayo,Ngozi,Chioma,Adaeze,Folasade,Yetunde,Bukola,Omolara,Nkechi,Ifeoma,Abimbola,"
        "Blessing,Grace,Comfort"
    ),
)
GHANAIAN = CommunityNames(
    "ghanaian",
    0.007,
    _split(
        "Mensah,Boateng,Owusu,Asante,Osei,Appiah,Agyeman,Amoah,Ofori,Adjei,Antwi,Darko,Acheampong,"
        "Sarpong,Badu,Quaye,Annan,Amponsah,Frimpong,Kuffour"
    ),
    _split("Kwame,Kofi,Kwabena,Yaw,Kojo,Kwaku,Nana,Emmanuel,Daniel,Jeremiah,Isaac,Michael,Caleb,Nathaniel"),
    _split("Ama,Akosua,Abena,Efua,Adwoa,Afia,Esi,Nana,Abigail,Priscilla,Mercy,Grace,Naomi,Gifty"),
    _split("Kwame,Kofi,Kwabena,Yaw,Kwaku,Emmanuel,Francis,Samuel,Ebenezer,Isaac,Joseph"),
    _split("Akua,Ama,Abena,Adwoa,Efua,Esi,Comfort,Gifty,Patience,Mercy,Vida,Rita"),
)
SOMALI = CommunityNames(
    "somali",
    0.01,
    _split(
        "Mohamed,Ali,Ahmed,Hassan,Abdi,Hussein,Omar,Ismail,Farah,Yusuf,Warsame,Abdullahi,Osman,"
        "Jama,Nur,Aden,Egal,Hersi,Guled,Mohamud,Salad,Dahir,Elmi,Haji"
    ),
    _split(
        "Mohamed,Abdirahman,Abdullahi,Yusuf,Ayub,Zakariye,Khalid,Hamza,Ismail,Ibrahim,Mustafe,"
        "Abdikarim,Bilal,Liban,Sharmarke,Saeed"
    ),
    _split(
        "Hodan,Amina,Fadumo,Hibo,Ayan,Sagal,Nimco,Asha,Ifrah,Ladan,Sumaya,Yasmin,Halima,Sahra,"
        "Iman,Deqa,Ubah,Safiya"
    ),
    _split("Mohamed,Abdi,Ahmed,Ali,Hassan,Abdirahman,Abdullahi,Omar,Mahad,Osman,Said"),
    _split("Amina,Fadumo,Halima,Hawa,Khadra,Asha,Safiya,Maryan,Faduma,Zamzam,Sahra"),
)
CARIBBEAN = CommunityNames(
    "caribbean",
    0.02,
    _split(
        "Campbell,Williams,Brown,Thomas,Francis,Clarke,Grant,Lewis,Bailey,Reid,Henry,Robinson,"
        "Morgan,Edwards,Johnson,Walker,Gayle,Forbes,Samuels,McKenzie,Richards,Powell,Bennett,"
        "Hinds,Barrett,Blake,Nelson,Charles,Wright,Stewart"
    ),
    _split(
        "Tyrese,Jayden,Kai,Malachi,Isaiah,Zion,Josiah,Elijah,Kymani,Jahmal,Marley,Nathaniel,"
        "Reuben,Theo,Tyrell,Kemar,Micah,Andre,Jaden,Jaiden,Cassius,Ezekiel"
    ),
    _split(
        "Aaliyah,Nia,Jada,Imani,Tiana,Amara,Keziah,Zuri,Shanice,Kiara,Maya,Ruby,Jasmine,Naomi,"
        "Leah,Aliyah,Kayla,Destiny,Serenity,Jorja,Ebony"
    ),
    _split("Marcus,Delroy,Leon,Wayne,Carlton,Trevor,Junior,Dwayne,Winston,Errol,Clive,Andre,Jermaine"),
    _split("Marcia,Donna,Sharon,Michelle,Simone,Natalie,Claudette,Paulette,Angela,Keisha,Sonia,Yvonne"),
)
CHINESE = CommunityNames(
    "chinese",
    0.008,
    _split(
        "Wang,Li,Zhang,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou,Xu,Sun,Ma,Zhu,Hu,Lin,Guo,He,Cheung,Wong,"
        "Chan,Lam,Leung,Lee,Ho,Ng,Tang,Yip,Lau,Tsang"
    ),
    _split("Ethan,Lucas,Ryan,Jayden,Max,Hao,Yi,Jun,Wei,Zihan,Haoran,Ming,Yuxuan,Kai,Leo,Jason,Tian,Ho"),
    _split("Chloe,Emily,Grace,Mia,Zoe,Yi,Xinyi,Yuxin,Mei,Ling,Jia,Hui,Wing,Ka,Hana,Isabel,Ying,Lily"),
    _split("Wei,Jun,Lei,Ming,Jian,Hao,Tao,Yong,Kin,Kwok,Wing,Chun,Michael,David,Peter"),
    _split("Li,Mei,Xiu,Hui,Lan,Ying,Fang,Yan,Ling,Wai,Yee,Man,Jenny,Helen,Grace"),
)
ARAB = CommunityNames(
    "arab",
    0.012,
    _split(
        "Al-Masri,Haddad,Hassan,Abdullah,Mansour,Nasser,Khalil,Saleh,Aziz,Rahman,Al-Sayed,"
        "Ibrahim,Yousef,Hamdan,Qasim,Karim,Salem,Said,Fadel,Al-Hashimi,Zaki,Jaber"
    ),
    _split(
        "Mohammad,Ahmad,Omar,Yousef,Youssef,Adam,Ali,Hamza,Karim,Zaid,Ibrahim,Khalid,Mustafa,"
        "Tariq,Amir,Rami,Sami,Yahya"
    ),
    _split("Maryam,Layla,Leila,Nour,Sara,Lina,Yasmin,Hana,Rania,Salma,Aya,Farah,Jana,Mariam,Dana,Ruqayya"),
    _split("Mohammad,Ahmad,Khalid,Omar,Hassan,Walid,Samir,Nabil,Fadi,Ziad,Tarek,Hisham"),
    _split("Fatima,Noor,Huda,Rania,Samira,Amal,Hiba,Nadia,Layla,Mona,Dalia,Reem"),
)
# Turkish spelling uses the dotless i, which the linter flags as confusable: here it is meant.
TURKISH = CommunityNames(
    "turkish",
    0.008,
    _split(
        "Yılmaz,Kaya,Demir,Şahin,Çelik,Yıldız,Yıldırım,Öztürk,Aydın,Özdemir,Arslan,Doğan,Kılıç,"  # noqa: RUF001  # dotless i
        "Aslan,Çetin,Kara,Koç,Kurt,Özkan,Polat,Erdem,Acar"
    ),
    _split("Yusuf,Eymen,Ömer,Mustafa,Ali,Emir,Kerem,Mehmet,Ahmet,Can,Deniz,Efe,Burak,Arda,Kaan,Emre"),
    _split("Zeynep,Elif,Defne,Eylül,Azra,Ecrin,Nehir,Asya,Ela,Esra,Melis,Derya,Ayşe,Merve,İrem"),
    _split("Mehmet,Mustafa,Ahmet,Ali,Hüseyin,Hasan,İbrahim,Murat,Osman,Erkan,Serkan,Tolga"),
    _split("Ayşe,Fatma,Emine,Hatice,Zeynep,Elif,Meryem,Özlem,Gül,Sevgi,Songül,Filiz"),
)
PORTUGUESE = CommunityNames(
    "portuguese",
    0.008,
    _split(
        "Silva,Santos,Ferreira,Pereira,Oliveira,Costa,Rodrigues,Martins,Jesus,Sousa,Fernandes,"
        "Gonçalves,Gomes,Lopes,Marques,Alves,Almeida,Ribeiro,Pinto,Carvalho,Teixeira,Moreira"
    ),
    _split(
        "Francisco,Afonso,João,Tomás,Duarte,Santiago,Lourenço,Martim,Gabriel,Rodrigo,Miguel,Gonçalo,"
        "Rafael,Pedro,Diogo,Tiago"
    ),
    _split(
        "Maria,Leonor,Matilde,Beatriz,Carolina,Mariana,Ana,Inês,Sofia,Margarida,Francisca,Alice,"
        "Lara,Clara,Benedita,Joana"
    ),
    _split("José,João,António,Manuel,Francisco,Paulo,Pedro,Rui,Nuno,Carlos,Jorge,Luís"),
    _split("Maria,Ana,Sandra,Paula,Sónia,Carla,Cláudia,Sara,Susana,Catarina,Patrícia,Rita"),
)
ITALIAN = CommunityNames(
    "italian",
    0.006,
    _split(
        "Rossi,Russo,Ferrari,Esposito,Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,"
        "Conti,De Luca,Mancini,Costa,Giordano,Rizzo,Lombardi,Moretti,D'Angelo,Di Stefano"
    ),
    _split(
        "Leonardo,Francesco,Alessandro,Lorenzo,Mattia,Tommaso,Gabriele,Andrea,Riccardo,Edoardo,"
        "Matteo,Giuseppe,Antonio,Luca,Marco"
    ),
    _split(
        "Sofia,Giulia,Aurora,Alice,Ginevra,Emma,Giorgia,Greta,Beatrice,Anna,Chiara,Martina,"
        "Francesca,Lucia,Gaia"
    ),
    _split("Giuseppe,Giovanni,Antonio,Mario,Luigi,Francesco,Marco,Paolo,Stefano,Roberto,Massimo"),
    _split("Maria,Anna,Giuseppina,Rosa,Francesca,Lucia,Paola,Laura,Silvia,Elena,Chiara,Federica"),
)

OTHER_COMMUNITIES = (
    IRISH,
    POLISH,
    ROMANIAN,
    PAKISTANI,
    INDIAN,
    BANGLADESHI,
    NIGERIAN,
    GHANAIAN,
    SOMALI,
    CARIBBEAN,
    CHINESE,
    ARAB,
    TURKISH,
    PORTUGUESE,
    ITALIAN,
)
WHITE_BRITISH_SHARE = 1.0 - sum(community.share for community in OTHER_COMMUNITIES)

"""English local authorities' DfE codes (the three-digit "LA number") and names, as data.

Regional files name each row's council in an `LA` column, as a code ("312") or a name
("Hillingdon", "London Borough of Hillingdon"); `resolve` turns either into the code.
Names are as the DfE publishes them. Councils that no longer exist keep their codes, so
that old returns still resolve (marked "until"). Source: the DfE's list of local authority
codes ("LA number") used in its statistical collections (Get Information about Schools),
with the reorganisations of 2019 (Dorset; Bournemouth, Christchurch and Poole), 2021
(Northamptonshire) and 2023 (Cumbria; North Yorkshire and Somerset kept their codes).
"""

from __future__ import annotations

import re

LA_CODES: dict[str, str] = {
    # London
    "201": "City of London",
    "202": "Camden",
    "203": "Greenwich",
    "204": "Hackney",
    "205": "Hammersmith and Fulham",
    "206": "Islington",
    "207": "Kensington and Chelsea",
    "208": "Lambeth",
    "209": "Lewisham",
    "210": "Southwark",
    "211": "Tower Hamlets",
    "212": "Wandsworth",
    "213": "Westminster",
    "301": "Barking and Dagenham",
    "302": "Barnet",
    "303": "Bexley",
    "304": "Brent",
    "305": "Bromley",
    "306": "Croydon",
    "307": "Ealing",
    "308": "Enfield",
    "309": "Haringey",
    "310": "Harrow",
    "311": "Havering",
    "312": "Hillingdon",
    "313": "Hounslow",
    "314": "Kingston upon Thames",
    "315": "Merton",
    "316": "Newham",
    "317": "Redbridge",
    "318": "Richmond upon Thames",
    "319": "Sutton",
    "320": "Waltham Forest",
    # Metropolitan boroughs
    "330": "Birmingham",
    "331": "Coventry",
    "332": "Dudley",
    "333": "Sandwell",
    "334": "Solihull",
    "335": "Walsall",
    "336": "Wolverhampton",
    "340": "Knowsley",
    "341": "Liverpool",
    "342": "St. Helens",
    "343": "Sefton",
    "344": "Wirral",
    "350": "Bolton",
    "351": "Bury",
    "352": "Manchester",
    "353": "Oldham",
    "354": "Rochdale",
    "355": "Salford",
    "356": "Stockport",
    "357": "Tameside",
    "358": "Trafford",
    "359": "Wigan",
    "370": "Barnsley",
    "371": "Doncaster",
    "372": "Rotherham",
    "373": "Sheffield",
    "380": "Bradford",
    "381": "Calderdale",
    "382": "Kirklees",
    "383": "Leeds",
    "384": "Wakefield",
    "390": "Gateshead",
    "391": "Newcastle upon Tyne",
    "392": "North Tyneside",
    "393": "South Tyneside",
    "394": "Sunderland",
    "420": "Isles of Scilly",
    # Unitary authorities and counties
    "800": "Bath and North East Somerset",
    "801": "Bristol, City of",
    "802": "North Somerset",
    "803": "South Gloucestershire",
    "805": "Hartlepool",
    "806": "Middlesbrough",
    "807": "Redcar and Cleveland",
    "808": "Stockton-on-Tees",
    "810": "Kingston upon Hull, City of",
    "811": "East Riding of Yorkshire",
    "812": "North East Lincolnshire",
    "813": "North Lincolnshire",
    "815": "North Yorkshire",
    "816": "York",
    "821": "Luton",
    "822": "Bedford",
    "823": "Central Bedfordshire",
    "825": "Buckinghamshire",
    "826": "Milton Keynes",
    "830": "Derbyshire",
    "831": "Derby",
    "835": "Dorset (until 2019)",
    "836": "Poole (until 2019)",
    "837": "Bournemouth (until 2019)",
    "838": "Dorset",
    "839": "Bournemouth, Christchurch and Poole",
    "840": "County Durham",
    "841": "Darlington",
    "845": "East Sussex",
    "846": "Brighton and Hove",
    "850": "Hampshire",
    "851": "Portsmouth",
    "852": "Southampton",
    "855": "Leicestershire",
    "856": "Leicester",
    "857": "Rutland",
    "860": "Staffordshire",
    "861": "Stoke-on-Trent",
    "865": "Wiltshire",
    "866": "Swindon",
    "867": "Bracknell Forest",
    "868": "Windsor and Maidenhead",
    "869": "West Berkshire",
    "870": "Reading",
    "871": "Slough",
    "872": "Wokingham",
    "873": "Cambridgeshire",
    "874": "Peterborough",
    "876": "Halton",
    "877": "Warrington",
    "878": "Devon",
    "879": "Plymouth",
    "880": "Torbay",
    "881": "Essex",
    "882": "Southend-on-Sea",
    "883": "Thurrock",
    "884": "Herefordshire",
    "885": "Worcestershire",
    "886": "Kent",
    "887": "Medway",
    "888": "Lancashire",
    "889": "Blackburn with Darwen",
    "890": "Blackpool",
    "891": "Nottinghamshire",
    "892": "Nottingham",
    "893": "Shropshire",
    "894": "Telford and Wrekin",
    "895": "Cheshire East",
    "896": "Cheshire West and Chester",
    "908": "Cornwall",
    "909": "Cumbria (until 2023)",
    "916": "Gloucestershire",
    "919": "Hertfordshire",
    "921": "Isle of Wight",
    "925": "Lincolnshire",
    "926": "Norfolk",
    "928": "Northamptonshire (until 2021)",
    "929": "Northumberland",
    "931": "Oxfordshire",
    "933": "Somerset",
    "935": "Suffolk",
    "936": "Surrey",
    "937": "Warwickshire",
    "938": "West Sussex",
    "940": "North Northamptonshire",
    "941": "West Northamptonshire",
    "942": "Cumberland",
    "943": "Westmorland and Furness",
}

CODE = re.compile(r"^\d{3}$")

# Words councils put around their names ("London Borough of Hillingdon", "Leeds City
# Council", "Royal Borough of Greenwich"): left out when names are compared.
_FILLER = re.compile(
    r"\b(the|london|royal|metropolitan|borough|county|city|district|council|of|lb|rb|mbc|"
    r"cc|until \d{4})\b"
)


def _key(name: str) -> str:
    text = name.lower().replace("&", " and ").replace("st.", "st ").replace("saint", "st")
    text = re.sub(r"\(.*?\)", " ", text)
    # "City of London" is all filler: it keeps its words.
    return re.sub(r"[^a-z]", "", _FILLER.sub(" ", text)) or re.sub(r"[^a-z]", "", text)


# Current councils first, so that "Dorset" is today's Dorset (838), not the old one (835).
_BY_NAME: dict[str, str] = {}
for _historic in (False, True):
    for _code, _name in LA_CODES.items():
        if ("(until" in _name) == _historic:
            _BY_NAME.setdefault(_key(_name), _code)


def resolve(text: str) -> str | None:
    """The DfE code for a code or a council's name (any case, with or without "London
    Borough of", "Council" and the like); None when it is neither."""
    text = text.strip()
    if text.endswith(".0") and text[:-2].isdigit():  # 312.0, as spreadsheets write it
        text = text[:-2]
    if CODE.match(text):
        return text if text in LA_CODES else None
    key = _key(text)
    return _BY_NAME.get(key) if key else None


def name_of(code: str) -> str:
    """The council's name, or the code itself when it is not a known council."""
    return LA_CODES.get(code, code)


def label(code: str) -> str:
    """ "Hillingdon (312)"; an unknown code or name as it is."""
    return f"{LA_CODES[code]} ({code})" if code in LA_CODES else code

"""The generator's vocabulary: themes (title keywords, emoji, flavour words, typed-query synonyms), title
modifiers shared across themes, and the words that track, album and artist names are made of."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A latent playlist theme: title keywords (most frequent first), emoji, track-name words, query words.

    `synonyms` never occur in any title; they and the other typed queries test whether an encoder maps
    unseen wordings onto the theme.
    """

    name: str
    weight: float
    keywords: tuple[str, ...]
    emoji: str
    flavour: tuple[str, ...]
    synonyms: tuple[str, ...]
    artist_style: str = "mixed"


def _words_of(text: str) -> tuple[str, ...]:
    """Split a space-separated word list (keeps long vocabularies compact)."""
    return tuple(text.split())


def _options_of(text: str) -> tuple[str, ...]:
    """Split a "|"-separated list of phrases."""
    return tuple(text.split("|"))


def _theme(
    name: str, weight: float, emoji: str, synonyms: str, keywords: str, flavour: str, style: str = "mixed"
) -> Theme:
    """Build a Theme from compact strings ("|"-separated synonyms and keywords, space-separated words)."""
    return Theme(name, weight, _options_of(keywords), emoji, _words_of(flavour), _options_of(synonyms), style)


# fmt: off
THEMES: tuple[Theme, ...] = (
    _theme("country", 10, "🤠", "cowboy|twang",
        "country|country music|yeehaw|honky tonk|🤠|back roads|cntry|nashville|kountry|boots n jeans",
        "truck whiskey road dirt boots river porch tailgate creek hometown cowboy beer fields", "country"),
    _theme("chill", 9, "☁️", "unwind|tranquil",
        "chill|chillin|relax|mellow|lowkey|☁️|laid back|sunday morning|chil|calm|relaxing|chilll",
        "slow drift cloud haze easy breeze lazy float waves"),
    _theme("rap", 9, "🔥", "rhymes|emcee",
        "rap|hip hop|trap|hiphop|bars|🔥|rap music|rapp|spitters|hip-hop",
        "money hustle street gold drip bands flex hood gang", "rap"),
    _theme("workout", 9, "💪", "exercise|fitness",
        "workout|gym|lift|beast mode|💪|gains 💪|swole szn|work out|pump up|wrkout|leg day|gainz",
        "power stronger fight rise fire pump iron sweat"),
    _theme("party", 7, "🎉", "celebration|get together",
        "party|pregame|turn up|lit|🎉|party time|turnt|bangers|partyy|pre game|rager",
        "night club shots dance floor tonight crazy loud"),
    _theme("christmas", 7, "🎄", "yuletide|noel",
        "christmas|xmas|🎄|christmas music|holiday|fa la la|sleigh|jingle|christmass|chrismas|merry",
        "snow santa bells sleigh winter holly mistletoe jolly star"),
    _theme("rock", 7, "🎸", "arena rock|power chords",
        "rock|classic rock|rock n roll|🎸|rock and roll|hard rock|rokc|guitar|riffs",
        "stone thunder highway wild electric rebel", "band"),
    _theme("oldies", 6, "📻", "vintage|retro",
        "oldies|old school|oldies but goodies|golden oldies|classics|📻|oldie|oldys|50s|60s",
        "baby darling honey moon dance sweet doo wop"),
    _theme("throwback", 6, "⏪", "flashback|reminiscing",
        "throwback|throwbacks|tbt|throwback thursday|nostalgia|⏪|throw back|childhood|throwbackz",
        "remember back then yesterday summer"),
    _theme("christian", 6, "✝️", "hymns|devotional",
        "worship|christian|praise|jesus|gospel|church|✝️|praise and worship|god|worhsip",
        "grace glory light heaven spirit faith holy savior", "christian"),
    _theme("summer", 5, "☀️", "sunny days|heatwave",
        "summer|summertime|summer 2017|beach|☀️|sun|sumer|summer nights|pool",
        "sun beach waves tan ocean sand pool heat"),
    _theme("pop", 5, "⭐", "chart toppers|mainstream",
        "pop|top hits|hits|pop hits|top 40|⭐|todays hits|radio|bops|poppp",
        "baby girl heart love tonight crazy body"),
    _theme("edm", 5, "🎧", "electronica|beatport",
        "edm|electronic|dubstep|rave|🎧|drops|festival|bass|edc|electro|edmm|trance",
        "drop bass pulse neon laser signal rave", "dj"),
    _theme("love", 5, "❤️", "romantic|sweetheart",
        "love|love songs|romance|❤️|in love|bae|date night|luv|lovey dovey|love song",
        "heart kiss baby forever yours darling hold"),
    _theme("sleep", 4, "😴", "slumber|drowsy",
        "sleep|sleepy|bedtime|zzz|😴|sleep music|night night|lullaby|goodnight|sleeep",
        "dream night moon quiet stars soft rest"),
    _theme("disney", 4, "✨", "animated movie|cartoon",
        "disney|✨|disney songs|princess|pixar|disny|once upon a time",
        "magic princess kingdom castle dream wish journey"),
    _theme("study", 4, "📚", "revision|cramming",
        "study|studying|focus|homework|📚|study music|concentration|finals|exam szn|studyy|reading",
        "quiet piano focus mind paper think light"),
    _theme("road trip", 4, "🚗", "travel|long haul",
        "road trip|roadtrip|car|driving|🚗|cruising|long drive|road trippin|raod trip",
        "highway miles road wheels drive west motel"),
    _theme("indie", 4, "🌿", "underground|obscure",
        "indie|alternative|alt|indie rock|🌿|indie pop|hipster|bedroom pop|indy",
        "paper ghost garden youth polaroid static", "band"),
    _theme("rnb", 4, "🌹", "rhythm and blues|quiet storm",
        "r&b|rnb|slow jams|smooth|🌹|r and b|baby making music|neo soul|rnbb",
        "baby body slow tonight smooth velvet"),
    _theme("latin", 4, "🇲🇽", "hispanic|perreo",
        "latin|spanish|reggaeton|latino|🇲🇽|musica|salsa|bachata|latin music|regueton",
        "amor corazon fuego noche baila vida", "latin"),
    _theme("jazz", 3, "🎷", "saxophone|big band",
        "jazz|smooth jazz|jazzy|🎷|bebop|swing|jaz|jazz cafe",
        "blue midnight smoke moon swing velvet", "ensemble"),
    _theme("classical", 3, "🎻", "baroque|chamber music",
        "classical|piano|orchestra|🎻|classical music|instrumental|mozart|symphony|clasical",
        "sonata concerto nocturne prelude etude adagio minor major", "ensemble"),
    _theme("metal", 3, "🤘", "shred|doom",
        "metal|heavy metal|metalcore|🤘|screamo|thrash|mosh|death metal|metl",
        "blood death iron black fire skull rage", "band"),
    _theme("k-pop", 3, "💜", "hallyu|korean pop",
        "kpop|k-pop|korean|bts|💜|idols|kpopp",
        "love boy girl heart dream star", "idol"),
    _theme("reggae", 2, "🌴", "dancehall|ska",
        "reggae|roots|rasta|🌴|island|one love|reggea|dub",
        "island roots sun rasta jah irie", "band"),
    _theme("blues", 2, "🎺", "twelve bar|mississippi",
        "blues|delta blues|blues rock|bluesy|🎺|the blues|bluez",
        "blue whiskey train crossroads rain"),
    _theme("folk", 3, "🪕", "americana|unplugged",
        "folk|acoustic|indie folk|folky|🪕|singer songwriter|campfire|fokl",
        "river pine mountain wood lantern"),
    _theme("punk", 2, "⚡", "hardcore|garage",
        "punk|pop punk|punk rock|skate|⚡|mosh pit|punkk",
        "riot kids skate static rebel", "band"),
    _theme("emo", 2, "🖤", "angsty|mall goth",
        "emo|emo phase|🖤|scene|emo music|mcr|emoo",
        "black heart bleed ghost sleeve", "band"),
    _theme("80s", 3, "🕺", "1980s|new wave",
        "80s|80's|eighties|🕺|totally 80s|synthwave|80z",
        "neon radio synth video tape"),
    _theme("90s", 4, "💾", "1990s|millennial",
        "90s|90's|nineties|90s kid|💾|90s babies|90z",
        "grunge tape mall pager"),
    _theme("2000s", 3, "📀", "aughts|noughties",
        "2000s|early 2000s|00s|2000's|middle school|📀|2000z",
        "flip phone mall glitter myspace"),
    _theme("2016", 3, "📅", "year 2016|last years hits",
        "2016|best of 2016|2k16|twenty sixteen|📅|16",
        "baby tonight summer feel"),
    _theme("2017", 3, "🆕", "this year|latest releases",
        "2017|2k17|best of 2017|new music|🆕|twenty seventeen|17",
        "baby tonight new feel"),
    _theme("halloween", 2, "🎃", "trick or treat|haunted",
        "halloween|spooky|🎃|spooky szn|scary|october|creepy|haloween",
        "ghost grave witch moon night bones"),
    _theme("hawaii", 2, "🌺", "tropical|polynesian",
        "hawaii|aloha|🌺|hawaiian|maui|luau|hawai",
        "island ocean aloha wave sand palm"),
    _theme("gaming", 2, "🎮", "esports|streaming",
        "gaming|video games|gamer|🎮|game music|8 bit|minecraft|gamin",
        "level quest pixel boss arcade"),
    _theme("running", 4, "🏃", "sprint|treadmill",
        "running|run|cardio|5k|🏃|marathon|jogging|half marathon|runing",
        "run miles fast pace heart beat"),
    _theme("sad", 5, "😢", "melancholy|gloomy",
        "sad|feels|😢|crying|depressing|heartbreak|in my feels|broken|saddd",
        "tears rain alone broken gone cold"),
    _theme("happy", 3, "😊", "cheerful|upbeat",
        "happy|good vibes|feel good|😊|happy happy|smile|good mood|hapy",
        "smile shine sunny bright dance"),
    _theme("rainy day", 2, "🌧️", "drizzle|overcast",
        "rainy day|rain|rainy days|🌧️|cloudy|rainy|rainy dayz",
        "rain window grey puddle umbrella"),
    _theme("wedding", 2, "💍", "marriage|newlyweds",
        "wedding|reception|first dance|💍|wedding songs|bridal|weding",
        "forever vow ring love dance"),
    _theme("kids", 2, "🧸", "nursery rhymes|for children",
        "kids|kids songs|children|🧸|kidz|family|toddler",
        "little star friends play abc sunny"),
    _theme("musicals", 2, "🎭", "west end|stage show",
        "broadway|musicals|hamilton|🎭|musical|theatre|theater|broadway babies",
        "stage curtain spotlight act overture", "ensemble"),
    _theme("soundtrack", 2, "🎬", "cinematic|film music",
        "soundtrack|movie|movies|ost|🎬|soundtracks|scores|sound track",
        "theme main title end credits suite", "ensemble"),
    _theme("soul", 2, "🎙️", "northern soul|sixties soul",
        "soul|motown|soulful|🎙️|soul music|sould",
        "baby sweet soul heart groove"),
    _theme("funk", 2, "🪩", "p funk|disco fever",
        "funk|funky|groove|disco|🪩|boogie|get down|funkk",
        "groove boogie night fever dance"),
    _theme("house", 2, "🏠", "four on the floor|warehouse",
        "house|deep house|tech house|house music|🏠|techno|club|hous",
        "deep groove night body move floor", "dj"),
    _theme("coffee shop", 2, "☕", "espresso|latte",
        "coffee|coffee shop|acoustic covers|cafe|☕|coffeehouse|covers",
        "coffee morning cup rain window"),
    _theme("4th of july", 1.5, "🇺🇸", "patriotic|red white and blue",
        "4th of july|america|murica|usa|🇺🇸|fourth of july|merica|july 4th",
        "freedom flag stars stripes fire"),
    _theme("shower", 1, "🚿", "bath time|bathroom concert",
        "shower|shower songs|🚿|singing in the shower|showr",
        "baby tonight sing loud"),
    _theme("cleaning", 1, "🧹", "tidying|housework",
        "cleaning|clean|cleaning day|🧹|chores|house cleaning|cleanin",
        "shine sparkle sweep move"),
    _theme("dance", 3, "💃", "choreo|twerk",
        "dance|dancing|💃|dance floor|lets dance|dancee",
        "move floor body tonight shake"),
    _theme("anime", 2, "🍥", "manga|japanese pop",
        "anime|anime openings|🍥|weeb|jpop|j-pop|otaku|animee",
        "sakura light sky hero dream", "idol"),
)

# Modifiers shared across themes, most frequent first. "{name}" is a person's name.
PREFIXES = _options_of(
    "my|best|the|new|{name}'s|ultimate|top|more|real|just|lil|old|late night|crazy|pure|{name}s|dope|"
    "only|vol 2"
)
SUFFIXES = _options_of(
    "vibes|mix|playlist|songs|jams|music|2k17|!!!|for the car|szn|hits|time|2.0|2|list|forever|🔥|💯|"
    "af|lol|n stuff|ii|pt 2|only|mix 2|yay|2017|for {name}|etc|baby|ish|vol 1|2018"
)
NAMES = _words_of(
    "jake emily sarah matt josh ashley tyler megan chris kayla mom dad grandma alex sam jess nick lauren "
    "ryan abby brandon hannah kevin olivia"
)
NOISE_TITLES = _options_of(
    "my playlist|new|stuff|music|songs|playlist|random|favorites|favs|good songs|idk|misc|{name}|"
    "untitled|car|me|mine|new playlist|my songs|on repeat|current|ok|yes|👌|😊|likes|misc 2|"
    "{name}'s playlist"
)
GENERIC_EMOJI = ("🔥", "💯", "😎", "🎶", "✌️", "👀", "😍", "🙌")
JOINERS = (" & ", " + ", " and ", " / ", " x ")
PUNCTUATION = ("!", "!!!", ".", "~", " :)", "!!", "...", "?", " !", "*", "-", " :-)")
# Typed queries: templates whose words (tunes, some, tracks, need, please) never occur in any title, filled
# with the theme's first, second and third keyword.
PARAPHRASES = ("{kw} tunes", "some {kw} tracks", "need {kw} songs please")
EMOJI_QUERY = "{emoji} tunes"

# Words for track, album and artist names: generic ones, mixed with the theme's flavour words.
WORDS = _words_of(
    "love night heart fire home road dream light time world girl baby life way day rain sky star gold "
    "young wild free lost back down alone together tonight forever never always better good high low run "
    "fall stay go come feel know want hold summer city river ocean blue black red golden silver paper "
    "glass stone heaven angel devil ghost shadow morning midnight sunset sunrise moon sun fever magic "
    "wonder echo thunder storm money crown king queen boy lover friend enemy secret promise memory story "
    "letter train highway island desert garden window mirror door bridge wave ride dance sing cry smile"
)
FIRST_NAMES = _words_of(
    "James Mary John Anna Luke Grace Sam Ella Jack Lily Noah Zoe Ben Nora Leo Ruby Max Ivy Cole Jade Eli "
    "Rose Finn Mae Wes June Kai Tess Gus Nell"
)
LAST_NAMES = _words_of(
    "Smith Brown Carter Hayes Parker Reed Wells Brooks Foster Hale Morgan Stone Lane Price Ward Bennett "
    "Cross Fields Grant Hart Monroe Rivers Shaw Sloan Tate Vance Wilder York Quinn Rhodes"
)
LATIN_FIRST = _words_of("Carlos Sofia Diego Lucia Mateo Valentina Javier Camila Luis Elena Rafa Paloma")
LATIN_LAST = _words_of("Garcia Lopez Rivera Torres Ramirez Flores Cruz Morales Ortiz Vega Castillo Reyes")
SYLLABLES = _words_of("ka ri mo na su ji yu ne to ra mi so lu ha ve xi zo ae")
ENSEMBLES = ("Orchestra", "Quartet", "Trio", "Ensemble", "Philharmonic", "Chorus")
VERSIONS = (" (Remix)", " - Live", " (Acoustic)", " - Remastered", " (Radio Edit)", " (feat. {artist})")

SALT_TRACK_URI, SALT_ARTIST_URI, SALT_ALBUM_URI = 0x11, 0x22, 0x33
SALT_TRACK, SALT_ARTIST, SALT_ALBUM, SALT_ARTIST_OF = 0x44, 0x55, 0x66, 0x77

# Titles that say little about the content (the realistic profile): people, dates, emoji, inside jokes.
PEOPLE = _words_of(
    "jake emily sarah matt josh ashley tyler megan chris kayla mom dad grandma alex sam jess nick lauren ryan "
    "abby brandon hannah kevin olivia madison taylor brittany justin kyle morgan rachel zach katie dylan amber "
    "austin haley jordan logan cody becca maddie drew liz tori jenna caleb brooke mason nate bella sophie eli "
    "marissa trevor carly chloe jack kelsey shelby jonah mia ava noah ben luke zoe claire anna grace"
)
JOKE_WORDS = _words_of(
    "pizza tacos squad goals feels vibez mood yeet bruh dank memes lol omg yikes oof sksksk nugget potato "
    "pickle noodle banana pancake waffle burrito nacho cheese bacon donut cookie muffin cupcake sprinkles "
    "llama unicorn panda kitty puppy doggo bunny penguin dino shark moose goose duck froggy sloth koala "
    "bubbles glitter sparkle rainbow cactus pineapple avocado mango peach cherry lemon coconut kiwi "
    "spaghetti meatball ramen sushi pretzel popcorn marshmallow pumpkin jellybean gumdrop lollipop "
    "wednesday thursday tuesday monday friday weekend adulting procrastination shenanigans tomfoolery "
    "hooligans weirdos nerds squirrels bees wasps turtles llamas boots socks sweater hoodie pajamas "
    "sunglasses backpack skateboard bicycle scooter trampoline minivan jeep tractor bus subway ferry "
    "attic basement garage kitchen porch balcony treehouse dorm apartment cabin lake creek bonfire "
    "sleepover carpool detention recess lunch brunch snack nap zoomies chaos mayhem nonsense whatever "
    "stuff things random oops yolo swag fam bae bestie homies crew gang bros gals ladies dudes peeps"
)
MONTHS = _words_of("january february march april may june july august september october november december")
SEASONS = _words_of("spring fall winter autumn")
# fmt: on

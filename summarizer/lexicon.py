"""Word lists the analysers share: how news writes that someone stated something, and the
abbreviations that end in a full stop without ending a sentence.

One module so that the tokenizer setup (`nlp.py`), the sentence splitter (`segmentation.py`),
actors and positions all read the same lists and none of them imports another for a constant.
"""

from __future__ import annotations

# Lemmas of verbs of communication: what someone said, wrote or otherwise put on the record.
COMMUNICATION_VERBS = frozenset({
    "say", "tell", "add", "warn", "urge", "deny", "claim", "insist", "argue", "announce", "state",
    "declare", "explain", "admit", "acknowledge", "allege", "assert", "confirm", "suggest", "predict",
    "note", "stress", "emphasise", "emphasize", "maintain", "contend", "dismiss", "vow", "pledge",
    "promise", "threaten", "write", "tweet", "reply", "ask", "caution", "reveal", "concede", "complain",
    "accuse", "describe", "report", "continue", "recall", "joke", "quip", "remark", "observe", "respond",
    "shout", "scream", "exclaim", "conclude", "testify", "estimate", "agree", "boast", "brag", "lament",
    "plead", "whisper", "post", "inform", "text", "retort", "fume", "blurt", "reiterate", "repeat",
    "counter", "protest", "object", "disagree", "mention", "hint", "signal", "indicate", "assure",
    "reassure", "swear", "confess", "disclose", "dispute", "rebut", "refute", "demand", "propose",
    "recommend", "request", "appeal", "advise", "instruct", "order", "answer", "forecast", "charge",
    "apologise", "apologize", "snap", "sigh", "laugh", "cry", "yell", "muse", "wonder", "grumble",
    "rule", "find", "show", "tip", "guarantee", "underline", "highlight", "point",
})  # fmt: skip
# Lemmas of verbs of cognition and attitude: a belief, fear or intent attributed on the record
# ("the intelligence community believes that ...", "Brown hoped a ceasefire could be arranged").
COGNITION_VERBS = frozenset({
    "believe", "think", "hope", "fear", "expect", "doubt", "suspect", "feel", "reckon", "accept",
    "worry", "regret", "recognise", "recognize", "intend", "plan",
})  # fmt: skip
# Verbs that take a stance through their object alone ("condemned the attack", "welcomed the plan").
STANCE_OBJECT_VERBS = frozenset({
    "deny", "announce", "confirm", "reveal", "promise", "pledge", "vow", "admit", "predict", "acknowledge",
    "dismiss", "welcome", "condemn", "criticise", "criticize", "reject", "praise", "request", "recommend",
    "propose", "demand", "brand", "label", "dub", "slam", "blast", "hail", "applaud", "endorse", "note",
})  # fmt: skip
# Verbs that describe their object as something: "called the plan 'illogical'", "branded audiences ignorant".
NAMING_VERBS = frozenset({"call", "brand", "label", "dub", "describe", "dismiss", "condemn", "hail", "term"})
SPEECH_VERBS = COMMUNICATION_VERBS | COGNITION_VERBS | STANCE_OBJECT_VERBS | NAMING_VERBS
# Verbs that state something only with their particle: "Stancil fired back", "the campaign shot back".
PHRASAL_SPEECH_VERBS = frozenset({
    ("fire", "back"), ("hit", "back"), ("shoot", "back"), ("snap", "back"), ("write", "back"),
    ("push", "back"), ("lash", "out"), ("speak", "out"), ("chime", "in"), ("weigh", "in"), ("go", "on"),
})  # fmt: skip
# Verbs that do not state anything unless their subject is a source (a document, an outlet):
# "FEC records show ...", "a study found ..." - but not "the cat showed no fear".
SOURCE_ONLY_VERBS = frozenset({"show", "find", "rule", "indicate", "suggest", "conclude", "reveal", "tip"})
# ... except these, which a person states with a clause: "Ging suggested Israel knew it was a UN
# school", "Klopp has revealed he will leave" (but "the data suggest a rise" needs the source).
CLAUSE_STATING_VERBS = frozenset({"indicate", "suggest", "conclude", "reveal"})
# Adjectives of stated attitude that take a that-clause: "is confident that ...", "was furious that ...".
ATTITUDE_ADJECTIVES = frozenset({
    "confident", "sure", "certain", "convinced", "adamant", "optimistic", "hopeful", "concerned",
    "worried", "furious", "angry", "clear", "insistent", "skeptical", "sceptical", "pleased", "happy",
    "disappointed", "determined", "keen", "eager", "aware",
})  # fmt: skip
# Nouns that carry a statement: "issued a statement saying", "in a tweet", "his assertion that".
STATEMENT_NOUNS = frozenset({
    "statement", "tweet", "interview", "post", "letter", "speech", "remarks", "comment", "comments",
    "assertion", "claim", "announcement", "warning", "message", "testimony", "email", "e-mail", "memo",
    "release", "op-ed", "column", "blog", "filing", "plea", "appeal", "briefing", "note", "report",
    "broadcast", "address", "video", "promise", "pledge", "insistence", "argument", "view", "belief",
})  # fmt: skip
# Nouns of a stance that state what follows them ("a warning that ...", "his call for ...", "its
# claim to be ..."), as the object of a light verb or owned by their holder ("X's view that ...").
STANCE_NOUNS = frozenset({
    "warning", "assurance", "argument", "case", "plea", "appeal", "call", "demand", "promise", "pledge",
    "vow", "claim", "assertion", "insistence", "view", "belief", "position", "contention", "conviction",
    "allegation", "accusation", "suggestion", "prediction", "admission", "threat", "concern", "support",
    "point", "guarantee", "commitment", "opposition",
})  # fmt: skip
# Nouns for a stance someone holds rather than states ("both sides' belief that ...").
HELD_STANCE_NOUNS = frozenset({"belief", "view", "position", "conviction", "opinion", "stance"})
# The preposition that introduces what a stance noun states ("an argument for", "concern about").
STANCE_NOUN_PREPOSITIONS = {
    "argument": ("for", "against"), "case": ("for", "against"), "plea": ("for",), "appeal": ("for",),
    "call": ("for",), "demand": ("for",), "warning": ("about", "against", "of", "over"),
    "concern": ("about", "over", "at"), "support": ("for",), "opposition": ("to",),
}  # fmt: skip
# Verbs that state nothing themselves but carry a stance noun or "clear" that does ("made clear that",
# "gave an assurance that", "issued a warning that"). Not "raise": "the scandal raised doubts".
LIGHT_VERBS = frozenset({
    "make", "give", "issue", "deliver", "offer", "voice", "express", "reiterate", "repeat", "renew",
    "sound", "put", "set", "present",
})  # fmt: skip
# Stating verbs whose subject may follow them ("..., argued the council"): none takes a person as object.
INVERTING_VERBS = frozenset({
    "say", "add", "argue", "insist", "claim", "explain", "note", "write", "continue", "conclude", "observe",
    "remark", "reply", "respond", "counter", "declare", "state", "report", "concede", "recall", "quip",
    "joke", "complain", "predict", "maintain", "contend", "stress", "admit",
})  # fmt: skip
# What an organisation issues in its own name: "a statement said" is the organisation speaking.
ISSUED_NOUNS = frozenset({"statement", "release", "update", "announcement", "communique", "communiqué"})
# Nouns for a document, record or publication that can itself be a source ("FEC records show").
DOCUMENT_NOUNS = frozenset({
    "record", "records", "document", "documents", "filing", "filings", "email", "emails", "e-mails", "memo",
    "report", "study", "survey", "poll", "data", "figures", "papers", "letter", "research", "analysis",
    "assessment", "review", "audit", "investigation", "inquiry", "paper", "statement", "statistics",
    "release", "transcript", "cable", "cables", "leaflet", "website", "site", "indictment", "complaint",
    "lawsuit", "ruling", "judgment", "affidavit", "minutes", "footage", "pictures", "images", "photos",
})  # fmt: skip
# Nouns that name an organisation by its type, so "the party", "the agency" can refer back to one.
ORGANISATION_NOUNS = frozenset({
    "party", "agency", "company", "firm", "ministry", "department", "government", "charity", "group",
    "organisation", "organization", "union", "council", "newspaper", "paper", "broadcaster", "network",
    "station", "club", "bank", "court", "commission", "committee", "campaign", "board", "office",
    "administration", "team", "zoo", "service", "authority", "institute", "federation", "association",
    "regulator", "airline", "carrier", "retailer", "supermarket", "body", "website", "outlet",
    "channel", "magazine", "force", "army", "military", "police", "foundation", "university",
    "school", "hospital", "watchdog", "coalition", "alliance", "movement", "side", "embassy", "tabloid",
    "affiliate", "publisher", "daily", "weekly", "thinktank", "think-tank",
})  # fmt: skip

# Title abbreviations spaCy's tokenizer splits from their full stop ("Lt" + "."): kept whole.
TOKENIZER_TITLE_ABBREVIATIONS = (
    "Lt.", "Capt.", "Sgt.", "Supt.", "Insp.", "Det.", "Cllr.", "Adm.", "Cmdr.", "Brig.",
    "Maj.", "Cpl.", "Pte.", "Fr.", "Hon.", "Rt.", "Col.", "Amb.", "Atty.",
)  # fmt: skip
# Abbreviations after which a capitalised word is part of the same sentence ("Mr. Smith").
TITLE_ABBREVIATIONS = frozenset({
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sen.", "Rep.", "Gov.", "Gen.", "Col.", "Lt.", "Capt.", "Sgt.",
    "Supt.", "Insp.", "Det.", "Cllr.", "Adm.", "Cmdr.", "Brig.", "Maj.", "Cpl.", "Pte.", "Rev.", "Fr.",
    "Hon.", "Rt.", "St.", "Mt.", "Ft.", "Pres.", "Sec.", "Amb.", "Atty.", "Messrs.",
})  # fmt: skip

_IRREGULAR_FORMS = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",),
    "feel": ("felt",), "know": ("knew", "known"), "understand": ("understood",), "find": ("found",),
    "show": ("shown",), "swear": ("swore", "sworn"), "blurt": (), "snap": ("snapped",),
    "plan": ("planned",), "quip": ("quipped",), "admit": ("admitted",), "regret": ("regretted",),
    "order": (), "object": (),
}  # fmt: skip


def inflections(lemma: str) -> set[str]:
    """The written forms of a regular English verb, plus the irregular ones listed."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        third, past = lemma[:-1] + "ies", lemma[:-1] + "ied"
    else:
        third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")
        past = stem + "ed"
    return {lemma, third, past, stem + "ing", *_IRREGULAR_FORMS.get(lemma, ())}


# Surface forms of communication verbs, for code that runs before the lemmatizer (the sentence component).
SPEECH_VERB_FORMS = frozenset(
    form for lemma in COMMUNICATION_VERBS - SOURCE_ONLY_VERBS for form in inflections(lemma)
)
# Written form -> lexicon lemma, for the forms the lemmatizer gets wrong ("hoped" -> "hop").
SPEECH_LEMMA_OF_FORM = {form: lemma for lemma in sorted(SPEECH_VERBS) for form in inflections(lemma)}

"""Rules on the human language of a reply: a named language, a translation, the user's own language.
"""

from __future__ import annotations

import re
from typing import Sequence

from classifiers.instructions.common import InstructionResult, _prompt_sentences, _words
from classifiers.instructions.prose import _PLACEHOLDER


def _rule_language(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"(?:entire |whole )?(?:response|answer|output)[^.]*\b(?:in|using)\s+(English|[A-Z][a-z]+)\s+(?:language|only)", instr)
    m = m or re.search(r"\bin\s+(English|[A-Z][a-z]+)\s+language", instr)
    if not m:
        # "Write it in Spanish", "Respond in German only", "French only": a named language, read by its words.
        n = re.search(r"(?:^\W*|\b(?:write|respond|reply|answer|output|draft|compose|produce|translated?)\b[^.]{0,30}?)"
                      r"\bin\s+(" + _HUMAN_LANGUAGE_NAMES + r")\b|^\W*(" + _HUMAN_LANGUAGE_NAMES + r")\s+only\b", instr, re.I)
        return _in_language((n.group(1) or n.group(2)).lower(), output) if n else None
    letters = [c for c in output if c.isalpha()]
    ascii_share = sum(c.isascii() for c in letters) / max(1, len(letters))
    english = m.group(1) == "English"
    stop = sum(1 for w in _words(output.lower()) if w in {"the", "and", "is", "of", "to", "in", "that", "it"})
    looks_en = ascii_share > 0.95 and stop >= max(1, len(_words(output)) // 40)
    ok = looks_en if english else not looks_en
    return InstructionResult(f"language {m.group(1)}", ok, f"ascii letters {ascii_share:.0%}, English stopwords {stop}")


# Japanese is read by its kana (Han characters alone read as Chinese).
_SCRIPTS = {
    "japanese": "[\u3040-\u30ff]", "chinese": "[\u4e00-\u9fff]", "mandarin": "[\u4e00-\u9fff]",
    "korean": "[\uac00-\ud7af]", "russian": "[\u0400-\u04ff]", "ukrainian": "[\u0400-\u04ff]",
    "bulgarian": "[\u0400-\u04ff]", "arabic": "[\u0600-\u06ff]", "persian": "[\u0600-\u06ff]",
    "farsi": "[\u0600-\u06ff]", "urdu": "[\u0600-\u06ff]", "greek": "[\u0370-\u03ff]", "hebrew": "[\u0590-\u05ff]",
    "hindi": "[\u0900-\u097f]", "marathi": "[\u0900-\u097f]", "thai": "[\u0e00-\u0e7f]",
}
_LATIN_LANGUAGES = frozenset(
    "spanish french german italian portuguese dutch polish swedish danish norwegian finnish turkish indonesian "
    "vietnamese czech romanian hungarian catalan malay tagalog swahili".split())
# (Words no other Latin-script language writes: "a", "as", "on", "we", "was", "will", "by", "at" are Spanish,
# Portuguese, French, Dutch, German or Danish words too.)
_ENGLISH_STOP = frozenset("the and is of to in that it you your with for are this or from such must be not can if "
                          "our they have has were would should which when any only these those their there".split())


_HUMAN_LANGUAGE_NAMES = "|".join(["english", *_SCRIPTS, *sorted(_LATIN_LANGUAGES)])


def _in_language(lang: str, output: str) -> InstructionResult:
    """Whether `output` is written in `lang`, by its script or by (the absence of) English function words."""
    if lang == "english":
        ok = _looks_english(output) and not re.search("|".join(_SCRIPTS.values()), output)
        return InstructionResult("language english", ok, "English" if ok else "not English")
    if lang in _SCRIPTS:
        ok = bool(re.search(_SCRIPTS[lang], output))
        if lang in ("chinese", "mandarin"):
            ok = ok and not re.search(_SCRIPTS["japanese"], output)
        return InstructionResult(f"language {lang}", ok, "script found" if ok else f"no {lang} script")
    ok = not _looks_english(output)
    return InstructionResult(f"language {lang}", ok, "not English" if ok else "the output is English")


def _looks_english(text: str) -> bool:
    words = _words(text.lower())
    return bool(words) and sum(w in _ENGLISH_STOP for w in words) >= max(1, len(words) // 12)


def _rule_translation(instr: str, output: str) -> InstructionResult | None:
    """A translation must be in the target language and keep the source's placeholders ({count}, %s)."""
    m = re.search(r"\btranslat\w*\b[^.:]{0,40}?\b(?:in)?to\s+(?:the\s+)?([A-Za-z]+)", instr, re.I)
    if not m:
        return None
    lang = m.group(1).lower()
    missing = [p for p in _PLACEHOLDER.findall(instr) if p not in output]
    if missing:
        return InstructionResult("translation keeps placeholders", False, f"missing {', '.join(missing[:3])}")
    if lang in _SCRIPTS or lang in _LATIN_LANGUAGES:
        res = _in_language(lang, output)
        return InstructionResult(f"translation into {lang}", res.passed, res.detail)
    return None


# Function words of the languages a product's users most often write in, none of them an English word.
_FOREIGN_STOP = frozenset(
    # Spanish
    "el la los las del por para con una es al lo como más pero sus qué cómo cuánto cuánta cuál cuándo dónde "
    "puedo tengo mi mis nuestro nuestra está están hay también muy sin sobre desde cuenta usted "
    # French
    "le les des du une et est qui dans pour pas sur aux avec ce cette ces nous vous ils sont mon ma mes "
    "comment combien quel quelle quels où je peux votre vos leur "
    # German
    "der das und ist nicht ein eine zu den mit von sich auf für im dem wie auch wird bei einer ich wir "
    "kann welche wann wo warum mein meine ihr ihre unsere "
    # Portuguese / Italian
    "os da dos das em um uma não ao na quanto qual onde posso minha il gli della che è di sono questo "
    "dove perché".split()) - _ENGLISH_STOP


def _language_votes(text: str) -> tuple[int, int]:
    words = _words(text.lower())
    return sum(w in _FOREIGN_STOP for w in words), sum(w in _ENGLISH_STOP for w in words)


def _not_english(text: str) -> bool:
    """Mostly a non-Latin script, or clearly more foreign function words than English ones."""
    letters = [c for c in text if c.isalpha()]
    non_latin = sum(not c.isascii() and not ("\u00c0" <= c <= "\u024f") for c in letters) / max(1, len(letters))
    foreign, english = _language_votes(text)
    return non_latin > 0.5 or (foreign >= 2 and foreign > 2 * english)


_THEIR_LANGUAGE = re.compile(
    r"\b(?:reply|respond|answer|write|communicate)\w*\b[^.\n]{0,40}\bin (?:the )?(?:(?:customer|user|parent|patient|"
    r"guest|client|tenant|caller|sender|member|student|traveler|traveller)(?:'s|s'|s)?|their|his|her|same) (?:own )?"
    r"language|\bin the (?:same )?language (?:they|the (?:customer|user|parent|patient|guest|client|sender)) "
    r"(?:write|wrote|use|used|speak|spoke)s?\b", re.I)


def _rule_their_language(instr: str, output: str, prompt: str) -> InstructionResult | None:
    """'Always reply in the customer's language': the output is in the language of the rest of the prompt."""
    if not _THEIR_LANGUAGE.search(instr):
        return None
    # The customer's own words: the prompt without the sentences that state rules for the assistant.
    message = " ".join(t for t in _prompt_sentences(prompt) if not _THEIR_LANGUAGE.search(t))
    if not _not_english(message):
        return None  # the customer wrote in English (or too little to tell): nothing to hold the output to
    ok = not _looks_english(output)
    return InstructionResult("language of the user", ok, "not English, as the user's message" if ok else
                             "the user wrote in another language, the output is in English")


def check_reply_language(prompt: str, output: str,
                         found: Sequence[InstructionResult] = ()) -> InstructionResult | None:
    """A failed result when the user wrote in another language and the output answers in English.

    Replying in the user's language is a rule every assistant is held to without stating it. Silent (None)
    when a stated rule in `found` already sets the language (a language or translation rule), when the
    prompt asks for English or a translation, or when either text is too short to tell.
    """
    if any(r.constraint.startswith(("language ", "translation ")) for r in found):
        return None
    head = prompt[:400]
    # An English instruction over foreign material ("Summarize this article: Le gouvernement...") is English.
    if re.search(r"english|ingl[eé]s|anglais|englisch|inglese|translat|tradu|übersetz|"
                 r"\b(?:summari[sz]e|extract|classify|rewrite|answer|reply|respond|write|list)\b", head, re.I):
        return None
    if sum(c.isalpha() for c in head) < 8 or not _looks_english(output):
        return None
    if _not_english(head):
        return InstructionResult("reply in the user's language", False,
                                 "the prompt is not in English, the output is")
    return None

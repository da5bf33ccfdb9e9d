"""Body text cleaned of site boilerplate: single-spaced paragraphs, without share buttons,
newsletter pitches, licence lines, the site footer or repeated paragraphs.

Boilerplate rules are data (``BOILERPLATE``): generic ones plus per-outlet ones, keyed by the
outlet's name as :mod:`outlets` gives it. No Django here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class BoilerplateRules:
    # a whole line (paragraph) matching one of these is dropped
    lines: tuple[str, ...] = ()
    # a line matching one of these starts the site footer: it and everything after go
    footer_starts: tuple[str, ...] = ()
    # removed wherever they appear inside a paragraph (licence sentences glued to text)
    inline: tuple[str, ...] = ()
    # removed at the very end of the body only
    trailing: tuple[str, ...] = ()


_Q = "['’]"  # straight or curly apostrophe

BOILERPLATE: dict[str, BoilerplateRules] = {
    "": BoilerplateRules(  # any outlet
        lines=(
            r"share (this|the) (article|story|post|page)!?",
            r"share( on| via)? (facebook|twitter|whatsapp|telegram|email|linkedin)",
            r"(share|tweet|email|print|comments?|reply|whatsapp|telegram)",
            r"follow us on (twitter|facebook|instagram|telegram|x|youtube|google news)\b.*",
            r"(like|follow) us on facebook\b.*",
            r"(please )?subscribe to (our|the) (newsletter|channel|youtube channel|feed)\b.*",
            r"sign up for (our|the) (free )?newsletters?\b.*",
            r"click here to (subscribe|read more|sign up|download)\b.*",
            r"(advertisement|advertising|sponsored content|ad)",
            r"(read|see) (more|also)\s*:?",
            r"(related|related (news|articles|stories|posts|content))\s*:?",
            r"(you may|you might) also like\s*:?",
            r"(download|get) (our|the) (free )?(mobile )?app\b.*",
            # app links: "Download the Press TV app for Android and iOS"
            r"(download|get|install) (the|our)( free| new| official)? [\w .&'’-]{0,40}?"
            r"\bapps?\b.{0,80}",
            r"(available|download it|get it) on (the )?(app store|google play)\b.{0,80}",
            # social links and their headers: "Follow Al Jazeera English:", "Share this:"
            r"(follow|share|like|join) [\w .&'’-]{1,40}\s*:",
            r"(follow|like|join) (us|[\w .&'’-]{1,40}?) on (twitter|facebook|instagram|telegram|x"
            r"|youtube|tiktok|linkedin|whatsapp|threads|google news)\b.{0,80}",
            # "SOURCE: AL JAZEERA AND NEWS AGENCIES", "Source: Reuters"
            r"sources?\s*:\s*[^.:]{1,80}",
            r"((copyright|©|\(c\))\s*){1,3}(19|20)\d{2}\b.{0,100}",
            r"©\s*[\w .&'’-]{1,80}",
            r".{0,100}\ball rights reserved\.?",
            r"all content by .{1,80} is licensed under a creative commons .{0,120}",
            # "This article is licensed under a Creative Commons Attribution 4.0 International
            # License"
            r".{0,100}\b(is|are) (licensed|available|published|distributed) under (a|the) "
            r"creative commons( [\w.-]+){0,8} licen[cs]e( \([^)]{0,30}\))?\.?",
            r"this (article|story) (was|has been) (originally )?(published|posted) (on|by) .{0,80}",
            r"(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/?",  # a bare site address
            r"(loading|loading\.\.\.|please wait\.*)",
            r"featured image (via|from|credit|:).{0,120}",
            r"(the )?document has moved here\.?|(301 )?moved permanently",  # a saved redirect
            r"the views (and opinions )?expressed (in|on|here)\b.{0,120}"
            r"\b(are (solely|those|the)|(do|does|are) not necessarily)\b.{0,150}",
            r"(please go to .{0,60} to )?read the rest of (the|this) (story|article)\b.{0,120}",
            r"(continue|keep) reading (at|on) .{0,80}",
            r"(reposted|republished|reprinted) with permission (from|of) .{0,80}",
            r"(read the )?full story here\s*:?",
            r"[*#~=_\-–—•·]{3,}",  # separators
            r"Â",  # a no-break space mangled twice
            r"(by [^.]{1,60}\s)?(like|follow) \w+( \w+)? on (facebook|twitter|instagram)\b"
            r"[^.]{0,80}\.?",
            r"(embed|image|photo|video|watch|listen)\s*:?",
            # WordPress embeds left as shortcodes: [scribd id=1 key=k], [youtube]...[/youtube]
            r"\[(scribd|embed|youtube|video|audio|gallery|tweet|caption|iframe|playlist)\b[^\]]*\]"
            r"(.{0,300}\[/\w+\])?",
        ),
        footer_starts=(
            r"(read|see) more (news|stories|articles) (on|from|at)\b.*",
            r"(related|more) (news|articles|stories)\s*:?",
            r"tags?\s*:.*",
            r"comments? \(\d+\)",
            r"leave a (comment|reply)",
        ),
        inline=(
            r"All Content by [A-Z][\w ]{1,60} is licensed under a Creative Commons "
            r"Attribution[\w .]{0,40}?License\.?",
            r"(?:This|The) (?:article|story|work|content|text) is licensed under a Creative "
            r"Commons [\w .-]{0,60}?Licen[cs]e\.?",
        ),
    ),
    "Press TV": BoilerplateRules(
        lines=(
            rf"press tv{_Q}?s? (news )?(roku|app|android|ios|apple tv|website).*",
            r"press tv news roku",
            r"www\.presstv\.(ir|com|co\.uk|tv)",
        ),
        footer_starts=(
            rf"press tv{_Q}s website can also be accessed at the following alternate"
            r" addresses\s*:?",
            r"share this article",
        ),
    ),
    "Tehran Times": BoilerplateRules(
        # editors' initials the crawler caught before the footer: "... said. SP/PA"
        trailing=(r"(?:^|\s+)(?:[A-Z]{1,3}/[A-Z]{1,3}(/[A-Z]{1,3})?|END)\.?\s*$",),
    ),
    "Mehr News Agency": BoilerplateRules(
        trailing=(r"(?:^|\s+)(?:[A-Z]{1,3}/[A-Z]{1,3}(/[A-Z]{1,3})?|END)\.?\s*$",),
    ),
    "Reuters": BoilerplateRules(trailing=(r"\s+Reuter\s*$",)),
    "Politico": BoilerplateRules(
        lines=(r"story continued below",),
        footer_starts=(
            r"log in to access content and manage your profile\b.*",
            r"subscribe to the playbook family\b.*",
        ),
    ),
    "Eagle Rising": BoilerplateRules(
        lines=(r"subscribe",),
        footer_starts=(r"get your daily dose of eagle rising\b.*",),
    ),
}


@dataclass
class CompiledRules:
    line: re.Pattern
    footer: re.Pattern
    inline: re.Pattern | None
    trailing: re.Pattern | None


_COMPILED: dict[str, CompiledRules] = {}


def compiled_rules(outlet: str) -> CompiledRules:
    """The generic rules and the outlet's own, compiled once per outlet."""
    compiled = _COMPILED.get(outlet)
    if compiled is None:
        generic = BOILERPLATE[""]
        own = BOILERPLATE.get(outlet, BoilerplateRules())

        def either(patterns: tuple[str, ...], flags=re.IGNORECASE) -> re.Pattern | None:
            return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None

        compiled = CompiledRules(
            line=either(generic.lines + own.lines) or re.compile(r"(?!)"),
            footer=either(generic.footer_starts + own.footer_starts) or re.compile(r"(?!)"),
            inline=either(generic.inline + own.inline, 0),
            trailing=either(generic.trailing + own.trailing, 0),
        )
        _COMPILED[outlet] = compiled
    return compiled


# ---------------------------------------------------------------------------------------------
# Whitespace and paragraphs

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n\s*\n")

# "(CNN)Hillary Clinton said…": a wire credit glued to the first word (BuzzFeed's CNN copy),
# which the tagger reads as one name "CNN)Hillary Clinton".
_GLUED_CREDIT = re.compile(r"^([^()\n]{0,40}\([A-Z][A-Za-z.]{1,15}\))(?=[\w\"“‘'])")


def clean_line(line: str) -> str:
    """One line with single spaces (no-break and other Unicode spaces too), no invisibles."""
    if not line.isascii() and _INVISIBLE.search(line):
        line = _INVISIBLE.sub("", line)
    if ")" in line[:60]:
        line = _GLUED_CREDIT.sub(r"\1 ", line)
    return " ".join(line.split())


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text: blocks between blank lines; in blocks that are not hard-wrapped
    prose, each line is its own paragraph (saved pages put one element per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines = [clean_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) >= 3 and _hard_wrapped(lines):
            paragraphs.extend(_reflow(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _reflow(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines; a line well short of the wrap width ends a paragraph (so a
    headline or a last line stays apart)."""
    width = max(len(line) for line in lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < 0.7 * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _hard_wrapped(lines: list[str]) -> bool:
    lengths = sorted(len(line) for line in lines[:-1])
    median = lengths[len(lengths) // 2]
    return 40 <= median <= 100 and max(lengths) <= 110


def remove_boilerplate(paragraphs: list[str], outlet: str) -> list[str]:
    """Drop boilerplate lines, the site footer, licence sentences and repeated paragraphs."""
    rules = compiled_rules(outlet)
    kept: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        if rules.inline is not None:
            cut = rules.inline.sub("", paragraph)
            if len(cut) != len(paragraph):
                paragraph = clean_line(cut)
            if not paragraph:
                continue
        if len(paragraph) < 600 and rules.footer.fullmatch(paragraph) and kept:
            break
        if len(paragraph) < 300 and rules.line.fullmatch(paragraph):
            continue
        key = paragraph.casefold()
        if key in seen:
            continue  # crawlers repeat paragraphs
        if len(key) > 80 and len(kept) < 200 and any(key in k for k in seen if len(k) > len(key)):
            continue  # a crawler's tail copy of text already kept
        seen.add(key)
        kept.append(paragraph)
    if kept and rules.trailing is not None:
        last = kept[-1]
        tail = rules.trailing.search(last, max(0, len(last) - 80))
        if tail:
            kept[-1] = last[: tail.start()].strip()
            if not kept[-1]:
                kept.pop()
    return kept


def clean_body(text: str, outlet: str = "", *, keep_lines: bool = False) -> str:
    """Body text without boilerplate: single spaces, a blank line between paragraphs."""
    if keep_lines:
        paragraphs = [clean_line(line) for line in text.split("\n")]
        paragraphs = [p for p in paragraphs if p]
    else:
        paragraphs = split_paragraphs(text)
    return "\n\n".join(remove_boilerplate(paragraphs, outlet))

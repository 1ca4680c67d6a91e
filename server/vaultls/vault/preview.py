"""Markdown from a vault made inert for a hover preview. Pure text; no LSP types.

A vault may come from a stranger, and editors render hover Markdown: VS Code shows its images,
so a preview that passed a note through unchanged would fetch any remote image the note names
as soon as a link is hovered (a tracking pixel), and a client that trusts hover Markdown would
run `command:` links and raw HTML. `inert_markdown` keeps the note readable and takes those out:

- Images: an inline image whose destination is a plain relative path inside the vault (no
  scheme, no leading `/` or `\\`, no `..`) stays; every other image (`https:`, `http:`,
  protocol-relative `//host`, `data:`, `file:`, reference-style `![alt][ref]` and `![alt]`
  whatever their definition says) becomes its alt text, or `image` when it has none. An
  Obsidian embed `![[...]]` shows as written.
- Raw HTML and autolinks: every `<` that could start a tag, comment, declaration or autolink is
  backslash-escaped, so `<img src=...>`, `<picture>`, `<a href="command:...">`, `<https://...>`
  show as text.
- Links: a link or link reference definition whose destination has a scheme other than
  `http`, `https` or `mailto` (`command:`, `javascript:`, `vscode:`, `file:`, `obsidian:` ...,
  however spelled with entities, escapes, case or whitespace) is broken into plain text by
  escaping the `(` or `:` after its `]`, which shows the same.

The escapes are Markdown backslash escapes: outside code they show nothing. Code is left as
it is only where every CommonMark renderer agrees it is code — a fenced block opened at the
start of a line, and code spans on a line whose backticks all pair up, in a paragraph whose
earlier lines pair up too, on a line without a table `|`. Anywhere less certain the text is
escaped as if it were not code: a code span or fence inside a list may then show a
backslash, which is the price of never letting HTML or an image through a misjudged span.

`inline_text` and `code_span` make a name (a file name, a link target) safe inside the
preview's own Markdown (bold text or a code span). `page_preview` builds the hover's preview
on this pass: it puts the note's resolved links and vault images in after it.
"""

from __future__ import annotations

import html
import re

from vaultls.vault.text import indent_width

MARKDOWN_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Characters a name is never shown with raw: controls, separators, bidi controls, and the
# surrogates that stand for bytes of a file name that is not UTF-8.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# A `<` that may open an HTML tag, comment, declaration, processing instruction or autolink.
_TAG_START = re.compile(r"[A-Za-z/!?]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)$")
# What can start or end a construct inside a line of text (bold, a sentence); `#`, `-`, `+`,
# `=` only matter at the start of a line, `(` only after a `]`.
_INLINE_ESCAPED = frozenset("\\`*_[]<>!|~&$")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_NO_IMAGE = "image"
# Images in alt texts in alt texts ...: deeper ones are escaped, not taken apart.
_MAX_DEPTH = 4


def inert_markdown(text: str) -> str:
    """`text` (lines joined with `\\n`) with remote images shown as their alt text and HTML,
    autolinks and links of unsafe schemes shown as text (see the module's docstring)."""
    out: list[str] = []
    fence: tuple[str, int] | None = None  # a fenced block opened at column 0: (char, length)
    fences_known = True  # False once a fence may have opened inside a container
    paired_so_far = True  # every earlier line of this paragraph has its backticks paired
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if _closes(line, fence):
                fence, paired_so_far = None, True
            continue
        opener = _fence_opener(line)
        if opener is not None:
            if fences_known and not line[:1].isspace():
                fence = opener
                out.append(line)
                continue
            # Indented: a fence inside a list item ends where the item does, which is not
            # known here, so no fence is trusted from now on.
            fences_known = False
        if not line.strip():
            paired_so_far = True
            out.append(line)
            continue
        spans, paired = _code_spans(line)
        trusted = paired_so_far and paired and "|" not in line
        paired_so_far = paired_so_far and paired
        out.append(_inert_line(line, spans if trusted else []))
    return "\n".join(out)


def inline_text(text: str) -> str:
    """`text` shown as itself inside Markdown text (bold, a sentence): control characters
    escaped as in `vaultls check` output, Markdown punctuation backslash-escaped."""
    shown = _visible(text)
    return "".join("\\" + c if c in _INLINE_ESCAPED else c for c in shown)


def code_span(text: str) -> str:
    """`text` as a Markdown code span that nothing in it can end."""
    shown = _visible(text)
    longest = max((len(m.group()) for m in re.finditer("`+", shown)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if shown[:1] in ("`", " ") or shown[-1:] in ("`", " ") else ""
    return f"{ticks}{pad}{shown}{pad}{ticks}"


def _visible(text: str) -> str:
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape_unsafe, text)


def _escape_unsafe(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x80:
        return {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(code, f"\\x{code:02x}")
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


# ---------------------------------------------------------------- blocks


def _fence_opener(line: str) -> tuple[str, int] | None:
    """(char, length) when `line`, less up to 3 spaces (or any indentation: callers decide),
    opens a fenced code block."""
    match = _FENCE.match(line.lstrip(" \t"))
    if match is None:
        return None
    marker, info = match.groups()
    if marker[0] == "`" and "`" in info:
        return None
    return marker[0], len(marker)


def _closes(line: str, fence: tuple[str, int]) -> bool:
    if indent_width(line) > 3:
        return False
    stripped = line.strip(" \t")
    char, length = fence
    return len(stripped) >= length and stripped == char * len(stripped)


def _code_spans(line: str) -> tuple[list[tuple[int, int]], bool]:
    """The code spans of `line` as CommonMark finds them, as (start, end) with their
    backticks, and whether every backtick run in it was paired."""
    spans: list[tuple[int, int]] = []
    paired = True
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\" and i + 1 < n and line[i + 1] in MARKDOWN_PUNCTUATION:
            i += 2
            continue
        if c != "`":
            i += 1
            continue
        j = i
        while j < n and line[j] == "`":
            j += 1
        run, k, close = j - i, j, -1
        while k < n:
            if line[k] != "`":
                k += 1
                continue
            m = k
            while m < n and line[m] == "`":
                m += 1
            if m - k == run:
                close = k
                break
            k = m
        if close < 0:
            paired = False
            i = j
        else:
            spans.append((i, close + run))
            i = close + run
    return spans, paired


def _inert_line(line: str, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    at = 0
    for start, end in spans:
        parts.append(_inert_inline(line[at:start]))
        parts.append(line[start:end])
        at = end
    parts.append(_inert_inline(line[at:]))
    return "".join(parts)


# ---------------------------------------------------------------- inline text


def _inert_inline(text: str) -> str:
    """Text outside code: images replaced, HTML escaped (pass 1); any image that pass made
    by joining text is escaped (2); links of unsafe schemes broken (3)."""
    if not text:
        return text
    return _break_unsafe_links(_escape_leftover_images(_replace_images(text)))


def _replace_images(text: str, depth: int = 0) -> str:
    out: list[str] = []
    pairs = _bracket_pairs(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in MARKDOWN_PUNCTUATION:
            out.append(text[i : i + 2])
            i += 2
        elif c == "<" and i + 1 < n and _TAG_START.match(text[i + 1]):
            out.append("\\<")
            i += 1
        elif c == "!" and text.startswith("[", i + 1):
            shown, i = _image(text, i, pairs, depth)
            out.append(shown)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _image(text: str, i: int, pairs: dict[int, int], depth: int) -> tuple[str, int]:
    """What to show for the image syntax starting at `text[i]` (`![`), and where to go on."""
    close = pairs.get(i + 1, -1)
    if close < 0 or depth >= _MAX_DEPTH:
        return "!\\[", i + 2
    alt = text[i + 2 : close]
    after = close + 1
    if text.startswith("(", after):
        parsed = _destination(text, after)
        if parsed is not None:
            dest, end = parsed
            if _local_image(dest):
                return f"![{_replace_images(alt, depth + 1)}]{text[after:end]}", end
            return _alt(alt, depth), end
    elif text.startswith("[", after):
        label_end = text.find("]", after + 1)
        if label_end >= 0 and "[" not in text[after + 1 : label_end]:
            return _alt(alt, depth), label_end + 1  # `![alt][ref]`, `![alt][]`
    elif alt.startswith("[") and alt.endswith("]"):
        return "!\\[", i + 2  # an Obsidian embed `![[note]]`: shown as written, inert
    return _alt(alt, depth), after  # `![alt]`


def _alt(alt: str, depth: int) -> str:
    shown = _replace_images(alt, depth + 1)
    return shown if shown.strip() else _NO_IMAGE


def _bracket_pairs(text: str) -> dict[int, int]:
    """{index of a `[`: index of the `]` that closes it}, in one pass. A `[` left open at a
    backtick is never closed: a code span may hold its `]`, so where it ends is unsure."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in MARKDOWN_PUNCTUATION:
            i += 2
            continue
        if c == "`":
            stack.clear()
        elif c == "[":
            stack.append(i)
        elif c == "]" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


def _destination(text: str, paren: int) -> tuple[str, int] | None:
    """An inline link's `(destination "title")` starting at `text[paren]`: the destination
    as written and the index after `)`, or None when it is not one."""
    i, n = paren + 1, len(text)
    while i < n and text[i] in " \t":
        i += 1
    start = i
    if i < n and text[i] == "<":
        i += 1
        while i < n and text[i] not in "<>\n":
            i += 2 if text[i] == "\\" and i + 1 < n else 1
        if i >= n or text[i] != ">":
            return None
        i += 1
    else:
        depth = 0
        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n and text[i + 1] in MARKDOWN_PUNCTUATION:
                i += 2
                continue
            if c.isspace() or ord(c) < 0x20:
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
    dest = text[start:i]
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] in "\"'(":
        closer = ")" if text[i] == "(" else text[i]
        i += 1
        while i < n and text[i] != closer:
            i += 2 if text[i] == "\\" and i + 1 < n else 1
        if i >= n:
            return None
        i += 1
        while i < n and text[i] in " \t":
            i += 1
    if i < n and text[i] == ")":
        return dest, i + 1
    return None


def _decoded(dest: str) -> str:
    """A destination as a browser reads it: `<>` gone, backslash escapes and entities
    decoded, tabs and newlines removed, leading and trailing controls and spaces stripped."""
    dest = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", dest)
    dest = html.unescape(dest)
    dest = dest.replace("\t", "").replace("\n", "").replace("\r", "").strip(_C0_AND_SPACE)
    if dest.startswith("<"):
        dest = dest[1:-1] if dest.endswith(">") else dest[1:]
    return dest.strip(_C0_AND_SPACE)


def _local_image(dest: str) -> bool:
    """A plain relative path that stays in the vault: no scheme, nothing that names a host
    or the root, no `..`."""
    path = _decoded(dest)
    if not path or _SCHEME.match(path) or path[0] in "/\\" or "\\" in path:
        return False
    return ".." not in re.split(r"[/\\]|%2[fF]|%5[cC]", path.split("?")[0].split("#")[0])


def _safe_link(dest: str) -> bool:
    scheme = _SCHEME.match(_decoded(dest))
    return scheme is None or scheme.group()[:-1].lower() in SAFE_LINK_SCHEMES


def _escape_leftover_images(text: str) -> str:
    """Every `![` left that is not a kept local image (one made by joining an alt text to
    what came before it) escaped."""
    out: list[str] = []
    pairs = _bracket_pairs(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in MARKDOWN_PUNCTUATION:
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "!" and text.startswith("[", i + 1):
            close = pairs.get(i + 1, -1)
            parsed = _destination(text, close + 1) if close >= 0 and text.startswith("(", close + 1) else None
            if parsed is not None and _local_image(parsed[0]):
                out.append(text[i : parsed[1]])
                i = parsed[1]
                continue
            out.append("!\\[")
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _break_unsafe_links(text: str) -> str:
    """`](dest` and `]: dest` (an inline link, a link reference definition) whose destination
    is of an unsafe scheme, or not on this line, with the `(` or `:` escaped."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in MARKDOWN_PUNCTUATION:
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "]" and i + 1 < n and text[i + 1] in "(:":
            rest = text[i + 2 :].lstrip(" \t")
            dest = re.match(r"<[^>]*>?|\S*", rest).group()  # type: ignore[union-attr]
            if text[i + 1] == "(":
                dest = dest.split(")")[0] if not dest.startswith("<") else dest
            if not dest or not _safe_link(dest):
                out.append("]\\" + text[i + 1])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)

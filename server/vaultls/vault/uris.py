"""File URIs ⇄ file-system paths ⇄ vault paths: the one place where they are converted.

Editors name files by URI, spelled as each one likes: VS Code writes `file:///c%3A/Users/…`,
others `file:///C:/Users/…`, a network share is `file://server/share/…`. The model names
notes by vault path: `/`-separated and relative to the root on every system, as Obsidian does.
Each conversion takes the path flavour (`PureWindowsPath`, `PurePosixPath`) as a parameter,
defaulting to this system's, so Windows and macOS spellings are tested on any system.

A URI is untrusted input: one that names another host (on POSIX), a Windows device (`CON`,
`\\\\?\\…`), `..`, a NUL or an alternate data stream converts to no path at all, and a vault
path with such a part has no file. Whether a path lies inside a vault is `relative`'s answer;
whether its links lead out is `contained`'s (`vaultls.lsp.roots`) before anything is read.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from urllib.parse import quote, unquote, urlsplit

from vaultls.vault.names import key as fold

NATIVE: type[PurePath] = PureWindowsPath if os.name == "nt" else PurePosixPath

# `/c:/x` and `/C%3A/x` (decoded first): a drive letter after the URI path's slash.
_DRIVE = re.compile(r"/?([A-Za-z]):(?=/|$)")
# A host that may name a share: letters, digits and `.-_$` (`wsl$`), not `.` or `?` alone,
# which would make `\\.\` or `\\?\` (Windows device and raw-path namespaces).
_HOST = re.compile(r"(?!\.$)[A-Za-z0-9._$-]+")
# Names Windows gives to devices in every folder, with any extension (`CON.md` is the console).
_DEVICES = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)", re.IGNORECASE)


def is_windows(flavour: type[PurePath]) -> bool:
    return issubclass(flavour, PureWindowsPath)


def to_path(uri: str, flavour: type[PurePath] = NATIVE) -> PurePath | None:
    """The absolute path a `file:` URI names, or None when it names none vaultls may use:
    another scheme, another host (POSIX), a device, `..`, a NUL."""
    if uri[:5].lower() != "file:":
        return None
    try:
        parts = urlsplit(uri)
    except ValueError:  # a malformed authority (`file://[x/`)
        return None
    windows = is_windows(flavour)
    # POSIX file names are bytes: what is not UTF-8 comes back as the bytes it was.
    errors = "replace" if windows else "surrogateescape"
    host = unquote(parts.netloc, errors=errors)
    text = unquote(parts.path, errors=errors)
    if "\x00" in text or "\x00" in host:
        return None
    if host.lower() == "localhost":
        host = ""
    path: PurePath
    if windows:
        if host:
            text = f"//{host}{text}"
        elif drive := _DRIVE.match(text):
            text = drive.group(1).lower() + ":" + text[drive.end() :]
        path = PureWindowsPath(text)
        if not _usable_windows(path):
            return None
    else:
        if host:
            return None  # `file://server/x` is on another machine: never `//server/x` here
        path = PurePosixPath("/" + text.lstrip("/"))
    if ".." in path.parts:
        return None
    return path


def _usable_windows(path: PureWindowsPath) -> bool:
    """An absolute path on a drive or a share, with no device, stream or `\\\\?\\` in it."""
    if not path.is_absolute():
        return False
    if path.drive.startswith("\\\\"):
        host = path.drive[2:].split("\\")[0]
        if not _HOST.fullmatch(host):
            return False
    return all(_usable_windows_name(part) for part in path.parts[1:])


def _usable_windows_name(name: str) -> bool:
    """A name Windows reads as written: no `:` (a stream), no device, not only dots and
    spaces (Windows drops trailing ones, so `.. ` would be `..`)."""
    if ":" in name or not name.rstrip(". "):
        return False
    return not _DEVICES.fullmatch(name.split(".")[0].rstrip(" "))


def from_path(path: PurePath | str, flavour: type[PurePath] = NATIVE) -> str:
    """The URI of an absolute path, as vaultls writes it (and keys open documents by):
    `file:///c:/Users/My%20Note.md`, `file://server/share/x.md`, `file:///home/u/x.md`."""
    pure = flavour(path)
    if isinstance(pure, PureWindowsPath):
        text = pure.as_posix()
        if text.startswith("//"):  # a share: the host is the URI's authority
            host, _, rest = text[2:].partition("/")
            return "file://" + quote(host) + quote("/" + rest, errors="replace")
        if _DRIVE.match(text):
            return "file:///" + text[0].lower() + ":" + quote(text[2:], errors="replace")
        return "file://" + quote("/" + text.lstrip("/"), errors="replace")
    return "file://" + quote(str(pure), errors="surrogateescape")


def key(uri: str, flavour: type[PurePath] = NATIVE) -> str:
    """One spelling of a URI: `%3A` or `:`, `%C3%A9` or `é` and `C:` or `c:` all come out the
    same. Anything that is no usable file URI is its own key."""
    path = to_path(uri, flavour)
    return uri if path is None else from_path(path, flavour)


def relative(root: PurePath, path: PurePath, ignore_case: bool = False) -> str | None:
    """The vault path of `path` under `root` (`""` for the root itself), or None when it is
    outside. Windows paths compare without case, as Windows does; `ignore_case` says the
    same of a macOS (or other) file system."""
    inside, head = root.parts, path.parts[: len(root.parts)]
    if len(path.parts) < len(inside):
        return None
    if ignore_case or isinstance(root, PureWindowsPath):
        if [fold(p) for p in head] != [fold(p) for p in inside]:
            return None
    elif head != inside:
        return None
    rest = path.parts[len(inside) :]
    if ".." in rest:
        return None
    return "/".join(rest)


def join(root: PurePath, vault_path: str) -> PurePath:
    """The file of a vault path. Raises ValueError for a path that could lead elsewhere: an
    empty, `.` or `..` part, and on Windows a drive, a `\\`, a stream or a device name."""
    parts = vault_path.split("/")
    windows = isinstance(root, PureWindowsPath)
    for part in parts:
        if part in ("", ".", "..") or "\x00" in part or (windows and ("\\" in part or not _usable_windows_name(part))):
            raise ValueError(f"{vault_path!r} is not a path inside the vault")
    return root.joinpath(*parts)

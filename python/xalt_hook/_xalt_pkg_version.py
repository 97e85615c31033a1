"""Versions of imported packages from their distribution metadata, resolved at exit.

This reads the same files ``importlib.metadata`` reads (``*.dist-info``, ``*.egg-info``,
``*.egg``), but only in the directories the recorded packages came from, and usually
without opening a file: a wheel's ``<name>-<version>.dist-info`` directory name already
holds the version.  ``importlib.metadata`` itself is not imported: on a typical
interpreter that costs tens of milliseconds at every exit, and ``packages_distributions()``
reads every distribution on ``sys.path``.

Order of resolution for a top-level package ``name`` found in directory ``D``:
1. a distribution in ``D`` whose normalised name is ``name`` (version from the directory
   name, else from its METADATA/PKG-INFO);
2. the distribution in ``D`` whose ``top_level.txt`` lists ``name`` (``PIL`` from
   ``Pillow``, ``yaml`` from ``PyYAML``), read once per directory;
3. the same two steps in the site directories on ``sys.path`` (editable installs keep their
   code elsewhere and their metadata in site-packages) -- but not for modules from the
   script's own directory, which are the user's files even when a distribution of the same
   name happens to be installed;
4. the module's own ``__version__`` string, if it has one.
Stdlib only, Python 3.6+.
"""
import os
import stat
import sys

_META_SUFFIXES = ('.dist-info', '.egg-info', '.egg')
# Metadata files are read only when they are regular files, opened without blocking (a FIFO
# planted as PKG-INFO must not hang the program's exit) and only up to this many bytes (a
# symlink to /dev/zero or a huge file must not either).  Real RECORD files are < 1 MiB.
_READ_LIMIT = 4 << 20


def _read_text(path):
    """The start of a regular file as text, or None (missing, not a regular file, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, left = [], _READ_LIMIT
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b''.join(chunks).decode('utf-8', 'replace')
    except OSError:
        return None
    finally:
        os.close(fd)


def _norm(name):
    return name.lower().replace('-', '_').replace('.', '_')


def _split_meta_dir(entry):
    """('name', 'version' or '') of a metadata directory name, or None."""
    for suffix in _META_SUFFIXES:
        if entry.endswith(suffix):
            stem = entry[:-len(suffix)]
            name, _, rest = stem.partition('-')
            version = rest.split('-')[0] if suffix != '.dist-info' else rest
            return _norm(name), version
    return None


def _header_version(meta_path):
    """``Version:`` from a METADATA/PKG-INFO file (headers end at the first blank line)."""
    candidates = [meta_path]
    if os.path.isdir(meta_path):
        candidates = [os.path.join(meta_path, f) for f in ('METADATA', 'PKG-INFO', os.path.join('EGG-INFO', 'PKG-INFO'))]
    for path in candidates:
        text = _read_text(path)
        if text is None:
            continue
        for line in text.splitlines():
            if not line.strip():
                break
            if line.startswith('Version:'):
                return line[len('Version:'):].strip()
    return ''


def _read_lines(path):
    text = _read_text(path)
    return None if text is None else text.splitlines()


def _record_module(path):
    """The top-level module a RECORD path belongs to, or None (metadata, scripts, caches)."""
    first, sep, _ = path.partition('/')
    if not sep:  # a file directly in site-packages: a single-module distribution
        return first.split('.')[0] if first.endswith(('.py', '.so', '.pyd')) else None
    if first.endswith(('.dist-info', '.egg-info', '.data')) or first in ('..', '__pycache__'):
        return None
    return first


def _top_level_names(meta):
    """Top-level modules a distribution installs: its top_level.txt, else -- wheels built by
    hatchling, flit or poetry have none -- the first component of each RECORD path, as
    importlib.metadata's packages_distributions() does."""
    for sub in ('top_level.txt', os.path.join('EGG-INFO', 'top_level.txt')):
        lines = _read_lines(os.path.join(meta, sub))
        if lines is not None:
            return set(line.strip().split('/')[0] for line in lines if line.strip())
    lines = _read_lines(os.path.join(meta, 'RECORD')) or ()
    return set(m for m in (_record_module(line.split(',')[0]) for line in lines) if m)


class _SiteDir(object):
    """The distributions installed in one directory, indexed lazily.

    A big site-packages holds thousands of entries, and the packages a run imported are
    usually few of them: a package's own distribution is found by binary search in the
    sorted listing (sorting is done in C), and every entry is parsed only when that fails.
    """

    def __init__(self, path):
        self.path = path
        try:
            entries = os.listdir(path)
        except OSError:
            entries = []
        # endswith() with a tuple filters in C: beside each distribution's metadata there is
        # a package directory or module, as many again.
        self.metas = sorted([e for e in entries if e.endswith(_META_SUFFIXES)])
        self.by_name = None  # normalised distribution name -> (entry, version from its name), on first need
        self.top_level = None  # module name -> entry, built on first need

    def _index(self):
        if self.by_name is None:
            self.by_name = {}
            for entry in self.metas:
                split = _split_meta_dir(entry)
                if split is not None:
                    self.by_name.setdefault(split[0], (entry, split[1]))
        return self.by_name

    def _version(self, entry, from_name):
        return from_name or _header_version(os.path.join(self.path, entry))

    def by_distribution_name(self, name):
        # The usual case: the metadata directory is named like the module (numpy-1.26.4.dist-info).
        from bisect import bisect_left
        key = _norm(name)
        i = bisect_left(self.metas, name + '-')
        while i < len(self.metas) and self.metas[i].startswith(name + '-'):
            split = _split_meta_dir(self.metas[i])
            if split is not None and split[0] == key:
                return self._version(self.metas[i], split[1])
            i += 1
        hit = self._index().get(key)
        return self._version(*hit) if hit else ''

    def by_top_level(self, name):
        if self.top_level is None:
            self.top_level = {}
            for entry, _ in self._index().values():
                for module in _top_level_names(os.path.join(self.path, entry)):
                    self.top_level.setdefault(module, entry)
        entry = self.top_level.get(name)
        if entry is None:
            return ''
        return self._version(entry, _split_meta_dir(entry)[1])


def _install_dir(path):
    """The sys.path-like directory a package or module was imported from: the parent of
    ``<dir>/<pkg>/__init__.py``, of ``<dir>/<module>.py`` and of a namespace package's
    ``<dir>/<pkg>`` directory (string operations: this runs once per recorded package)."""
    if not path:
        return ''
    parent, _, base = path.rpartition('/')
    if base.startswith('__init__.'):
        return parent.rpartition('/')[0]
    return parent


def _site_dirs():
    return [p for p in sys.path if p and os.path.basename(p) in ('site-packages', 'dist-packages')]


def resolve_versions(records):
    """{package_name: version or ''} for the staged (name, path, import_time) records."""
    dirs = {}

    def site(path):
        if path not in dirs:
            dirs[path] = _SiteDir(path)
        return dirs[path]

    script_dir = os.path.abspath(sys.path[0] if sys.path and sys.path[0] else os.curdir)
    out = {}
    for name, path, _ in records:
        own = _install_dir(path)
        version = ''
        if own:
            d = site(own)
            # An .egg directory is itself the distribution.
            if own.endswith('.egg'):
                version = (_split_meta_dir(os.path.basename(own)) or ('', ''))[1] or _header_version(own)
            version = version or d.by_distribution_name(name) or d.by_top_level(name)
        if not version and own != script_dir:
            for other in _site_dirs():
                if other != own:
                    d = site(other)
                    version = d.by_distribution_name(name) or d.by_top_level(name)
                    if version:
                        break
        if not version:
            v = getattr(sys.modules.get(name), '__version__', None)
            version = v if isinstance(v, str) else ''
        out[name] = version
    return out

"""xalt's Python package tracker: a meta-path finder that stages one pkg record per
imported top-level package (docs/python.md, docs/internals/contracts.md).

Rules it keeps, because it runs inside every tracked Python program:
* never raises into the program (every entry point catches ``Exception``);
* never touches ``os.environ`` or ``LD_PRELOAD`` and starts no subprocess;
* O(1) work per import: submodules and already-seen names return at once, and a new
  top-level package costs one spec lookup, one rule check and one ``write(2)``;
* writes only while ``os.getpid()`` is the pid named in the staging file (the pid guard),
  so a forked worker or an untracked child never writes into its parent's file.
Stdlib only, Python 3.6+.
"""
import os
import sys
import time
import _thread

from _xalt_pkg_record import PkgLines

_HERE = os.path.dirname(os.path.abspath(__file__))
_OUR_MODULES = frozenset(('sitecustomize', 'xalt_site_rules', '_xalt_pkg_hook',
                          '_xalt_pkg_record', '_xalt_pkg_version'))


def _trace(msg):
    """Diagnostics only when XALT_TRACING asks for them; never on stdout."""
    if os.environ.get('XALT_TRACING', 'no') not in ('', 'no'):
        try:
            os.write(2, ('xalt: pkg: %s\n' % msg).encode('utf-8', 'backslashreplace'))
        except Exception:
            pass


def parse_staging_name(path):
    """(uid, job_id, run_uuid, pid) from a staging path, or None if it is not one.

    ``xalt_pkg.<uid>.<job_id>.<run_uuid>.<pid>.<syshost>.<date_time>.<user>.jsonl``: the
    uuid has a fixed shape, so it anchors the parse even if other parts hold dots.
    """
    base = os.path.basename(path)
    if not (base.startswith('xalt_pkg.') and base.endswith('.jsonl')):
        return None
    parts = base[len('xalt_pkg.'):-len('.jsonl')].split('.')
    for i in range(2, len(parts) - 4):
        p = parts[i]
        if len(p) == 36 and p.count('-') == 4 and parts[i + 1].isdigit():
            return parts[0], '.'.join(parts[1:i]), p, int(parts[i + 1])
    return None


class _Stdlib(object):
    """Is a top-level module part of the standard library?"""

    def __init__(self):
        names = getattr(sys, 'stdlib_module_names', None)  # Python >= 3.10
        self.by_name = frozenset(names or ()) | frozenset(sys.builtin_module_names)
        self.exact = names is not None
        # Fallback for older Pythons: a module under the directory os.py came from, but not
        # in a site-packages/dist-packages directory below it.
        self.lib = os.path.dirname(os.__file__) + os.sep

    def by_path(self, origin):
        if self.exact or not origin or not origin.startswith(self.lib):
            return False
        rest = origin[len(self.lib):]
        return not (rest.startswith('site-packages') or rest.startswith('dist-packages'))


class _Rules(object):
    """The site's PKG_RULES from xalt_site_rules.py beside this file, compiled on first use
    (most programs import only the standard library, and ``re`` is not free to import)."""

    def __init__(self):
        self.rules = None

    def _load(self):
        try:
            import re
            ns = {}
            path = os.path.join(_HERE, 'xalt_site_rules.py')
            if os.path.exists(path):
                with open(path, 'rb') as f:
                    exec(compile(f.read(), path, 'exec'), ns)
            rules = []
            for action, kind, regex in ns.get('PKG_RULES', ()):
                if action not in ('KEEP', 'SKIP') or kind not in ('name', 'path'):
                    raise ValueError('bad rule %r' % ((action, kind, regex),))
                rules.append((action == 'KEEP', kind == 'name', re.compile(regex)))
            self.rules = rules
        except Exception as e:
            # Fail closed: a site that wrote SKIP rules (often for privacy) must not get
            # everything recorded because its rules file is broken.
            _trace('xalt_site_rules.py unusable, recording nothing: %s' % e)
            self.rules = [(False, True, None)]

    def keep(self, name, path):
        if self.rules is None:
            self._load()
        for keep, on_name, rx in self.rules:
            if rx is None or rx.fullmatch(name if on_name else path):
                return keep
        return True


def _is_probe():
    """Is this lookup ``importlib.util.find_spec()`` (also behind ``pkgutil.find_loader``)
    rather than an import?  Libraries probe for optional dependencies that way (transformers
    asks about dozens); a probe imports nothing, so it must not be recorded.

    The stack is: our find_spec <- importlib._bootstrap._find_spec <- its caller, which is
    ``_find_and_load_unlocked`` for an import and importlib.util's ``find_spec`` for a probe
    (the same on Python 3.6 to 3.13).  Only a positively identified probe is skipped, so on
    an unfamiliar interpreter the hook errs on the side of recording.
    """
    try:
        code = sys._getframe(3).f_code
    except Exception:
        return False
    return code.co_name == 'find_spec' and 'importlib' in code.co_filename


def _origin(spec):
    """Where a module was found: its file, else the first directory of a namespace package."""
    origin = getattr(spec, 'origin', None)
    if origin and origin not in ('built-in', 'frozen', 'namespace'):
        return origin
    locations = getattr(spec, 'submodule_search_locations', None)
    if locations:
        for loc in locations:
            return loc
    return ''


class XaltPkgFinder(object):
    """Meta-path finder that records each new top-level package.

    To learn where a package comes from it asks the finders after it on ``sys.meta_path``,
    in order, exactly as the import system is about to, and hands back what they found
    (or None).  Returning None and letting the import system ask again would be the
    smaller intervention, but it doubles the cost of every recorded import: the spec
    lookup stats every ``sys.path`` entry, and with 300 packages the second lookup alone
    exceeds the 15 ms budget.  Anything that goes wrong on our side returns None, so the
    import system then does its own lookup as if we were not there.
    """

    def __init__(self, staging, run_uuid, job_id, pid):
        self.staging = staging
        self.run_uuid = run_uuid
        self.job_id = job_id
        self.pid = pid
        self.fd = -1
        self.enabled = True
        self.seen = set(_OUR_MODULES)
        self.records = []  # (name, path, import_time) of every line written, for the rewrite at exit
        self.lock = _thread.allocate_lock()
        self.busy = set()  # thread ids inside find_spec: the re-entrancy guard
        self.stdlib = _Stdlib()
        self.rules = _Rules()
        self.lines = PkgLines(run_uuid, '%d.%d.%d' % tuple(sys.version_info[:3]), job_id)

    def find_spec(self, fullname, path=None, target=None):
        # Submodules (path given) and names seen before cost one test each.
        if path is not None or fullname in self.seen or not self.enabled:
            return None
        if fullname in self.stdlib.by_name:
            self.seen.add(fullname)
            return None
        if _is_probe():
            return None
        tid = _thread.get_ident()
        if tid in self.busy:
            return None
        self.busy.add(tid)
        try:
            return self._consider(fullname, target)
        except Exception as e:
            _trace('%s: %s' % (fullname, e))
            return None
        finally:
            self.busy.discard(tid)

    def _lookup(self, fullname, target):
        """Ask the finders after us, as the import system is about to."""
        meta_path = sys.meta_path
        for finder in meta_path[meta_path.index(self) + 1:]:
            find = getattr(finder, 'find_spec', None)
            if find is not None:
                spec = find(fullname, None, target)
                if spec is not None:
                    return spec
        return None

    def _consider(self, name, target):
        spec = self._lookup(name, target)
        if spec is None:
            return None  # the import will fail; a later retry may succeed, so not "seen"
        with self.lock:
            if name in self.seen:
                return spec
            self.seen.add(name)
        origin = _origin(spec)
        if not self.stdlib.by_path(origin) and self.rules.keep(name, origin):
            self._stage((name, origin, '%.4f' % time.time()))
        return spec

    def _stage(self, record):
        """Append one complete record (version still unknown) with a single write(2)."""
        if os.getpid() != self.pid:
            self.enabled = False
            return
        if self.fd < 0 and not self._open():
            return
        data = self.lines.line('', *record)
        if os.write(self.fd, data) == len(data):
            self.records.append(record)
        else:
            # A short write (tmpfs full) leaves half a line; appending after it would glue
            # two records together, so stop here with what is complete.
            self.enabled = False

    def _open(self):
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0)
        try:
            fd = os.open(self.staging, flags, 0o600)
        except OSError as e:
            self.enabled = False  # no tmpdir, a symlink planted there: do not retry per import
            _trace('%s: %s' % (self.staging, e))
            return False
        st = os.fstat(fd)
        # The tmpdir is world-writable: write only into a plain file of our own.
        if not (st.st_mode & 0o170000 == 0o100000 and st.st_uid == os.geteuid()):
            os.close(fd)
            self.enabled = False
            _trace('%s: not a regular file of ours, not writing' % self.staging)
            return False
        self.fd = fd
        return True

    def forked(self):
        """In a forked child: it is not the run, so it stops recording (the pid guard)."""
        self.enabled = False
        self.records = []

    def at_exit(self):
        """Fill in versions and rewrite the staging file atomically (``.new`` + rename)."""
        try:
            if os.getpid() != self.pid or not self.records or self.fd < 0:
                return
            if os.fstat(self.fd).st_nlink == 0:
                return  # already published and removed: do not resurrect it
            self.enabled = False
            from _xalt_pkg_version import resolve_versions
            versions = resolve_versions(self.records)
            if not any(versions.values()):
                return
            data = b''.join(self.lines.line(versions.get(name, ''), name, path, t)
                            for name, path, t in self.records)
            _replace(self.staging, data)
        except Exception as e:
            _trace('at exit: %s' % e)


def _replace(path, data):
    """Write ``path.new`` (O_EXCL, O_NOFOLLOW, 0600) and rename it over ``path``."""
    tmp = path + '.new'
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        os.unlink(tmp)  # a leftover from a killed rewrite; unlink never follows a symlink
        fd = os.open(tmp, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.rename(tmp, path)


_installed = None


def install():
    """Put the finder first on sys.meta_path when this process is a run with pkg staging.

    Returns the finder, or None when this process must not record anything.
    """
    global _installed
    if _installed is not None:
        return _installed
    env = os.environ
    if env.get('XALT_EXECUTABLE_TRACKING', '').lower() == 'no':
        return None
    staging = env.get('XALT_PKG_STAGING', '')
    parsed = parse_staging_name(staging) if staging.startswith('/') else None
    if parsed is None:
        return None
    _uid, job_id, run_uuid, pid = parsed
    if pid != os.getpid():
        return None  # an untracked child that inherited its parent's variables
    finder = XaltPkgFinder(staging, run_uuid, job_id, pid)
    sys.meta_path.insert(0, finder)
    import atexit
    atexit.register(finder.at_exit)
    if hasattr(os, 'register_at_fork'):  # Python >= 3.7; older ones rely on the pid check
        os.register_at_fork(after_in_child=finder.forked)
    _installed = finder
    return finder

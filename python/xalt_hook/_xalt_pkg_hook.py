"""xalt's Python package tracker, the part every tracked run loads at start-up: a meta-path
finder that finds each new top-level package and hands it to _xalt_pkg_stage.py (loaded with
the first package to record), which stages its pkg record (docs/python.md,
docs/internals/contracts.md).

Rules it keeps, because it runs inside every tracked Python program:
* never raises into the program (every entry point catches ``Exception``);
* never touches ``os.environ`` or ``LD_PRELOAD`` and starts no subprocess;
* O(1) work per import: submodules, the standard library and names seen before return at
  once, and a new top-level package costs one spec lookup, one rule check and one ``write(2)``;
* writes only while ``os.getpid()`` is the pid named in the staging file (the pid guard),
  so a forked worker or an untracked child never writes into its parent's file;
* a tracked run that records nothing (``python3 -c 'import json'``) pays only for this
  module, so it is kept small (its size is most of its cost): it defines no class (the
  module itself is the finder on ``sys.meta_path``: the import system calls its
  ``find_spec``), and its tables are dicts, which the garbage collector does not walk (it
  walks every set at every pass).
Stdlib only, Python 3.6+.
"""
import os
import sys
from _thread import allocate_lock, get_ident

# Never recorded: our own modules, and usercustomize, which site.py imports right after us
# (site configuration, not a package; looking it up for nothing would search sys.path twice).
_seen = dict.fromkeys(('sitecustomize', 'usercustomize', 'xalt_site_rules', '_xalt_pkg_hook', '_xalt_pkg_stage',
                       '_xalt_pkg_fields', '_xalt_pkg_record', '_xalt_pkg_version'))
# The standard library by name: the interpreter's own frozenset (Python >= 3.10).  Built-in
# modules are told by their spec (_consider).  Older Pythons: also what lies under the
# directory os.py came from, except its site-packages and dist-packages (_LIB).
_STDLIB = getattr(sys, 'stdlib_module_names', ())
_LIB = None if _STDLIB else os.path.dirname(os.__file__) + os.sep
_enabled = False
_pid = -1
_staging = None
_finder = None  # this module, once install() has put it on sys.meta_path
_stage = None  # the _xalt_pkg_stage module, loaded with the first package to record
_lock = allocate_lock()
_load_lock = allocate_lock()
_busy = {}  # thread ids inside find_spec: the re-entrancy guard


def find_spec(fullname, path=None, target=None):
    # To learn where a new top-level package comes from, ask the finders after us on
    # sys.meta_path, in order, exactly as the import system is about to, and hand back
    # what they found (or None).  Returning None and letting the import system ask again
    # would be the smaller intervention, but it doubles the cost of every recorded import:
    # the spec lookup stats every sys.path entry, and with 300 packages the second lookup
    # alone exceeds the 15 ms budget.  Anything that goes wrong on our side returns None, so
    # the import system then does its own lookup as if we were not there.
    #
    # Submodules (path given), names seen before and the standard library cost a test each.
    if path is not None or fullname in _seen or fullname in _STDLIB or not _enabled:
        return None
    if _is_probe():
        return None
    if os.getpid() != _pid:
        disable()  # a forked child, which is not the run (the pid guard)
        return None
    tid = get_ident()
    if tid in _busy:
        return None
    _busy[tid] = None
    try:
        return _consider(fullname, target)
    except Exception as e:
        _trace('%s: %s' % (fullname, e))
        return None
    finally:
        _busy.pop(tid, None)


def _is_probe():
    # Is this lookup importlib.util.find_spec() (also behind pkgutil.find_loader) rather
    # than an import?  Libraries probe for optional dependencies that way (transformers asks
    # about dozens); a probe imports nothing, so it must not be recorded.  The stack is: our
    # find_spec <- importlib._bootstrap._find_spec <- its caller, which is
    # _find_and_load_unlocked for an import and importlib.util's find_spec for a probe (the
    # same on Python 3.6 to 3.13).  Only a positively identified probe is skipped, so on an
    # unfamiliar interpreter the hook errs on the side of recording.
    try:
        code = sys._getframe(3).f_code
    except Exception:
        return False
    return code.co_name == 'find_spec' and 'importlib' in code.co_filename


def _consider(name, target):
    spec = None
    meta_path = sys.meta_path
    for finder in meta_path[meta_path.index(_finder) + 1:]:
        find = getattr(finder, 'find_spec', None)
        if find is not None:
            spec = find(name, None, target)
            if spec is not None:
                break
    if spec is None:
        return None  # the import will fail; a later retry may succeed, so not "seen"
    with _lock:
        if name in _seen:
            return spec
        _seen[name] = None
    # Where it was found: its file, else the first directory of a namespace package.
    origin = getattr(spec, 'origin', None)
    if origin == 'built-in':
        return spec  # a module built into the interpreter: the standard library
    if not origin or origin in ('frozen', 'namespace'):
        origin = ''
        for origin in getattr(spec, 'submodule_search_locations', None) or ():
            break
    if _LIB is None or not _in_stdlib_dir(origin):
        if _stage is None:
            _load_stage()
        _stage.consider(name, origin)
    return spec


def _in_stdlib_dir(origin):
    if not origin.startswith(_LIB):
        return False
    rest = origin[len(_LIB):]
    return not (rest.startswith('site-packages') or rest.startswith('dist-packages'))


def _load_stage():
    global _stage
    # Two threads may record their first packages at once: one loads, the other waits.  Not
    # under _lock: loading imports time, and a thread importing time (Python < 3.10, where
    # it is not known by name) holds the import system's lock for it while it waits for
    # _lock.  No thread holds a standard library module's lock while it waits here.
    with _load_lock:
        if _stage is None:
            try:
                stage = _sibling('_xalt_pkg_stage')
                stage.start(_finder)
                _stage = stage
            except Exception:
                disable()
                raise


def disable():
    """Record nothing more in this process (a fork, a failed write, exit)."""
    global _enabled
    _enabled = False


def _sibling(name):
    """The module ``name`` from this directory, loaded on first use.

    By file name, not through sys.path: sitecustomize takes this directory off sys.path (so
    the program's own imports do not search it).  Through the import system's own
    SourceFileLoader, already loaded, so the bytecode ``xalt install`` compiled is used.
    """
    module = sys.modules.get(name)
    if module is None:
        bootstrap = sys.modules['_frozen_importlib']
        here = os.path.dirname(os.path.abspath(__file__))
        loader = sys.modules['_frozen_importlib_external'].SourceFileLoader(name, os.path.join(here, name + '.py'))
        module = bootstrap.module_from_spec(bootstrap.spec_from_loader(name, loader))
        loader.exec_module(module)
        sys.modules[name] = module
    return module


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
    base = path.rpartition('/')[2]
    if not (base.startswith('xalt_pkg.') and base.endswith('.jsonl')):
        return None
    parts = base[len('xalt_pkg.'):-len('.jsonl')].split('.')
    for i in range(2, len(parts) - 4):
        p = parts[i]
        if len(p) == 36 and p.count('-') == 4 and parts[i + 1].isdigit():
            return parts[0], '.'.join(parts[1:i]), p, int(parts[i + 1])
    return None


def _at_exit():
    if _stage is not None:
        _stage.at_exit()


def install():
    """Put this module, the finder, first on sys.meta_path when this process is a run with
    pkg staging (its pid is the one in XALT_PKG_STAGING: an untracked child inherits its
    parent's variables).  Returns the finder, or None when this process must not record.
    """
    global _enabled, _pid, _staging, _finder
    if _finder is not None:
        return _finder
    env = os.environ
    if env.get('XALT_EXECUTABLE_TRACKING', '').lower() == 'no':
        return None
    staging = env.get('XALT_PKG_STAGING', '')
    parsed = parse_staging_name(staging) if staging.startswith('/') else None
    if parsed is None or parsed[3] != os.getpid():
        return None
    _staging, _pid, _enabled = staging, parsed[3], True
    _finder = sys.modules[__name__]
    sys.meta_path.insert(0, _finder)
    # Registered now, not with the first record: handlers run last-registered first, so
    # ours runs after the program's, which may still import packages.
    import atexit
    atexit.register(_at_exit)
    # No os.register_at_fork() to stop a forked child: the pid guard in find_spec does.  The
    # callback would keep this module, and all it refers to, alive into the interpreter's
    # finalisation, which then costs every tracked run 0.5 M instructions.
    return _finder

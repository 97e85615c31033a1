"""xalt's sitecustomize: starts Python package tracking, then runs the next sitecustomize.

Put this directory on PYTHONPATH (the xalt modulefile does).  The tracker itself lives in
_xalt_pkg_hook.py; this shim, which every Python process on the node loads,

1. installs it when this process is a tracked run with pkg staging (XALT_PKG_STAGING set
   for this pid, XALT_EXECUTABLE_TRACKING not "no"),
2. always runs the sitecustomize that this one shadows (an interpreter's, a venv's, a
   conda env's), so a site's or user's customisation is never taken away, and
3. takes this directory off sys.path again: every later import of the program would
   otherwise look in it first (a stat per import), and the program sees the sys.path it
   would have had without xalt.  The environment (PYTHONPATH) is left alone, so child
   processes are tracked as before.

Nothing here may raise into the interpreter's start-up, nor import anything not yet
loaded when site.py runs it (docs/python.md, "Cost").  Stdlib only, Python 3.6+.
"""


def _xalt_start():
    # Most Python processes are not tracked runs: decide from the environment first, so they
    # pay for nothing more than this lookup (os is loaded already by site.py).
    import os
    env = os.environ
    if not env.get('XALT_PKG_STAGING') or env.get('XALT_EXECUTABLE_TRACKING', '').lower() == 'no':
        return
    try:
        import _xalt_pkg_hook
        _xalt_pkg_hook.install()
    except Exception:
        pass


def _xalt_own_entries(path):
    """Indices of this directory in ``path``.  site.py has made the entries absolute and
    normal before it imports us, and __file__ is the entry it was found in plus the name, so
    a string comparison finds it; abspath is the fallback for a path set up otherwise."""
    here = __file__.rpartition('/')[0]
    mine = [i for i, p in enumerate(path) if p == here]
    if not mine:
        import os
        here = os.path.dirname(os.path.abspath(__file__))
        mine = [i for i, p in enumerate(path) if os.path.abspath(p or os.curdir) == here]
    return mine


def _xalt_next_sitecustomize(rest):
    """The spec of the first sitecustomize in the directories ``rest`` that is not a copy
    of this one (two xalt installs on the path), or None."""
    import os
    import sys
    finder = next(f for f in sys.meta_path if getattr(f, '__name__', '') == 'PathFinder')
    while rest:
        spec = finder.find_spec('sitecustomize', rest)
        if spec is None or spec.loader is None:
            return None
        found_dir = os.path.dirname(spec.origin or '')
        if not os.path.exists(os.path.join(found_dir, '_xalt_pkg_hook.py')):
            return spec
        left = [p for p in rest if p != found_dir and os.path.abspath(p or os.curdir) != found_dir]
        if len(left) == len(rest):
            return None  # found through an entry we cannot tell apart: stop rather than loop
        rest = left
    return None


def _xalt_chain():
    """Leave sys.path as it would be without this directory, then run the next sitecustomize."""
    import sys
    try:
        path = sys.path
        mine = _xalt_own_entries(path)
        # Directories before ours were searched by site.py already: theirs would have won.
        rest = [p for i, p in enumerate(path) if i not in mine and (not mine or i > mine[0])]
        for i in reversed(mine):
            del path[i]
        spec = _xalt_next_sitecustomize(rest)
    except Exception:
        return
    if spec is None:
        return
    # Run it as "sitecustomize", as site.py would have.  Its own errors are reported the
    # way site.py reports them, and never stop the interpreter.  module_from_spec comes from
    # the import system's own frozen module, already loaded: importing importlib.util would
    # pull in contextlib, enum and re on every start of an interpreter (Debian's python3
    # ships a sitecustomize of its own, so this runs for every one of its processes).
    try:
        module = sys.modules['_frozen_importlib'].module_from_spec(spec)
        sys.modules['sitecustomize'] = module
        spec.loader.exec_module(module)
    except Exception as err:
        sys.stderr.write('Error in sitecustomize (%s); set PYTHONVERBOSE for traceback:\n%s: %s\n'
                         % (spec.origin, err.__class__.__name__, err))


_xalt_start()
_xalt_chain()
del _xalt_start, _xalt_chain, _xalt_own_entries, _xalt_next_sitecustomize

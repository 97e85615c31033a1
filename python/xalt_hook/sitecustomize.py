"""xalt's sitecustomize: starts Python package tracking, then runs the next sitecustomize.

Put this directory on PYTHONPATH (the xalt modulefile does).  The tracker itself lives in
_xalt_pkg_hook.py; this shim only

1. installs it when this process is a tracked run with pkg staging (XALT_PKG_STAGING set
   for this pid, XALT_EXECUTABLE_TRACKING not "no"), and
2. always runs the sitecustomize that this one shadows (an interpreter's, a venv's, a
   conda env's), so a site's or user's customisation is never taken away.

Nothing here may raise into the interpreter's start-up.  Stdlib only, Python 3.6+.
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


def _xalt_chain():
    """Find the next sitecustomize on sys.path after this directory and execute it."""
    import os
    import sys
    try:
        here = os.path.dirname(os.path.abspath(__file__))
        this_file = os.path.abspath(__file__)
        paths = [os.path.abspath(p or os.curdir) for p in sys.path]
        start = paths.index(here) + 1 if here in paths else 0
        rest = [p for p in sys.path[start:] if os.path.abspath(p or os.curdir) != here]
        finder = next(f for f in sys.meta_path if getattr(f, '__name__', '') == 'PathFinder')
        while rest:
            spec = finder.find_spec('sitecustomize', rest)
            if spec is None or spec.loader is None:
                return
            origin = os.path.abspath(spec.origin or '')
            found_dir = os.path.dirname(origin)
            if origin != this_file and not os.path.exists(os.path.join(found_dir, '_xalt_pkg_hook.py')):
                break
            # Another copy of xalt's hook (two installs on the path): look further along.
            rest = [p for p in rest if os.path.abspath(p or os.curdir) != found_dir]
        else:
            return
    except Exception:
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
del _xalt_start, _xalt_chain

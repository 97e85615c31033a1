# xalt's sitecustomize: starts Python package tracking, then runs the next sitecustomize.
#
# Put this directory on PYTHONPATH (the xalt modulefile does).  The tracker itself lives in
# _xalt_pkg_hook.py; this shim, which every Python process on the node loads,
#
# 1. installs it when this process is a tracked run with pkg staging (XALT_PKG_STAGING set
#    for this pid, XALT_EXECUTABLE_TRACKING not "no"),
# 2. always runs the sitecustomize that this one shadows (an interpreter's, a venv's, a
#    conda env's), so a site's or user's customisation is never taken away, and
# 3. takes this directory off sys.path again: every later import of the program would
#    otherwise look in it first (a stat per import), and the program sees the sys.path it
#    would have had without xalt.  The environment (PYTHONPATH) is left alone, so child
#    processes are tracked as before.
#
# Nothing here may raise into the interpreter's start-up, nor import anything not yet loaded
# when site.py runs it.  Every Python process pays for loading this file, so it is one
# function, with comments rather than docstrings (docs/python.md, "Cost").  Stdlib only,
# Python 3.6+.


def _xalt():
    import os
    import sys
    # Most Python processes are not tracked runs: decide from the environment first, so they
    # pay for nothing more than this lookup.
    env = os.environ
    if env.get('XALT_PKG_STAGING') and env.get('XALT_EXECUTABLE_TRACKING', '').lower() != 'no':
        # The tracker, loaded from this directory by the import system's own loader (its
        # bytecode, checked against the source as for any import), without an import: a
        # search of sys.path and the import locks would cost a tracked run 0.1 M
        # instructions more.
        try:
            name = '_xalt_pkg_hook'
            bootstrap = sys.modules['_frozen_importlib']
            loader = sys.modules['_frozen_importlib_external'].SourceFileLoader(
                name, os.path.join(os.path.dirname(os.path.abspath(__file__)), name + '.py'))
            module = bootstrap.module_from_spec(bootstrap.spec_from_loader(name, loader))
            loader.exec_module(module)
            sys.modules[name] = module
            module.install()
        except Exception:
            pass
    try:
        # Our entries in sys.path.  site.py has made them absolute and normal before it
        # imports us, and __file__ is the entry it was found in plus the name, so a string
        # comparison finds them; abspath is the fallback for a path set up otherwise.
        path = sys.path
        here = __file__.rpartition('/')[0]
        mine = [i for i, p in enumerate(path) if p == here]
        if not mine:
            here = os.path.dirname(os.path.abspath(__file__))
            mine = [i for i, p in enumerate(path) if os.path.abspath(p or os.curdir) == here]
        # Directories before ours were searched by site.py already: theirs would have won.
        rest = [p for i, p in enumerate(path) if i not in mine and (not mine or i > mine[0])]
        for i in reversed(mine):
            del path[i]
        # The first sitecustomize in the rest that is not a copy of this one (two xalt
        # installs on the path).
        finder = next(f for f in sys.meta_path if getattr(f, '__name__', '') == 'PathFinder')
        while True:
            spec = finder.find_spec('sitecustomize', rest)
            if spec is None or spec.loader is None:
                return
            found = os.path.dirname(spec.origin or '')
            if not os.path.exists(os.path.join(found, '_xalt_pkg_hook.py')):
                break
            left = [p for p in rest if p != found and os.path.abspath(p or os.curdir) != found]
            if len(left) == len(rest):
                return  # found through an entry we cannot tell apart: stop rather than loop
            rest = left
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


_xalt()
del _xalt

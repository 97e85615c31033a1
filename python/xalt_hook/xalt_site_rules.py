# DEFAULT placeholder, not generated: `xalt build` / `xalt install` replace this file with
# the [python] package rules compiled from the site's xalt.toml.
#
# PKG_RULES: ordered (action, kind, regex) triples; action "KEEP" or "SKIP", kind "name"
# (the top-level package name) or "path" (the file it was imported from).  The first rule
# whose regex matches the whole string decides; no match means KEEP.  The standard library
# is always skipped, whatever the rules say.
PKG_RULES = []

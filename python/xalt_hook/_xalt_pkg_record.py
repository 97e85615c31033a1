"""Pkg record bytes, identical to ``serializeRecord`` in src/schema/serialize.ts.

Compact JSON, members in the order of the generated _xalt_pkg_fields.PKG_MEMBERS (schema
order), ``{"crc":"0xHHHH",`` first: CRC-16/CCITT-FALSE over the UTF-8 record with ``0xFFFF``
in the crc slot (``binascii.crc_hqx`` with seed 0xFFFF is exactly that CRC, in C), a trailing
newline.  Written without the ``json`` module because importing it would cost more than the
whole hook is allowed to (docs/python.md).  Stdlib only, Python 3.6+.
"""
import binascii

# str.translate table: what JSON.stringify escapes.  Control characters use the short
# escapes where JSON has them, else \u00xx (lowercase hex).
_ESCAPES = {i: '\\u%04x' % i for i in range(0x20)}
_ESCAPES.update({0x08: '\\b', 0x09: '\\t', 0x0A: '\\n', 0x0C: '\\f', 0x0D: '\\r',
                 0x22: '\\"', 0x5C: '\\\\'})
# A path byte that is not valid UTF-8 reaches us as a lone surrogate U+DC80..U+DCFF
# (surrogateescape); the contract writes it as \u00xx of that byte, so the record stays
# valid JSON and valid UTF-8.
_ESCAPES.update({0xDC00 + b: '\\u%04x' % b for b in range(0x80, 0x100)})

# The members whose value is per package, in the order line() takes them; every other member
# is the same for all records of a run and is passed to PkgLines once.
PER_PACKAGE = ('package_version', 'package_name', 'package_path', 'import_time')


def json_string(s):
    """``s`` as a JSON string literal, escaped as JSON.stringify does."""
    s = str(s)
    # Fast path for the usual case; isprintable() is False for control characters, lone
    # surrogates and U+2028/2029, which translate() then handles (or leaves, as JSON does).
    if s.isprintable() and '"' not in s and '\\' not in s:
        return '"' + s + '"'
    return '"' + s.translate(_ESCAPES) + '"'


class PkgLines(object):
    """Serializes the pkg records of one run.

    ``members`` is the schema's member list (crc first); ``per_run`` the values of the
    members that are the same for every record of the run, escaped here once.  A member the
    schema has and the hook has no value for raises ValueError: the hook then records
    nothing rather than write records the schema does not describe.
    """

    def __init__(self, members, per_run):
        if not members or members[0] != 'crc':
            raise ValueError('pkg records must start with "crc", not %r' % (members[:1],))
        parts = ['{{"crc":"0xFFFF"']  # braces doubled: this is a str.format template
        for member in members[1:]:
            if member in PER_PACKAGE:
                value = '{%d}' % PER_PACKAGE.index(member)
            elif member in per_run:
                value = json_string(per_run[member]).replace('{', '{{').replace('}', '}}')
            else:
                raise ValueError('no value for pkg member %r' % member)
            parts.append(',"%s":%s' % (member, value))
        parts.append('}}')
        self.template = ''.join(parts)  # str.format template over the PER_PACKAGE values

    def line(self, version, name, path, import_time):
        """One record line (bytes, newline included)."""
        text = self.template.format(json_string(version), json_string(name), json_string(path), json_string(import_time))
        data = text.encode('utf-8', 'backslashreplace')
        return b'{"crc":"0x%04X"' % binascii.crc_hqx(data, 0xFFFF) + data[15:] + b'\n'

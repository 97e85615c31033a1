"""Pkg record bytes, identical to ``serializeRecord`` in src/schema/serialize.ts.

Compact JSON, members in schema order, ``{"crc":"0xHHHH",`` first: CRC-16/CCITT-FALSE over
the UTF-8 record with ``0xFFFF`` in the crc slot (``binascii.crc_hqx`` with seed 0xFFFF is
exactly that CRC, in C), a trailing newline.  Written without the ``json`` module because
importing it would cost more than the whole hook is allowed to (docs/python.md).
Stdlib only, Python 3.6+.
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

    Members in the order of src/schema/pkg-record.ts: program, xalt_run_uuid,
    package_version, package_name, package_path, program_version, job_id, import_time.
    The members that are the same for every record of the run are escaped once.
    """

    def __init__(self, run_uuid, program_version, job_id):
        self.head = ',"program":"python","xalt_run_uuid":%s,"package_version":' % json_string(run_uuid)
        self.tail = ',"program_version":%s,"job_id":%s,"import_time":' % (json_string(program_version), json_string(job_id))

    def line(self, version, name, path, import_time):
        """One record line (bytes, newline included)."""
        body = ''.join((self.head, json_string(version), ',"package_name":', json_string(name),
                        ',"package_path":', json_string(path), self.tail, json_string(import_time), '}'))
        data = ('{"crc":"0xFFFF"' + body).encode('utf-8', 'backslashreplace')
        return b'{"crc":"0x%04X"' % binascii.crc_hqx(data, 0xFFFF) + data[15:] + b'\n'

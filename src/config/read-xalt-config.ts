/**
 * The IO edge of `xalt config import`: evaluate an XALT site config (a Python file) with
 * python3 and return its known lists as JSON. Isolated mode (-I: no user site, no
 * PYTHON* variables), sockets disabled inside the interpreter, a 10 s limit, stdlib only.
 */
import { spawnSync } from 'node:child_process';
import { RuntimeError, UserError } from '../errors.js';

/** The names XALT reads from a config.py. */
export const XALT_CONFIG_NAMES = [
  'hostname_patterns', 'path_patterns', 'path_arg_patterns', 'env_patterns', 'interval_array', 'mpi_interval_array',
  'MPI_ALWAYS_RECORD', 'python_pkg_patterns', 'pkg_patterns', 'pre_ingest_patterns',
] as const;

const EVALUATOR = `
import json, math, socket, sys
def _no_network(*a, **k):
    raise OSError("network access is disabled while xalt imports a config")
for _name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
    setattr(socket, _name, _no_network)
path = sys.argv[1]
names = sys.argv[2].split(",")
with open(path) as f:
    source = f.read()
ns = {"__name__": "__xalt_site_config__", "__file__": path}
try:
    exec(compile(source, path, "exec"), ns)
except SystemExit:
    pass
except BaseException as e:
    tb = e.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(e, SyntaxError):
        line = e.lineno or 0
    sys.stderr.write("%d\\t%s: %s\\n" % (line, type(e).__name__, e))
    sys.exit(3)
def clean(v):
    if isinstance(v, float) and (math.isinf(v) or math.isnan(v) or v > 1e300):
        return 1e300
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)
json.dump({n: clean(ns[n]) for n in names if n in ns}, sys.stdout)
`;

/** Evaluate `path` with python3; returns the known names' values. */
export function evaluateXaltConfig(path: string, python = process.env['XALT_PYTHON'] ?? 'python3', timeoutMs = 10_000): Record<string, unknown> {
  const r = spawnSync(python, ['-I', '-c', EVALUATOR, path, XALT_CONFIG_NAMES.join(',')], {
    encoding: 'utf8', timeout: timeoutMs, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, maxBuffer: 32 << 20,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new UserError('XALT_IMPORT_FAILED', `${path}: evaluating the config took longer than ${timeoutMs / 1000} s`, 'an XALT config should only define lists; remove slow code');
    throw new RuntimeError('XALT_IMPORT_FAILED', `cannot run ${python}: ${code ?? r.error.message}`, 'install python3 or set $XALT_PYTHON');
  }
  if (r.signal) throw new UserError('XALT_IMPORT_FAILED', `${path}: evaluating the config was stopped (${r.signal}); it took longer than ${timeoutMs / 1000} s or was killed`, 'an XALT config should only define lists');
  if (r.status !== 0) {
    const [line, msg] = (r.stderr.trim().split('\n').pop() ?? '').split('\t');
    throw new UserError('XALT_IMPORT_FAILED', `${path}:${line || 1}: python3 could not evaluate the config: ${msg ?? r.stderr.trim()}`, 'the file must run with "python3 FILE" on its own');
  }
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/*
 * ship.h — the only header shared by xalt-ship's translation units (the .c files in native/ship).
 * xalt-ship is the root-owned node side of the `ship` and `syslog` transports
 * (docs/ship.md, docs/internals/contracts.md "xalt-ship"): it moves the staging files the
 * collector, the link helper and the Python hook leave in the node-local tmpdir into one
 * bundle per job in the shared spool (or into syslog lines), filling hash_id and closing
 * runs a job left open.
 *
 * It shares the collector's record code (json.c: jbuf, string escaping, %.4f, crc; sha1.c;
 * uuid.c; timefmt.c; syshost.c; env.c) through internal.h.
 */
#ifndef XALT_SHIP_H
#define XALT_SHIP_H

#include "internal.h"

/* The collector maps memcpy & co to inline loops for its decision path (internal.h);
 * xalt-ship is an ordinary program and uses libc's. */
#undef memcpy
#undef memcmp
#undef memchr
#undef strchr
#undef strcmp
#undef strncmp
#undef strnlen
#undef strlen
#undef memset

#include <stdio.h>
#include <sys/stat.h>

/* ---- limits; each says why ---- */
#define SHIP_FILE_MAX ((off_t)64 << 20)   /* a staging file larger than this is refused (contracts.md) */
#define SHIP_HASH_MAX ((off_t)8 << 30)    /* executables above 8 GiB are not hashed (bounds epilog time) */
#define SHIP_NAME_MAX 512                 /* a record or bundle file name: parts are bounded below */
#define SHIP_USER_MAX 64                  /* user names in file names (Linux allows 32) */
#define SHIP_JOB_MAX 128                  /* a job id in file names: Slurm's are < 20 characters */
#define SHIP_STATE_MAX 64                 /* --job-state: Slurm's longest is OUT_OF_MEMORY */
#define SHIP_SYSLOG_CHUNK 512             /* XALT's SYSLOG_MSG_SZ: what `xalt ingest --syslog` pads to */
#define SHIP_RECORD_BUF (256 * 1024)      /* reused record buffers: records are ~3-20 kB, larger ones are mapped */

/* ---- options.c: the command line (docs/ship.md) ---- */
enum ship_transport { SHIP_TRANSPORT_BUNDLE, SHIP_TRANSPORT_SYSLOG };

struct ship_opts {
  int job_mode;                 /* --job (or $SLURM_JOB_ID): the epilog */
  char job[SHIP_JOB_MAX];       /* the job as staging names carry it ([A-Za-z0-9_-]) */
  int have_uid;                 /* --uid / $SLURM_JOB_UID / the uid of --user */
  uid_t uid;
  char user[SHIP_USER_MAX];     /* --user / $SLURM_JOB_USER, "" when not given */
  char job_state[SHIP_STATE_MAX];
  const char *tmpdir;
  const char *spool;
  enum xalt_spool_layout layout;
  const char *state_dir;
  enum ship_transport transport;
  const char *syslog_socket;    /* where syslog lines go (default /dev/log) */
  double max_age;               /* seconds */
  int quiet;
};
/* Fill `o` from argv, the site config and the scheduler's variables. Returns 0 to run,
 * 1 when --help was printed, -1 on a usage error (one line in `err`). */
int ship_parse_options(int argc, char **argv, struct ship_opts *o, char *err, size_t n);
/* 1 when argv asks for job mode (--job or $SLURM_JOB_ID): then every outcome exits 0. */
int ship_argv_job_mode(int argc, char **argv);

/* ---- names.c: staging file names in, record and bundle file names out ---- */
enum staged_kind { STAGED_RUN, STAGED_PKG, STAGED_LINK };
struct staged_name {
  enum staged_kind kind;
  uid_t uid;                    /* the uid the name carries */
  char job[SHIP_JOB_MAX];
  char uuid[XALT_UUID_LEN + 1]; /* run uuid (run, pkg) or build uuid (link) */
  char stamp[XALT_STAMP_MAX];   /* pkg: the run's start stamp */
  char user[SHIP_USER_MAX];     /* pkg: the user the hook wrote into the name */
};
/* Parse a staging file name: 0 when it is one (out filled), -1 when it starts like one but
 * does not follow contracts.md "Node-local staging", 1 when it is not ours at all. */
int ship_parse_staged_name(const char *name, struct staged_name *out);
/* 1 for a lowercase 8-4-4-4-12 uuid of exactly `n` bytes. */
int ship_is_uuid(const char *s, size_t n);
/* Copy `s` into `out` keeping [A-Za-z0-9_+@-] (and '.' if `dots`), others as '_'; "" -> "unknown". */
void ship_name_part(char *out, size_t n, const char *s, int dots);
/* 1 for a stamp YYYY_MM_DD_HH_MM_SS_f... */
int ship_is_stamp(const char *s);

/* ---- jscan.c: just enough JSON to read and edit a record, as strictly as JSON.parse ---- */
struct jmember {
  size_t key, key_end;          /* the key's string token, quotes included */
  size_t val, val_end;          /* the value's token */
};
#define JSCAN_MAX_MEMBERS 128   /* members per object read (userT has ~27); an object with more is refused */
struct jobject {
  size_t open, close;           /* offsets of '{' and '}' */
  int count;                    /* members kept */
  struct jmember m[JSCAN_MAX_MEMBERS];
};
/* Check that s[0..n) is exactly one JSON value (white space around it allowed); 0 if so. */
int jscan_check(const char *s, size_t n);
/* Read the object starting at s[at] (which must be '{') into `o`; 0 on success. */
int jscan_object(const char *s, size_t n, size_t at, struct jobject *o);
/* The member called `key` (compared after unescaping, length included; the last one, as
 * JSON.parse keeps), or NULL. */
const struct jmember *jscan_find(const char *s, const struct jobject *o, const char *key);
/* Decode the string token s[v0..v1) into `out` (UTF-8, NUL-terminated; invalid bytes and lone
 * surrogates become U+FFFD, as Node decodes them). Returns the length, or -1 if it is not a
 * string or does not fit. */
long jscan_string(const char *s, size_t v0, size_t v1, char *out, size_t cap);
/* One UTF-8 sequence at p (n > 0 bytes left) as WHATWG's decoder reads it: *used bytes give
 * the returned code point, or U+FFFD for an invalid one. */
unsigned jscan_utf8(const unsigned char *p, size_t n, size_t *used);
/* The number token s[v0..v1) (or a string holding one, as older XALT wrote), into *out; 0 on success. */
int jscan_number(const char *s, size_t v0, size_t v1, double *out);

/* ---- edit.c: a record with some values replaced, crc resealed ---- */
#define EDIT_MAX 12
struct record_edit {
  int count;
  struct {
    size_t from, to;            /* bytes of the original replaced (from == to: an insertion) */
    char text[96];              /* what goes there */
  } e[EDIT_MAX];
};
/* Set member `key` of object `o` to the JSON text `value` (replace it, or insert it before the
 * closing brace). Returns 0, or -1 when the edit list is full. */
int edit_set(struct record_edit *ed, const char *s, const struct jobject *o, const char *key, const char *value);
/* Apply `ed` to the record s[0..n) into `out` (a trailing "\n" added) and reseal its crc — unless
 * the original crc did not match, which is then kept so ingest still sees the mismatch. */
void edit_apply(const struct record_edit *ed, const char *s, size_t n, struct xalt_jbuf *out);
/* 1 when the record's crc (at offset 8) matches its bytes (without trailing white space). */
int record_crc_ok(const char *s, size_t n);

/* ---- owner.c: who owns a staging file, and acting as them ---- */
struct owner {
  uid_t uid;
  gid_t gid;
  char name[SHIP_USER_MAX];     /* login name, or the decimal uid when it has none */
  int known;                    /* found in the passwd database */
  int ngroups;
  gid_t *groups;                /* supplementary groups, for hashing as the owner */
};
/* The owner record of `uid` (looked up in the passwd database once per call). */
const struct owner *owner_of(uid_t uid);
/* 1 when a record's user field names `o` (its login name or decimal uid). */
int owner_matches(const struct owner *o, const char *user);
/* Switch the file-system identity to `o` (root only; no-op otherwise); 0 on success. */
int owner_become(const struct owner *o);
/* Back to our own identity. */
void owner_restore(void);
/* 1 when a process of `uid` runs on this node (or /proc cannot tell), 0 when none does. */
int owner_has_processes(uid_t uid);

/* ---- hash.c: hash_id, as the owner, with a root-only cache ---- */
/* Open the node's cache below `state_dir` (created 0700 if missing); -1 when unusable. */
int hash_cache_open(int state_fd);
/* SHA-1 (40 hex) of the executable `path` whose identity the record gave as `identity`, read as
 * `o`; 0 on success, -1 when it cannot be vouched for (then hash_id stays as it was). */
int hash_executable(const char *path, const char *identity, const struct owner *o, int cache_fd, char out[41]);
/* Cache statistics for the log line and tests. */
extern unsigned long hash_hits, hash_misses;

/* ---- spool.c: the shared spool, root's ---- */
/* Open the spool prefix (O_DIRECTORY|O_NOFOLLOW) and check it is ours and not group/other
 * writable; -1 with a reason in err. */
int spool_open(const char *prefix, char *err, size_t n);
/* Open (creating 0755) the directory `name` below `dfd`, checked the same way; -1 with err. */
int spool_subdir(int dfd, const char *name, char *err, size_t n);

/* ---- sink.c: where shipped records go (a bundle file, or syslog) ---- */
struct ship_entry {
  const char *name;             /* the record's spool file name */
  uid_t owner;
  const char *flags;            /* "-" or a comma list */
  const char *bytes;            /* the record, one line ending in \n */
  size_t len;
  const char *kind;             /* run, link, pkg */
  const char *key;              /* the syslog key (run_strt_<uuid>, ...) */
};
struct ship_sink;
/* A sink for job `job`: a bundle in the spool, or syslog lines. NULL with err on failure. */
struct ship_sink *sink_open(const struct ship_opts *o, const char *job, const char *host, const char *syshost, double now, char *err, size_t n);
/* Add one record; 0, or -1 (the sink is then failed; err says why). */
int sink_add(struct ship_sink *s, const struct ship_entry *e);
/* Make everything added visible (bundle: rename into place). 0, or -1 with err. Frees s. */
int sink_commit(struct ship_sink *s, char *where, size_t wn, char *err, size_t n);
/* Give up: the bundle's temporary file is removed. Frees s. */
void sink_abort(struct ship_sink *s);
/* Records a sink took before it failed (syslog sends them at once). */
unsigned long sink_records(const struct ship_sink *s);
/* The reason a sink failed. */
const char *sink_error(const struct ship_sink *s);

/* bundle.c and syslog.c, behind sink.c */
struct bundle;
struct bundle *bundle_open(int spool_fd, enum xalt_spool_layout layout, const char *job, const char *host, const char *syshost, double now, char *err, size_t n);
int bundle_add(struct bundle *b, const struct ship_entry *e);
int bundle_commit(struct bundle *b, char *where, size_t wn, char *err, size_t n);
void bundle_abort(struct bundle *b);
const char *bundle_error(const struct bundle *b);
struct syslog_out;
struct syslog_out *syslog_open(const char *socket_path, const char *syshost, char *err, size_t n);
int syslog_send(struct syslog_out *l, const struct ship_entry *e, char *err, size_t n);
void syslog_close(struct syslog_out *l);

/* ---- state.c: the node's root-only state directory and the lock ---- */
/* Open `dir` (created 0700 if missing), checked to be ours and closed to others; -1 with err. */
int state_open(const char *dir, char *err, size_t n);
/* Take the lock file in the state directory: timer mode gives up at once when another shipper
 * holds it (returns 1), job mode waits a bounded time. 0 when held, -1 on error. */
int state_lock(int state_fd, int wait);

/* ---- staging.c: the staging directory and its files ---- */
enum refusal {
  REFUSE_NONE,
  REFUSE_NAME,       /* a name like ours that breaks the grammar */
  REFUSE_SYMLINK,
  REFUSE_NOT_REGULAR, /* FIFO, device, socket, directory */
  REFUSE_HARD_LINK,
  REFUSE_TOO_LARGE,
  REFUSE_OWNER,      /* owned by another uid than its name says */
  REFUSE_UNREADABLE,
  REFUSE_MALFORMED,  /* a run/link file that is not one record on one line */
  REFUSE_COUNT
};
extern const char *const refusal_names[REFUSE_COUNT];

struct staged {
  char *name;                   /* the directory entry */
  struct staged_name n;
  struct stat st;               /* fstat of what was opened */
  char *data;                   /* the content (NUL-terminated), NULL until read */
  size_t len;
  enum refusal refused;
  int ship;                     /* chosen for this call */
  int shipped;                  /* every record of it reached the sink */
};
/* Open the staging directory and check it (a directory, ours or root's, sticky if others may
 * write it); -1 with err. */
int staging_open(const char *path, char *err, size_t n);
/* The staging files in `dfd` that `o` selects (job and uid from the names alone: nothing is
 * opened); bad names counted in refused[]. Returns the count; *out is malloc'd. */
size_t staging_list(int dfd, const struct ship_opts *o, struct staged **out, unsigned long refused[REFUSE_COUNT]);
/* lstat-like look at an entry without following it (for the timer's age test); 0 on success. */
int staging_peek(int dfd, const struct staged *f, struct stat *st);
/* Open and read one file with every check of contracts.md; sets f->refused on refusal.
 * Returns 0 when f->data holds the content. */
int staging_read(int dfd, struct staged *f);
/* Unlink a shipped file, if the name still holds the file that was read. */
void staging_remove(int dfd, const struct staged *f);

/* ---- records.c: staged files into records ---- */
struct ship_ctx {
  const struct ship_opts *o;
  double now;
  const char *syshost;
  int cache_fd;                 /* the hash cache, -1 without */
  unsigned long runs_closed;
};
/* Turn the file `f` (read) into records added to `sink`: a run file gives its record (hash_id
 * filled) and, when `close` and it holds a start record, the synthesised job_end record; a pkg
 * file one record per line; a link file its record. `pkgs_of_run` unused. 0, or -1 when the
 * sink failed. */
int records_ship(struct ship_ctx *c, struct staged *f, int close, struct ship_sink *sink);
/* 1 when a read run file holds an end record (end_time > 0). */
int records_run_ended(const struct staged *f);

/* ---- clock.c ---- */
/* Epoch seconds now (CLOCK_REALTIME). */
double ship_now(void);

/* ---- log.c: one line per job on stderr ---- */
/* Append printf-style text to a bounded line; control characters become '?'. */
struct logline {
  char text[1024];
  size_t len;
};
void log_add(struct logline *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write the line (with "xalt-ship: " in front and one "\n") to stderr. */
void log_emit(const struct logline *l);

#endif

/*
 * site_config.h — the contract between `xalt build` (which generates native/gen/site_config.c
 * from xalt.toml) and the collector (which reads it). Hand-written; the generated file
 * defines everything declared here. Nothing here reads files, allocates or uses a regex
 * library: rule lists are compiled ahead of time into automata inside site_config.c.
 */
#ifndef XALT_SITE_CONFIG_H
#define XALT_SITE_CONFIG_H

#include <stddef.h>

/* What a rule decides. Values are XALT's flex return codes, so traces read the same. */
enum xalt_action {
  XALT_ACT_NONE = 0, /* no rule matched (the caller applies the list's default) */
  XALT_ACT_PKGS = 1,
  XALT_ACT_KEEP = 2,
  XALT_ACT_SKIP = 3,
  XALT_ACT_CUSTOM = 4,
  XALT_ACT_CONTINUE = 5,
  XALT_ACT_JUMP_1 = 6,
  XALT_ACT_JUMP_2 = 7,
  XALT_ACT_JUMP_3 = 8,
  XALT_ACT_JUMP_4 = 9
};

/* The rule lists compiled into the library. */
enum xalt_rule_list {
  XALT_RULES_HOST = 0,     /* node host name -> KEEP | SKIP */
  XALT_RULES_PATH = 1,     /* executable path -> PKGS | KEEP | SKIP | CUSTOM */
  XALT_RULES_PATH_ARG = 2, /* "path;arg" for CUSTOM paths -> PKGS | KEEP | SKIP | CONTINUE | JUMP_n */
  XALT_RULES_ENV = 3,      /* "NAME=value" -> KEEP | SKIP (allow-list; secrets always SKIP) */
  XALT_RULES_SYSHOST = 4,  /* host name -> index into syshost_names (syshost "mapping" rule) */
  XALT_RULES_COUNT = 5
};

/*
 * Decide `s` (length `len`, need not be NUL-terminated) against rule list `list`: the first
 * rule whose pattern matches the whole string decides. Returns that rule's index (0-based,
 * in file order) or -1 when none matches. One pass over the string, no allocation.
 */
int xalt_rule_match(enum xalt_rule_list list, const char *s, size_t len) __attribute__((section(".text.hot.xalt")));

/* The action of rule `index` in `list` (XALT_ACT_NONE for index -1). (Both on the collector's
 * decision path: placed with it, see XALT_HOT in internal.h.) */
enum xalt_action xalt_rule_action(enum xalt_rule_list list, int index) __attribute__((section(".text.hot.xalt")));

/* One row of a sampling table: runs of at least `min_runtime` seconds kept with `probability`. */
struct xalt_sampling_row {
  double min_runtime;
  double probability;
};

enum xalt_syshost_kind {
  XALT_SYSHOST_HARDCODE,      /* syshost_arg is the name */
  XALT_SYSHOST_NTH_NAME,      /* syshost_nth-th dot component (1-based) of the host name */
  XALT_SYSHOST_READ_FILE,     /* first line of the file syshost_arg */
  XALT_SYSHOST_MAPPING,       /* XALT_RULES_SYSHOST index -> syshost_names[i], else host name */
  XALT_SYSHOST_STRIP_NUMBERS, /* short host name up to the first digit */
  XALT_SYSHOST_ENV_VAR        /* value of environment variable syshost_arg, else "unknown" */
};

enum xalt_start_policy {
  XALT_START_MPI,    /* start record when num_tasks >= mpi_always_record (XALT) */
  XALT_START_ALWAYS, /* every tracked run gets a start record (NCSA) */
  XALT_START_STAGED  /* start record to node-local tmpdir, replaced by the end record */
};

/* How records leave the node (docs/internals/contracts.md "Transports"). */
enum xalt_transport {
  XALT_TRANSPORT_SHIP,   /* node-local staging; root's xalt-ship writes bundles to the spool (default) */
  XALT_TRANSPORT_SYSLOG, /* node-local staging; xalt-ship sends XALT syslog lines */
  XALT_TRANSPORT_DIRECT, /* per-record files straight into root-prepared spool directories (XALT) */
  XALT_TRANSPORT_NONE    /* nothing is written */
};

enum xalt_spool_layout { XALT_LAYOUT_MONTH_HASH, XALT_LAYOUT_HASH, XALT_LAYOUT_FLAT, XALT_LAYOUT_HOME };

struct xalt_site_config {
  enum xalt_syshost_kind syshost_kind;
  const char *syshost_arg;
  int syshost_nth;
  const char *const *syshost_names; /* for XALT_SYSHOST_MAPPING */

  const char *spool_prefix; /* "" or "USE_HOME" means $HOME/.xalt.d */
  enum xalt_spool_layout spool_layout;
  const char *tmpdir; /* node-local staging, e.g. /dev/shm */
  enum xalt_transport transport;
  const char *ship_state_dir; /* xalt-ship: root-only node state (executable-hash cache, lock) */
  int ship_max_age_hours;     /* xalt-ship without --job: ships anything staged longer than this */
  const char *const *redact_words; /* [privacy]: lower-case words that make an option name secret; NULL-terminated */

  int track_scalar;   /* XALT_SCALAR_TRACKING default */
  int track_mpi;      /* XALT_MPI_TRACKING default */
  int track_gpu;      /* XALT_GPU_TRACKING default */
  int signal_handler; /* XALT_SIGNAL_HANDLER default */
  int sampling;       /* XALT_SAMPLING default */
  enum xalt_start_policy start_policy;
  int mpi_always_record; /* XALT_MPI_ALWAYS_RECORD default */

  const struct xalt_sampling_row *scalar_sampling;
  int scalar_sampling_rows;
  const struct xalt_sampling_row *mpi_sampling;
  int mpi_sampling_rows;

  const char *install_dir; /* xalt's own programs live here and are never tracked */
  const char *config_fingerprint; /* shown in XALT_qaT */
};

extern const struct xalt_site_config xalt_site_config;

#endif

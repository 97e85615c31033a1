/*
 * elf.c — the main program's ELF notes, read from memory with dl_iterate_phdr (no file
 * read, no objdump): XALT's watermark note (type "Xalt", owner "XALT", format v2,
 * docs/link.md) and the GNU build-id (NT_GNU_BUILD_ID).
 * signal-safe: no (dl_iterate_phdr takes the loader lock). allocates: no.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define XALT_NOTE_TYPE 0x746c6158u /* "Xalt" little endian: XALT's watermark */
#define XALT_COLLECTOR_NOTE_TYPE 0x6c6c6f43u /* "Coll": this library */

struct note_search {
  uint32_t type;
  const char *owner; /* note name, e.g. "XALT" or "GNU" */
  const unsigned char *desc;
  size_t desc_len;
};

/* Look through the PT_NOTE segments of one loaded object; 1 when `s` was found there. */
static int object_has_note(const struct dl_phdr_info *info, struct note_search *s) {
  size_t ol = strlen(s->owner) + 1;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_NOTE) continue;
    const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
    const unsigned char *end = p + ph->p_memsz;
    size_t align = ph->p_align == 8 ? 8 : 4;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
      const char *name = (const char *)(nh + 1);
      /* gABI: name and desc are each padded to the segment's alignment from the note start. */
      size_t desc_off = (sizeof(ElfW(Nhdr)) + nh->n_namesz + align - 1) & ~(align - 1);
      const unsigned char *desc = p + desc_off;
      if (desc + nh->n_descsz > end) break;
      if (nh->n_type == s->type && nh->n_namesz == ol && !memcmp(name, s->owner, ol)) {
        s->desc = desc;
        s->desc_len = nh->n_descsz;
        return 1;
      }
      p += (desc_off + nh->n_descsz + align - 1) & ~(align - 1);
    }
  }
  return 0;
}

/* Callback: only the first object, the main program, is searched. */
static int find_note(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  object_has_note(info, data);
  return 1;
}

/*
 * Which copy of the collector tracks when two are loaded (preloaded and linked in): the
 * first object, in the loader's order, that carries the collector's note. This library's
 * note; the walk is over memory the loader has mapped (no symbol lookup, no system call).
 */
__attribute__((section(".note.xalt.collector"), aligned(4), used)) static const struct {
  uint32_t namesz, descsz, type;
  char name[8];
} collector_note = {5, 0, XALT_COLLECTOR_NOTE_TYPE, "XALT"};

struct first_collector {
  uintptr_t self;  /* an address inside this library */
  int found;       /* a collector was found; is_self says whether it is this one */
  int is_self;
};

static int find_first_collector(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct first_collector *f = data;
  struct note_search s = {XALT_COLLECTOR_NOTE_TYPE, "XALT", NULL, 0};
  if (!object_has_note(info, &s)) return 0;
  f->found = 1;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (ph->p_type == PT_LOAD && f->self >= start && f->self - start < ph->p_memsz) f->is_self = 1;
  }
  return 1;
}

int xalt_first_collector_is_self(void) {
  struct first_collector f = {(uintptr_t)&collector_note, 0, 0};
  dl_iterate_phdr(find_first_collector, &f);
  return !f.found || f.is_self;
}

const char *xalt_find_watermark(size_t *len) {
  struct note_search s = {XALT_NOTE_TYPE, "XALT", NULL, 0};
  dl_iterate_phdr(find_note, &s);
  *len = 0;
  if (!s.desc || s.desc_len < 2 || s.desc[0] != 2) return NULL;
  *len = s.desc_len - 1; /* after the format byte; the program's mapping lasts as long as we do */
  return (const char *)s.desc + 1;
}

void xalt_read_build_id(char *out, size_t n) {
  struct note_search s = {NT_GNU_BUILD_ID, "GNU", NULL, 0};
  out[0] = '\0';
  dl_iterate_phdr(find_note, &s);
  if (s.desc) xalt_hex(s.desc, s.desc_len, out, n);
}

/* Copy `v` (length n) into dst replacing XALT's "_%_%_" space encoding. */
static size_t decode_value(char *dst, size_t cap, const char *v, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < cap;) {
    if (i + 5 <= n && !memcmp(v + i, "_%_%_", 5)) { dst[o++] = ' '; i += 5; }
    else dst[o++] = v[i++];
  }
  dst[o] = '\0';
  return o;
}

void xalt_json_watermark(struct xalt_jbuf *b, const char *wm, size_t len, double *build_epoch) {
  char key[128], val[2048];
  int first = 1;
  *build_epoch = -1;
  xalt_jbuf_put(b, "{", 1);
  /* Strings "<Key>%%value%%", NUL separated (padding NULs between them are skipped). */
  for (size_t i = 0; i < len;) {
    const char *s = wm + i;
    size_t sl = strnlen(s, len - i);
    i += sl + 1;
    const char *gt = sl > 1 && s[0] == '<' ? memchr(s, '>', sl) : NULL;
    if (!gt || (size_t)(s + sl - gt) < 3 || memcmp(gt + 1, "%%", 2) != 0) continue;
    size_t kl = (size_t)(gt - s - 1);
    const char *v = gt + 3;
    size_t vl = (size_t)(s + sl - v);
    if (vl >= 2 && !memcmp(v + vl - 2, "%%", 2)) vl -= 2;
    if (kl == 0 || kl >= sizeof key) continue;
    memcpy(key, s + 1, kl);
    key[kl] = '\0';
    decode_value(val, sizeof val, v, vl);
    if (!strcmp(key, "Build_Epoch")) *build_epoch = strtod(val, NULL);
    xalt_json_kv_str(b, first, key, val);
    first = 0;
  }
  xalt_jbuf_put(b, "}", 1);
}

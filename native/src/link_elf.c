/*
 * link_elf.c — facts about a linker's output, read from the file (mmap, bounds checked):
 * its GNU build-id (the key that joins runs to links when there is no watermark) and its
 * dynamic section (DT_NEEDED, RUNPATH/RPATH), for links recorded without a linker trace.
 * ELF32 and ELF64 of the host's byte order; anything else is "not ELF".
 * signal-safe: no. allocates: yes (mmap of the file).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct elf_map {
  const unsigned char *p;
  size_t size;
};

static int map_file(const char *path, struct elf_map *m) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  void *p = MAP_FAILED;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)sizeof(Elf32_Ehdr))
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return -1;
  m->p = p;
  m->size = (size_t)st.st_size;
  const unsigned char *id = m->p;
  int little = 1;
  if (memcmp(id, ELFMAG, SELFMAG) != 0 || (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) ||
      id[EI_DATA] != (*(const unsigned char *)&little ? ELFDATA2LSB : ELFDATA2MSB)) {
    munmap((void *)m->p, m->size);
    return -1;
  }
  return 0;
}

static int in_file(const struct elf_map *m, uint64_t off, uint64_t len) { return off <= m->size && len <= m->size - off; }

/* Look for NT_GNU_BUILD_ID in `len` bytes of notes at `off` (alignment 4 or 8). */
static int notes_build_id(const struct elf_map *m, uint64_t off, uint64_t len, uint64_t align, char *out, size_t n) {
  if (!in_file(m, off, len)) return 0;
  align = align == 8 ? 8 : 4;
  const unsigned char *p = m->p + off, *end = p + len;
  while ((size_t)(end - p) >= sizeof(Elf32_Nhdr)) {
    const Elf32_Nhdr *nh = (const Elf32_Nhdr *)p; /* Elf64_Nhdr has the same 32-bit fields */
    uint64_t desc_off = (sizeof *nh + (uint64_t)nh->n_namesz + align - 1) & ~(align - 1);
    uint64_t total = (desc_off + (uint64_t)nh->n_descsz + align - 1) & ~(align - 1);
    if (desc_off + nh->n_descsz > (uint64_t)(end - p)) return 0;
    if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(p + sizeof *nh, "GNU", 4)) {
      xalt_hex(p + desc_off, nh->n_descsz, out, n);
      return 1;
    }
    if (total > (uint64_t)(end - p)) return 0;
    p += total;
  }
  return 0;
}

/* One function body per ELF class. */
#define XALT_ELF_FUNCS(BITS)                                                                                            \
  static void build_id##BITS(const struct elf_map *m, char *out, size_t n) {                                          \
    const Elf##BITS##_Ehdr *eh = (const Elf##BITS##_Ehdr *)m->p;                                                      \
    if (eh->e_shentsize == sizeof(Elf##BITS##_Shdr) && in_file(m, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf##BITS##_Shdr))) { \
      const Elf##BITS##_Shdr *sh = (const Elf##BITS##_Shdr *)(m->p + eh->e_shoff);                                    \
      for (int i = 0; i < eh->e_shnum; i++)                                                                           \
        if (sh[i].sh_type == SHT_NOTE && notes_build_id(m, sh[i].sh_offset, sh[i].sh_size, sh[i].sh_addralign, out, n)) return; \
    }                                                                                                                 \
    if (eh->e_phentsize == sizeof(Elf##BITS##_Phdr) && in_file(m, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf##BITS##_Phdr))) { \
      const Elf##BITS##_Phdr *ph = (const Elf##BITS##_Phdr *)(m->p + eh->e_phoff);                                    \
      for (int i = 0; i < eh->e_phnum; i++)                                                                           \
        if (ph[i].p_type == PT_NOTE && notes_build_id(m, ph[i].p_offset, ph[i].p_filesz, ph[i].p_align, out, n)) return; \
    }                                                                                                                 \
  }                                                                                                                   \
  static void dynamic##BITS(const struct elf_map *m, void (*fn)(void *, int, const char *), void *ctx) {              \
    const Elf##BITS##_Ehdr *eh = (const Elf##BITS##_Ehdr *)m->p;                                                      \
    if (eh->e_shentsize != sizeof(Elf##BITS##_Shdr) || !in_file(m, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf##BITS##_Shdr))) return; \
    const Elf##BITS##_Shdr *sh = (const Elf##BITS##_Shdr *)(m->p + eh->e_shoff);                                      \
    for (int i = 0; i < eh->e_shnum; i++) {                                                                           \
      if (sh[i].sh_type != SHT_DYNAMIC || sh[i].sh_link >= eh->e_shnum || !in_file(m, sh[i].sh_offset, sh[i].sh_size)) continue; \
      const Elf##BITS##_Shdr *str = &sh[sh[i].sh_link];                                                               \
      if (!in_file(m, str->sh_offset, str->sh_size) || str->sh_size == 0) continue;                                   \
      const char *strtab = (const char *)(m->p + str->sh_offset);                                                     \
      const Elf##BITS##_Dyn *d = (const Elf##BITS##_Dyn *)(m->p + sh[i].sh_offset);                                   \
      size_t nd = sh[i].sh_size / sizeof *d;                                                                          \
      for (int pass = 0; pass < 2; pass++) /* names first, then search directories */                                \
        for (size_t k = 0; k < nd && d[k].d_tag != DT_NULL; k++) {                                                    \
          int want = pass == 0 ? d[k].d_tag == DT_NEEDED : (d[k].d_tag == DT_RUNPATH || d[k].d_tag == DT_RPATH);      \
          if (!want || (uint64_t)d[k].d_un.d_val >= str->sh_size) continue;                                           \
          const char *s = strtab + d[k].d_un.d_val;                                                                   \
          if (memchr(s, '\0', str->sh_size - d[k].d_un.d_val)) fn(ctx, pass == 0 ? 'n' : 'r', s);                    \
        }                                                                                                             \
    }                                                                                                                 \
  }

XALT_ELF_FUNCS(32)
XALT_ELF_FUNCS(64)

int xalt_elf_file_build_id(const char *path, char *out, size_t n) {
  struct elf_map m;
  out[0] = '\0';
  if (map_file(path, &m) != 0) return -1;
  if (m.p[EI_CLASS] == ELFCLASS64) {
    if (m.size >= sizeof(Elf64_Ehdr)) build_id64(&m, out, n);
  } else {
    build_id32(&m, out, n);
  }
  munmap((void *)m.p, m.size);
  return 0;
}

int xalt_elf_file_dynamic(const char *path, void (*fn)(void *ctx, int kind, const char *s), void *ctx) {
  struct elf_map m;
  if (map_file(path, &m) != 0) return -1;
  if (m.p[EI_CLASS] == ELFCLASS64) {
    if (m.size >= sizeof(Elf64_Ehdr)) dynamic64(&m, fn, ctx);
  } else {
    dynamic32(&m, fn, ctx);
  }
  munmap((void *)m.p, m.size);
  return 0;
}

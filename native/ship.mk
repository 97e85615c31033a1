# xalt-ship (docs/ship.md): the root-owned shipper, built beside libxalt.so from native/ship/
# and the collector's record code it shares (JSON writer and crc, SHA-1, UUIDs, time
# formats, syshost rule; site config). An ordinary hardened program, not a preload library:
# only the shared files it needs, and the linker drops what of them it does not call.
SHIP_SRC    := $(wildcard ship/*.c)
SHIP_SHARED := src/json.c src/sha1.c src/uuid.c src/timefmt.c src/syshost.c src/env.c
SHIP_CFLAGS := -std=c11 $(WARN) -Isrc -Igen -Iship -ffunction-sections -fdata-sections -fPIE -fstack-protector-strong -D_FORTIFY_SOURCE=2
SHIP_LDFLAGS := -pie -Wl,--gc-sections -Wl,-z,relro -Wl,-z,now

all: $(BUILD)/xalt-ship

$(BUILD)/xalt-ship: $(SHIP_SRC) ship/ship.h $(SHIP_SHARED) $(GEN_C) $(GEN_H) src/internal.h src/site_config.h ship.mk
	@mkdir -p $(BUILD)
	$(CC) $(SHIP_CFLAGS) $(CFLAGS) -o $@ $(SHIP_SRC) $(SHIP_SHARED) $(GEN_C) $(SHIP_LDFLAGS) $(LIBS)

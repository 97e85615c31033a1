# xalt-ship (docs/ship.md): the root-owned shipper, built beside libxalt.so from native/ship/
# and the collector's record code it shares (JSON writer and crc, SHA-1, UUIDs, time
# formats, syshost rule; site config). An ordinary hardened program, not a preload library:
# only the shared files it needs, compiled with its own flags (objects in $(XALT_OBJ)/ship),
# and the linker drops what of them it does not call.
SHIP_SRC    := $(wildcard ship/*.c)
SHIP_SHARED := src/json.c src/sha1.c src/uuid.c src/timefmt.c src/syshost.c src/env.c
SHIP_CFLAGS := -std=c11 $(WARN) -Isrc -Igen -Iship -ffunction-sections -fdata-sections -fPIE -fstack-protector-strong -D_FORTIFY_SOURCE=2
SHIP_LDFLAGS := -pie -Wl,--gc-sections -Wl,-z,relro -Wl,-z,now
SHIP_OBJ    := $(XALT_OBJ)/ship
SHIP_OBJS   := $(patsubst ship/%.c,$(SHIP_OBJ)/%.o,$(SHIP_SRC)) $(patsubst src/%.c,$(SHIP_OBJ)/src-%.o,$(SHIP_SHARED))
SHIP_GEN_O  := $(BUILD)/gen/site_config.ship.o
SHIP_COMPILE = $(CC) $(SHIP_CFLAGS) $(CFLAGS) -c -o $@.$$$$.tmp $< && mv -f $@.$$$$.tmp $@

all: $(BUILD)/xalt-ship

$(SHIP_OBJ)/%.o: ship/%.c ship/ship.h $(HEADERS) $(XALT_OBJ)/.flags
	@mkdir -p $(SHIP_OBJ)
	$(SHIP_COMPILE)

$(SHIP_OBJ)/src-%.o: src/%.c $(HEADERS) $(XALT_OBJ)/.flags
	@mkdir -p $(SHIP_OBJ)
	$(SHIP_COMPILE)

$(SHIP_GEN_O): $(GEN_C) src/site_config.h $(XALT_OBJ)/.flags
	@mkdir -p $(BUILD)/gen
	$(CC) $(SHIP_CFLAGS) $(CFLAGS) $(GEN_CFLAGS) -c -o $@.$$$$.tmp $< && mv -f $@.$$$$.tmp $@

$(BUILD)/xalt-ship: $(SHIP_OBJS) $(SHIP_GEN_O) ship.mk
	$(CC) $(CFLAGS) -o $@.$$$$.tmp $(SHIP_OBJS) $(SHIP_GEN_O) $(SHIP_LDFLAGS) $(LIBS) && mv -f $@.$$$$.tmp $@

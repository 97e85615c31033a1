# Link tracking (docs/link.md): the ld wrapper's helper, built beside libxalt.so from the
# collector's sources (same site config, so records go where run records go).
LINK_HELPERS := $(BUILD)/xalt_link

all: $(LINK_HELPERS)

$(BUILD)/xalt_link: link/xalt_link.c link/functions.c link/functions.h $(SRC) $(GEN_C) $(GEN_H) src/internal.h src/site_config.h
	@mkdir -p $(BUILD)
	$(CC) $(XCFLAGS) $(CFLAGS) -o $@ link/xalt_link.c link/functions.c $(SRC) $(GEN_C) -Wl,--gc-sections $(LIBS)

# Link tracking (docs/link.md): the ld wrapper's helper, built beside libxalt.so from the
# collector's objects (same site config, so records go where run records go).
LINK_HELPERS := $(BUILD)/xalt_link
LINK_OBJS := $(XALT_OBJ)/link/xalt_link.o $(XALT_OBJ)/link/functions.o

all: $(LINK_HELPERS)

$(XALT_OBJ)/link/%.o: link/%.c link/functions.h $(HEADERS) $(XALT_OBJ)/.flags
	@mkdir -p $(XALT_OBJ)/link
	$(COMPILE)

$(BUILD)/xalt_link: $(LINK_OBJS) $(OBJS) $(GEN_O)
	$(CC) $(CFLAGS) -o $@.$$$$.tmp $(LINK_OBJS) $(OBJS) $(GEN_O) -Wl,--gc-sections $(LIBS) && mv -f $@.$$$$.tmp $@

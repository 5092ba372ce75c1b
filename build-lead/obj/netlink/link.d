build-lead/obj/netlink/link.o: src/netlink/link.c src/netlink/rtnl.h \
 src/netlink/nl.h src/util/err.h src/util/macro.h
src/netlink/rtnl.h:
src/netlink/nl.h:
src/util/err.h:
src/util/macro.h:

build-lead/obj/netlink/addr.o: src/netlink/addr.c src/netlink/rtnl.h \
 src/netlink/nl.h src/util/err.h src/util/macro.h
src/netlink/rtnl.h:
src/netlink/nl.h:
src/util/err.h:
src/util/macro.h:

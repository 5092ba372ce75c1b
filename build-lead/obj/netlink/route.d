build-lead/obj/netlink/route.o: src/netlink/route.c src/netlink/rtnl.h \
 src/netlink/nl.h src/util/err.h src/util/macro.h src/util/inet.h
src/netlink/rtnl.h:
src/netlink/nl.h:
src/util/err.h:
src/util/macro.h:
src/util/inet.h:

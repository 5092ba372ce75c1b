build-lead/obj/netlink/nlmsg.o: src/netlink/nlmsg.c src/netlink/rtnl.h \
 src/netlink/nl.h src/util/err.h src/util/macro.h
src/netlink/rtnl.h:
src/netlink/nl.h:
src/util/err.h:
src/util/macro.h:

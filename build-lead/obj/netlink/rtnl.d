build-lead/obj/netlink/rtnl.o: src/netlink/rtnl.c src/netlink/rtnl.h \
 src/netlink/nl.h src/util/err.h src/util/macro.h src/netns/netns.h
src/netlink/rtnl.h:
src/netlink/nl.h:
src/util/err.h:
src/util/macro.h:
src/netns/netns.h:

build-lead/obj/netlink/nft.o: src/netlink/nft.c src/netlink/nft.h \
 src/util/err.h src/util/macro.h src/netlink/nft_int.h src/netlink/rtnl.h \
 src/netlink/nl.h
src/netlink/nft.h:
src/util/err.h:
src/util/macro.h:
src/netlink/nft_int.h:
src/netlink/rtnl.h:
src/netlink/nl.h:

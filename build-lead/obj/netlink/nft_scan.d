build-lead/obj/netlink/nft_scan.o: src/netlink/nft_scan.c \
 src/netlink/nft.h src/util/err.h src/util/macro.h src/netlink/nft_int.h \
 src/netlink/rtnl.h src/netlink/nl.h
src/netlink/nft.h:
src/util/err.h:
src/util/macro.h:
src/netlink/nft_int.h:
src/netlink/rtnl.h:
src/netlink/nl.h:

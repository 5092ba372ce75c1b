build-lead/obj/multus/firewall.o: src/multus/firewall.c \
 src/multus/firewall.h src/netlink/nft.h src/util/err.h src/util/macro.h
src/multus/firewall.h:
src/netlink/nft.h:
src/util/err.h:
src/util/macro.h:

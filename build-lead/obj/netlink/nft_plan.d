build-lead/obj/netlink/nft_plan.o: src/netlink/nft_plan.c \
 src/netlink/nft.h src/util/err.h src/util/macro.h src/netlink/nft_int.h
src/netlink/nft.h:
src/util/err.h:
src/util/macro.h:
src/netlink/nft_int.h:

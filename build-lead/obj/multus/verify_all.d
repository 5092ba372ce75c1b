build-lead/obj/multus/verify_all.o: src/multus/verify_all.c \
 src/multus/firewall.h src/netlink/nft.h src/util/err.h src/util/macro.h \
 src/multus/store.h src/multus/legacy.h src/multus/plan.h src/cni/env.h \
 src/multus/netconf.h src/multus/log.h src/multus/verify.h \
 src/netlink/nl.h src/netns/netns.h
src/multus/firewall.h:
src/netlink/nft.h:
src/util/err.h:
src/util/macro.h:
src/multus/store.h:
src/multus/legacy.h:
src/multus/plan.h:
src/cni/env.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/verify.h:
src/netlink/nl.h:
src/netns/netns.h:

build-lead/obj/multus/verify.o: src/multus/verify.c src/multus/cmd.h \
 src/util/macro.h src/multus/firewall.h src/netlink/nft.h src/util/err.h \
 src/multus/netcheck.h src/multus/plan.h src/cni/env.h \
 src/multus/netconf.h src/multus/log.h src/netlink/nl.h \
 src/multus/store.h src/multus/legacy.h src/multus/verify.h \
 src/netns/netns.h
src/multus/cmd.h:
src/util/macro.h:
src/multus/firewall.h:
src/netlink/nft.h:
src/util/err.h:
src/multus/netcheck.h:
src/multus/plan.h:
src/cni/env.h:
src/multus/netconf.h:
src/multus/log.h:
src/netlink/nl.h:
src/multus/store.h:
src/multus/legacy.h:
src/multus/verify.h:
src/netns/netns.h:

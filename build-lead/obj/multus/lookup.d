build-lead/obj/multus/lookup.o: src/multus/lookup.c src/cni/cni.h \
 src/cni/delegate.h src/util/err.h src/util/macro.h src/k8s/annotations.h \
 src/multus/cache.h src/multus/multus.h src/cni/env.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/multus/netconf.h src/multus/log.h \
 src/multus/plan.h src/netlink/nl.h src/multus/confdir.h \
 src/multus/lookup.h src/multus/nadcache.h src/util/names.h
src/cni/cni.h:
src/cni/delegate.h:
src/util/err.h:
src/util/macro.h:
src/k8s/annotations.h:
src/multus/cache.h:
src/multus/multus.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/multus/confdir.h:
src/multus/lookup.h:
src/multus/nadcache.h:
src/util/names.h:

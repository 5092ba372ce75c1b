build-lead/obj/multus/cache.o: src/multus/cache.c src/k8s/cache.h \
 src/k8s/cache_proto.h src/util/err.h src/util/macro.h src/multus/api.h \
 src/multus/multus.h src/cni/delegate.h src/cni/env.h src/k8s/client.h \
 src/k8s/kubeconfig.h src/multus/netconf.h src/multus/log.h \
 src/multus/plan.h src/netlink/nl.h src/multus/cache.h \
 src/multus/nadcache.h
src/k8s/cache.h:
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:
src/multus/api.h:
src/multus/multus.h:
src/cni/delegate.h:
src/cni/env.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:
src/multus/netconf.h:
src/multus/log.h:
src/multus/plan.h:
src/netlink/nl.h:
src/multus/cache.h:
src/multus/nadcache.h:

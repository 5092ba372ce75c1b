build-lead/obj/daemon/writer.o: src/daemon/writer.c \
 src/daemon/daemon_int.h src/k8s/cache_proto.h src/util/err.h \
 src/util/macro.h src/k8s/client.h src/k8s/kubeconfig.h
src/daemon/daemon_int.h:
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:
src/k8s/client.h:
src/k8s/kubeconfig.h:

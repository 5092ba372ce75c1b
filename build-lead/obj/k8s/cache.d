build-lead/obj/k8s/cache.o: src/k8s/cache.c src/k8s/cache.h \
 src/k8s/cache_proto.h src/util/err.h src/util/macro.h
src/k8s/cache.h:
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:

build-lead/obj/k8s/cache_trim.o: src/k8s/cache_trim.c \
 src/k8s/cache_proto.h src/util/err.h src/util/macro.h
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:

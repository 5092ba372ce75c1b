build-lead/obj/k8s/cache_proto.o: src/k8s/cache_proto.c \
 src/k8s/cache_proto.h src/util/err.h src/util/macro.h src/util/names.h
src/k8s/cache_proto.h:
src/util/err.h:
src/util/macro.h:
src/util/names.h:

build-lead/obj/cni/result.o: src/cni/result.c src/cni/result.h \
 src/util/err.h src/util/macro.h src/cni/result_int.h src/cni/version.h \
 src/util/inet.h
src/cni/result.h:
src/util/err.h:
src/util/macro.h:
src/cni/result_int.h:
src/cni/version.h:
src/util/inet.h:

build-lead/obj/cni/result_legacy.o: src/cni/result_legacy.c \
 src/cni/result_int.h src/util/err.h src/util/macro.h
src/cni/result_int.h:
src/util/err.h:
src/util/macro.h:

build-lead/obj/cni/env.o: src/cni/env.c src/cni/cni.h src/cni/env.h \
 src/util/err.h src/util/macro.h src/util/names.h
src/cni/cni.h:
src/cni/env.h:
src/util/err.h:
src/util/macro.h:
src/util/names.h:

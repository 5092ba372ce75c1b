build-lead/obj/cni/delegate.o: src/cni/delegate.c src/cni/cni.h \
 src/cni/delegate.h src/util/err.h src/util/macro.h src/cni/exec.h \
 src/cni/result.h src/cni/version.h
src/cni/cni.h:
src/cni/delegate.h:
src/util/err.h:
src/util/macro.h:
src/cni/exec.h:
src/cni/result.h:
src/cni/version.h:

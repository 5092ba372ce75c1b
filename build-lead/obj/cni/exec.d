build-lead/obj/cni/exec.o: src/cni/exec.c src/cni/exec.h src/util/err.h \
 src/util/macro.h
src/cni/exec.h:
src/util/err.h:
src/util/macro.h:

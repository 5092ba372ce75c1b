build-lead/obj/cni/version.o: src/cni/version.c src/cni/version.h \
 src/util/macro.h
src/cni/version.h:
src/util/macro.h:

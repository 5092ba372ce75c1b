build-lead/obj/k8s/credfile.o: src/k8s/credfile.c src/k8s/credfile.h \
 src/util/fileio.h src/util/macro.h
src/k8s/credfile.h:
src/util/fileio.h:
src/util/macro.h:

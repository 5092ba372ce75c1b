build-lead/obj/util/fileio.o: src/util/fileio.c src/util/fileio.h \
 src/util/macro.h
src/util/fileio.h:
src/util/macro.h:

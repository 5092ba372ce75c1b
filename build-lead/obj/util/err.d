build-lead/obj/util/err.o: src/util/err.c src/util/err.h src/util/macro.h
src/util/err.h:
src/util/macro.h:

build-lead/obj/util/atomic.o: src/util/atomic.c src/util/atomic.h \
 src/util/macro.h
src/util/atomic.h:
src/util/macro.h:

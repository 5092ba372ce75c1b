build-lead/obj/netns/netns.o: src/netns/netns.c src/netns/netns.h \
 src/util/err.h src/util/macro.h
src/netns/netns.h:
src/util/err.h:
src/util/macro.h:

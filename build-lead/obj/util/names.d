build-lead/obj/util/names.o: src/util/names.c src/util/names.h
src/util/names.h:

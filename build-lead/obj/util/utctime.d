build-lead/obj/util/utctime.o: src/util/utctime.c src/util/utctime.h
src/util/utctime.h:

build-lead/obj/gen/k8s/podresources.pb-c.o: \
 build-lead/gen/k8s/podresources.pb-c.c \
 build-lead/gen/k8s/podresources.pb-c.h
build-lead/gen/k8s/podresources.pb-c.h:

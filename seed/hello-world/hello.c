#include <stdio.h>

int main(void) {
    puts("\nHello from Docker, served by the Shiplab lab registry!\n\n"
         "This message shows that your installation appears to be working correctly.\n\n"
         "What just happened:\n"
         " 1. The docker client asked the Docker daemon to run \"hello-world\".\n"
         " 2. The daemon pulled the image from a registry (here: the lab's own).\n"
         " 3. The daemon created a container from that image and ran its only program,\n"
         "    which printed this text.\n"
         " 4. The daemon streamed that output to the docker client, which sent it to\n"
         "    your terminal.\n\n"
         "Try something bigger: docker run -it busybox sh\n");
    return 0;
}

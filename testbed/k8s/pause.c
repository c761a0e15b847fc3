/* The pod sandbox's process: holds the pod's namespaces until the kubelet stops it. */
#include <signal.h>
#include <unistd.h>

static void stop(int sig) { (void) sig; _exit(0); }

int main(void) {
  signal(SIGINT, stop);
  signal(SIGTERM, stop);
  for (;;) pause();
}

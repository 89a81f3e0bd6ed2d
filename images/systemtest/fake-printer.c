/* The host side of the printer gadget, inside the guest: reads what kassad sends to the USB
 * printer from /dev/g_printer0, keeps every byte (OUT file), and answers like an Epson: `10 04 n`
 * real-time status, `1D 72 01` end of job, `1D 49 n` maker and model. SIGUSR1 makes it stop
 * reading (a printer that stalls: what kassad sends stays in the gadget's queue), SIGUSR2 makes it
 * read again. Built static on the build host by images/systemtest.sh; nothing of it goes into
 * the image. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define GADGET_SET_PRINTER_STATUS _IOW('g', 0x22, unsigned char)

static volatile sig_atomic_t paused;
static void pause_reading(int sig) { (void)sig; paused = 1; }
static void resume_reading(int sig) { (void)sig; paused = 0; }

int main(int argc, char **argv) {
    /* Without SA_RESTART: a signal ends a blocked read, so a pause takes effect at once. */
    struct sigaction pause_action = {.sa_handler = pause_reading}, resume_action = {.sa_handler = resume_reading};
    sigaction(SIGUSR1, &pause_action, NULL);
    sigaction(SIGUSR2, &resume_action, NULL);
    if (argc != 3) { fprintf(stderr, "usage: fake-printer /dev/g_printer0 OUT\n"); return 2; }
    int fd = -1;
    for (int i = 0; i < 100 && fd < 0; i++) {
        fd = open(argv[1], O_RDWR);
        if (fd < 0) usleep(100000);
    }
    if (fd < 0) { perror(argv[1]); return 1; }
    unsigned char status = 0x18; /* selected, no error, paper present */
    ioctl(fd, GADGET_SET_PRINTER_STATUS, &status);
    int out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) { perror(argv[2]); return 1; }
    unsigned char pending[8192];
    size_t have = 0;
    for (;;) {
        if (paused) { usleep(20000); continue; }
        ssize_t n = read(fd, pending + have, sizeof pending - have);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) { usleep(100000); continue; } /* unplugged: wait for the host to come back */
        if (n == 0) { usleep(10000); continue; }
        write(out, pending + have, (size_t)n);
        have += (size_t)n;
        unsigned char replies[256];
        size_t r = 0, i = 0;
        while (i < have) {
            if ((pending[i] == 0x10 || pending[i] == 0x1D) && i + 2 >= have) break; /* the rest is coming */
            if (pending[i] == 0x10 && pending[i + 1] == 0x04) {
                if (r < sizeof replies) replies[r++] = 0x12;
                i += 3;
            } else if (pending[i] == 0x1D && pending[i + 1] == 0x72 && pending[i + 2] == 0x01) {
                if (r < sizeof replies) replies[r++] = 0x00;
                i += 3;
            } else if (pending[i] == 0x1D && pending[i + 1] == 0x49) {
                const char *answer = pending[i + 2] == 0x42 ? "EPSON" : pending[i + 2] == 0x43 ? "TM-T20III" : "";
                if (r + strlen(answer) + 2 < sizeof replies) {
                    replies[r++] = 0x5F;
                    memcpy(replies + r, answer, strlen(answer));
                    r += strlen(answer);
                    replies[r++] = 0x00;
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        memmove(pending, pending + i, have - i);
        have -= i;
        if (r > 0) write(fd, replies, r);
    }
}

// The Linux interfaces Swift's Glibc module leaves out: epoll, signalfd, timerfd, SO_PEERCRED's
// credentials, accept4, pipe2, posix_spawn's closefrom and prctl. This target links nothing; it only
// makes declarations visible.
//
// No `#define _GNU_SOURCE` here, on purpose: our modules import Glibc as well, and Swift's Glibc
// module is built without it. With it, the two modules see different definitions of the same libc
// types (fd_set's field is `fds_bits` under _GNU_SOURCE, `__fds_bits` without) and clang refuses to
// merge them ("fds_bits from module CLinux is not present in definition of fd_set in module
// SwiftGlibc"); it also turns sockaddr arguments into transparent unions Swift cannot pass nil to.
// The two GNU-only declarations we need are restated below instead, with glibc's exact signatures.
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

// struct ucred as the kernel fills it for SO_PEERCRED (glibc declares it only under _GNU_SOURCE).
struct clinux_ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

// prctl is variadic, which Swift cannot call: the one use we have, spelled out.
static inline int clinux_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}

static inline int clinux_peer_credentials(int fd, struct clinux_ucred *out) {
    socklen_t len = sizeof *out;
    return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, out, &len);
}

// glibc declares accept4 only under _GNU_SOURCE; it is in every glibc since 2.10.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addr_len, int flags);

// Likewise pipe2 (glibc 2.9), for pipes that are close-on-exec from the start, and
// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), so that a program we start gets only
// the descriptors we mean it to have.
extern int pipe2(int fds[2], int flags);
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// Pseudo-terminals, for fake serial devices in tests and benchmarks (stdlib.h declares these
// only under _XOPEN_SOURCE).
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern char *ptsname(int fd);

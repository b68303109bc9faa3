#define _GNU_SOURCE
#include "CSystemExtras.h"
#include <fcntl.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <stdint.h>
#include <errno.h>

int mproxy_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int mproxy_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int mproxy_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int mproxy_pipe_close_on_exec(int descriptors[2]) {
    return pipe2(descriptors, O_CLOEXEC);
}

long mproxy_splice(int from, long long *offset, int to, unsigned long count) {
#ifdef SPLICE_F_MOVE
    loff_t position = offset ? (loff_t)*offset : 0;
    ssize_t moved = splice(from, offset ? &position : NULL, to, NULL, count, SPLICE_F_MOVE);
    if (offset && moved > 0) *offset = (long long)position;
    return (long)moved;
#else
    errno = EINVAL;
    return -1;
#endif
}

int mproxy_readable_byte_count(int descriptor) {
    int count = 0;
    return ioctl(descriptor, FIONREAD, &count) == 0 ? count : -1;
}

int mproxy_set_pipe_size(int descriptor, int size) {
#ifdef F_SETPIPE_SZ
    return fcntl(descriptor, F_SETPIPE_SZ, size);
#else
    errno = ENOSYS;
    return -1;
#endif
}

long mproxy_write_without_waiting(int descriptor, const void *bytes, unsigned long count) {
#if defined(__linux__) && defined(RWF_NOWAIT)
    struct iovec vector = { (void *)bytes, count };
    return pwritev2(descriptor, &vector, 1, -1, RWF_NOWAIT);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int mproxy_openat2(int directory, const char *path, int flags, unsigned int mode, unsigned long long resolve) {
#ifdef SYS_openat2
    struct {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
    } how = {(uint64_t)(unsigned int)flags, mode, resolve};
    return (int)syscall(SYS_openat2, directory, path, &how, sizeof how);
#else
    errno = ENOSYS;
    return -1;
#endif
}

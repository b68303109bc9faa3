// The few glibc calls Swift cannot import directly: GNU extensions hidden behind _GNU_SOURCE
// (posix_spawn_file_actions_addchdir_np, addclosefrom_np, splice), variadic functions (prctl) and raw
// system calls (openat2). Used by the agent and by the client's process spawning.
#ifndef C_SYSTEM_EXTRAS_H
#define C_SYSTEM_EXTRAS_H

#include <spawn.h>

/// Makes the calling process a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER), so orphaned
/// descendants are reparented to it; returns 0 or -1 with errno set.
int mproxy_become_child_subreaper(void);

/// Adds a chdir to a posix_spawn file-actions list (glibc 2.29+); returns 0 or an errno value.
int mproxy_spawn_add_chdir(posix_spawn_file_actions_t *_Nonnull actions, const char *_Nonnull path);

/// Adds "close every descriptor from `lowest` up" to a posix_spawn file-actions list (glibc
/// 2.34+), so a child inherits only what was given to it, whatever other threads have open;
/// returns 0 or an errno value.
int mproxy_spawn_add_close_from(posix_spawn_file_actions_t *_Nonnull actions, int lowest);

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start, so a concurrent spawn never
/// inherits them; returns 0 or -1 with errno set.
int mproxy_pipe_close_on_exec(int descriptors[_Nonnull 2]);

/// fcntl(F_SETPIPE_SZ) (a GNU extension Swift does not see): asks for a pipe buffer of `size` bytes;
/// returns the size granted or -1 with errno set (EPERM above the user's pipe allowance).
int mproxy_set_pipe_size(int descriptor, int size);

/// Writes what fits without waiting (pwritev2 with RWF_NOWAIT, Linux 4.14+; pipes honour it):
/// returns the bytes written, or -1 with errno set (EAGAIN when nothing fits now, EOPNOTSUPP or
/// ENOSYS where the flag is not supported).
long mproxy_write_without_waiting(int descriptor, const void *_Nonnull bytes, unsigned long count);

/// splice(2) (a GNU extension): moves up to `count` bytes between two descriptors, one of them a
/// pipe, inside the kernel (SPLICE_F_MOVE); from a regular file, `offset` says where to read and
/// advances; from a pipe it must be NULL. Blocks like a read or write would. Returns the bytes
/// moved or -1 with errno set (EINVAL where either descriptor does not support splicing).
long mproxy_splice(int from, long long *_Nullable offset, int to, unsigned long count);

/// ioctl(FIONREAD): the bytes a pipe or socket holds for reading now; -1 with errno set.
int mproxy_readable_byte_count(int descriptor);

/// openat2(2) with `resolve` flags (RESOLVE_BENEATH = 0x08, RESOLVE_NO_MAGICLINKS = 0x02), Linux
/// 5.6+; returns a descriptor or -1 with errno set (ENOSYS on older kernels).
int mproxy_openat2(int directory, const char *_Nonnull path, int flags, unsigned int mode, unsigned long long resolve);

#endif

#define _GNU_SOURCE
#include "CAgentSystem.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

int mproxy_become_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int mproxy_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int mproxy_pipe_close_on_exec(int descriptors[2]) {
    return pipe2(descriptors, O_CLOEXEC);
}

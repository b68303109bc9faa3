// libssh's public API, and eventfd for the session thread's wake-ups; only RemoteExec/LibSSH imports it.
#ifndef MPROXY_CLIBSSH_SHIM_H
#define MPROXY_CLIBSSH_SHIM_H
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
// ssh_send_keepalive (keepalive@openssh.com) is declared with the server API but serves clients too.
#include <libssh/server.h>
#include <sys/eventfd.h>
#endif

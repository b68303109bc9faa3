// libssh's public API for the RemoteExec/LibSSH wrappers; nothing else imports this module.
#ifndef MPROXY_CLIBSSH_SHIM_H
#define MPROXY_CLIBSSH_SHIM_H
#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#endif

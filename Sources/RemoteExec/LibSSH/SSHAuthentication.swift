import CLibSSH

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Logs in the way `ssh` does: ssh-agent, then identity files (asking for a passphrase on the
/// terminal when there is one), then keyboard-interactive and password on a terminal.
enum SSHAuthentication {
    /// Authenticates a connected `session`, blocking its thread.
    ///
    /// - Throws: ``SSHError`` `authenticationFailed` listing every method tried and how it ended.
    static func authenticate(_ session: SSHSession, allowsTerminalPrompts: Bool) throws(SSHError) {
        let handle = session.handle
        let configuration = session.configuration
        let none = ssh_userauth_none(handle, nil)
        if none == SSH_AUTH_SUCCESS.rawValue { return }
        try checkNotFailed(none, session, step: "the 'none' method")
        let methods = UInt32(bitPattern: ssh_userauth_list(handle, nil))
        var attempts: [String] = []

        if methods & SSH_AUTH_METHOD_PUBLICKEY != 0 {
            let agentDisabled = configuration.identityAgent == "none" || configuration.identitiesOnly
            if agentDisabled {
                attempts.append("ssh-agent (skipped: IdentitiesOnly or IdentityAgent none)")
            } else if getenv("SSH_AUTH_SOCK") == nil && configuration.identityAgent == nil {
                attempts.append("ssh-agent (SSH_AUTH_SOCK is not set)")
            } else {
                let result = ssh_userauth_agent(handle, nil)
                if result == SSH_AUTH_SUCCESS.rawValue { return }
                try checkNotFailed(result, session, step: "ssh-agent")
                attempts.append("ssh-agent (no key accepted)")
            }
            for path in configuration.identityFiles {
                if try authenticate(
                    session, identityFile: path, allowsTerminalPrompts: allowsTerminalPrompts, attempts: &attempts)
                {
                    return
                }
            }
        } else {
            attempts.append("public keys (the server does not accept them)")
        }

        let hasTerminal = allowsTerminalPrompts && access("/dev/tty", R_OK | W_OK) == 0
        if methods & SSH_AUTH_METHOD_INTERACTIVE != 0 {
            if hasTerminal {
                if try keyboardInteractive(session) { return }
                attempts.append("keyboard-interactive (refused)")
            } else {
                attempts.append("keyboard-interactive (no terminal to ask on)")
            }
        }
        if methods & SSH_AUTH_METHOD_PASSWORD != 0 {
            if hasTerminal,
                let password = SSHTerminalPrompt.ask(
                    "\(configuration.user)@\(configuration.hostName)'s password: ", echo: false)
            {
                let result = ssh_userauth_password(handle, nil, password)
                if result == SSH_AUTH_SUCCESS.rawValue { return }
                try checkNotFailed(result, session, step: "password")
                attempts.append("password (refused)")
            } else {
                attempts.append("password (no terminal to ask on)")
            }
        }
        throw SSHError(
            .authenticationFailed,
            "could not log in to \(configuration.user)@\(configuration.hostName) port \(configuration.port): tried "
                + attempts.joined(separator: ", ") + ". Add your public key to the server's authorized_keys, "
                + "load it into ssh-agent, or pass -i KEY; check the user name (-l USER)",
            libSSHReturnCode: SSH_AUTH_DENIED.rawValue, libSSHErrorText: session.lastErrorText)
    }

    /// Tries one identity file: offers its public key first when a `.pub` file is beside it, so a
    /// passphrase is asked only for keys the server would accept.
    private static func authenticate(
        _ session: SSHSession, identityFile path: String, allowsTerminalPrompts: Bool, attempts: inout [String]
    ) throws(SSHError) -> Bool {
        guard access(path, R_OK) == 0 else {
            if session.configuration.identitiesOnly || access(path, F_OK) == 0 {
                attempts.append("\(path) (not readable)")
            }
            return false
        }
        var publicKey: ssh_key?
        if ssh_pki_import_pubkey_file(path + ".pub", &publicKey) == SSH_OK, let publicKey {
            let offer = ssh_userauth_try_publickey(session.handle, nil, publicKey)
            ssh_key_free(publicKey)
            try checkNotFailed(offer, session, step: path)
            guard offer == SSH_AUTH_SUCCESS.rawValue else {
                attempts.append("\(path) (refused)")
                return false
            }
        }
        var privateKey: ssh_key?
        var promptContext = PassphrasePromptContext(allowsTerminalPrompts: allowsTerminalPrompts, path: path)
        let imported = withUnsafeMutablePointer(to: &promptContext) { context in
            ssh_pki_import_privkey_file(path, nil, passphraseCallback, context, &privateKey)
        }
        guard imported == SSH_OK, let privateKey else {
            attempts.append(
                promptContext.asked
                    ? "\(path) (wrong passphrase)"
                    : "\(path) (cannot be read without a passphrase, and there is no terminal to ask on)")
            return false
        }
        defer { ssh_key_free(privateKey) }
        let result = ssh_userauth_publickey(session.handle, nil, privateKey)
        if result == SSH_AUTH_SUCCESS.rawValue { return true }
        try checkNotFailed(result, session, step: path)
        attempts.append("\(path) (refused)")
        return false
    }

    private static func keyboardInteractive(_ session: SSHSession) throws(SSHError) -> Bool {
        var result = ssh_userauth_kbdint(session.handle, nil, nil)
        while result == SSH_AUTH_INFO.rawValue {
            let count = ssh_userauth_kbdint_getnprompts(session.handle)
            for index in 0..<max(0, count) {
                var echo: CChar = 0
                let prompt =
                    ssh_userauth_kbdint_getprompt(session.handle, UInt32(index), &echo)
                    .map { String(cString: $0) } ?? "Password: "
                guard let answer = SSHTerminalPrompt.ask(prompt, echo: echo != 0) else { return false }
                _ = ssh_userauth_kbdint_setanswer(session.handle, UInt32(index), answer)
            }
            result = ssh_userauth_kbdint(session.handle, nil, nil)
        }
        if result == SSH_AUTH_SUCCESS.rawValue { return true }
        try checkNotFailed(result, session, step: "keyboard-interactive")
        return false
    }

    /// `SSH_AUTH_ERROR` means the connection itself failed (not a refusal): stop trying.
    private static func checkNotFailed(_ result: Int32, _ session: SSHSession, step: String) throws(SSHError) {
        guard result == SSH_AUTH_ERROR.rawValue else { return }
        let code: SSHError.Code = session.isConnected ? .authenticationFailed : .disconnected
        throw session.error(
            code, "authentication failed during \(step): the server ended the exchange", returnCode: result)
    }
}

/// What the passphrase callback needs, passed through libssh's `userdata` pointer.
private struct PassphrasePromptContext {
    var allowsTerminalPrompts: Bool
    var path: String
    var asked = false
}

/// libssh's `ssh_auth_callback`: fills `buffer` with the passphrase read from the terminal.
private let passphraseCallback: ssh_auth_callback = { _, buffer, length, _, _, userdata in
    guard let buffer, let userdata, length > 1 else { return -1 }
    let context = userdata.assumingMemoryBound(to: PassphrasePromptContext.self)
    guard context.pointee.allowsTerminalPrompts,
        let passphrase = SSHTerminalPrompt.ask("Enter passphrase for key '\(context.pointee.path)': ", echo: false)
    else { return -1 }
    context.pointee.asked = true
    let bytes = Array(passphrase.utf8.prefix(length - 1))
    for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
    return 0
}

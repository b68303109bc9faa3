import Testing

@testable import RemoteExec

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Destination parsing")
struct DestinationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var user: String?
        var host: String
        var port: Int?
        var testDescription: String { text }
    }

    @Test(
        "accepted forms",
        arguments: [
            Case(text: "host", user: nil, host: "host", port: nil),
            Case(text: "alice@host", user: "alice", host: "host", port: nil),
            Case(text: "host:2222", user: nil, host: "host", port: 2222),
            Case(text: "alice@host.example.com:22", user: "alice", host: "host.example.com", port: 22),
            Case(text: "[::1]:2200", user: nil, host: "::1", port: 2200),
            Case(text: "[fe80::1%eth0]", user: nil, host: "fe80::1%eth0", port: nil),
            Case(text: "bob@[2001:db8::7]:65535", user: "bob", host: "2001:db8::7", port: 65535),
            Case(text: "::1", user: nil, host: "::1", port: nil),
            Case(text: "ssh://carol@box:2022", user: "carol", host: "box", port: 2022),
            Case(text: "ssh://box/", user: nil, host: "box", port: nil),
            Case(text: "SSH://[::1]:7", user: nil, host: "::1", port: 7),
            Case(text: "first@last@host", user: "first@last", host: "host", port: nil),
            Case(text: "192.0.2.1:1", user: nil, host: "192.0.2.1", port: 1),
        ])
    func accepted(_ example: Case) throws {
        let destination = try Destination(parsing: example.text)
        #expect(destination.user == example.user)
        #expect(destination.host == example.host)
        #expect(destination.port == example.port)
        #expect(try Destination(parsing: destination.description) == destination)
    }

    @Test(
        "rejected forms say what is wrong",
        arguments: [
            ("", DestinationParsingError.Code.empty),
            ("host:", .invalidPort),
            ("host:0", .invalidPort),
            ("host:65536", .invalidPort),
            ("host:22x", .invalidPort),
            ("host:-1", .invalidPort),
            ("[::1", .unterminatedBracket),
            ("[::1]x", .invalidHost),
            ("@host", .invalidUser),
            ("-oProxyCommand=evil", .invalidHost),
            ("-l@host", .invalidUser),
            ("a b", .invalidHost),
            ("user@", .invalidHost),
            ("http://host", .unsupportedScheme),
            ("ssh://host/path", .invalidHost),
            ("[]:22", .invalidHost),
        ])
    func rejected(text: String, code: DestinationParsingError.Code) {
        let error = #expect(throws: DestinationParsingError.self) { try Destination(parsing: text) }
        #expect(error?.code == code)
        #expect(error?.description.contains("user@host") == true)
    }

    @Test("description brackets IPv6 addresses")
    func description() {
        #expect(Destination(user: "u", host: "::1", port: 22).description == "u@[::1]:22")
        #expect(Destination(host: "h").description == "h")
    }
}

@Suite("ssh -G output")
struct SSHHostConfigurationParsingTests {
    static let output = """
        host box
        user deploy
        hostname 10.0.0.7
        port 2222
        identityfile ~/.ssh/id_%r_%h
        identityfile /keys/%n-%p.key
        identityfile ~/.ssh/id_ed25519
        identitiesonly yes
        identityagent none
        proxyjump bastion,inner
        userknownhostsfile /home/me/.ssh/known_hosts /home/me/.ssh/known_hosts2
        stricthostkeychecking accept-new
        hostkeyalias build-box
        connecttimeout 7
        serveraliveinterval 15
        serveralivecountmax 4
        setenv SHLVL=1
        setenv GREETING=hello world
        unknownkeyword whatever
        """

    @Test("every setting RemoteExec uses is read, with ~ and % tokens expanded in identity files")
    func parse() {
        let configuration = SSHHostConfiguration(
            openSSHOutput: Self.output, alias: "box", configurationFile: "/etc/cfg", home: "/home/me", localUser: "me")
        #expect(configuration.source == .openSSH)
        #expect(configuration.hostName == "10.0.0.7")
        #expect(configuration.port == 2222)
        #expect(configuration.user == "deploy")
        #expect(
            configuration.identityFiles == [
                "/home/me/.ssh/id_deploy_10.0.0.7", "/keys/box-2222.key", "/home/me/.ssh/id_ed25519",
            ])
        #expect(configuration.identitiesOnly)
        #expect(configuration.identityAgent == "none")
        #expect(configuration.proxyJump == "bastion,inner")
        #expect(configuration.proxyCommand == nil)
        #expect(configuration.userKnownHostsFiles == ["/home/me/.ssh/known_hosts", "/home/me/.ssh/known_hosts2"])
        #expect(configuration.strictHostKeyChecking == .acceptNew)
        #expect(configuration.hostKeyAlias == "build-box")
        #expect(configuration.knownHostsName == "build-box")
        #expect(configuration.connectTimeout == 7)
        #expect(configuration.serverAliveInterval == 15)
        #expect(configuration.serverAliveCountMax == 4)
        #expect(
            configuration.environment == [
                .init(name: "SHLVL", value: "1"), .init(name: "GREETING", value: "hello world"),
            ])
        #expect(
            configuration.proxyCommandIncludingJump
                == "ssh -F /etc/cfg -J bastion -W '[%h]:%p' inner")
    }

    @Test("known_hosts names: the host, [host]:port off port 22, or the HostKeyAlias as it is")
    func knownHostsName() {
        var configuration = SSHHostConfiguration(alias: "box", hostName: "10.0.0.7", user: "me")
        #expect(configuration.knownHostsName == "10.0.0.7")
        configuration.port = 2222
        #expect(configuration.knownHostsName == "[10.0.0.7]:2222")
        configuration.hostKeyAlias = "build-box"
        #expect(configuration.knownHostsName == "build-box")
    }

    @Test("a known_hosts name as the host and port libssh spells it from")
    func knownHostsSpelling() {
        #expect(SSHSession.hostAndPort(spelling: "build-box") == ("build-box", 22))
        #expect(SSHSession.hostAndPort(spelling: "[127.0.0.1]:2222") == ("127.0.0.1", 2222))
        #expect(SSHSession.hostAndPort(spelling: "[fe80::1]:2222") == ("fe80::1", 2222))
        #expect(SSHSession.hostAndPort(spelling: "[box]:x") == ("[box]:x", 22))
    }

    @Test(
        "ssh -G's spellings of StrictHostKeyChecking",
        arguments: [
            ("true", StrictHostKeyChecking.yes), ("yes", .yes), ("ask", .ask), ("accept-new", .acceptNew),
            ("false", .no), ("no", .no), ("off", .no),
        ])
    func strictHostKeyChecking(value: String, expected: StrictHostKeyChecking) {
        let configuration = SSHHostConfiguration(
            openSSHOutput: "stricthostkeychecking \(value)", alias: "h", home: "/h", localUser: "u")
        #expect(configuration.strictHostKeyChecking == expected)
    }

    @Test("command-line overrides win over ssh_config; -i implies IdentitiesOnly")
    func overrides() {
        var configuration = SSHHostConfiguration(
            openSSHOutput: Self.output, alias: "box", home: "/home/me", localUser: "me")
        configuration.apply(
            SSHConnectionOverrides(user: "root", port: 22, identityFiles: ["/k"], acceptsNewHostKey: true),
            destination: Destination(user: "ignored", host: "box", port: 1))
        #expect(configuration.user == "root")
        #expect(configuration.port == 22)
        #expect(configuration.identityFiles == ["/k"])
        #expect(configuration.strictHostKeyChecking == .acceptNew)

        var fromDestination = SSHHostConfiguration(
            openSSHOutput: Self.output, alias: "box", home: "/h", localUser: "me")
        fromDestination.apply(SSHConnectionOverrides(), destination: Destination(user: "eve", host: "box", port: 2))
        #expect(fromDestination.user == "eve")
        #expect(fromDestination.port == 2)
    }

    @Test("ssh -G is called with -F, -l, -p and -- before the host")
    func arguments() {
        let arguments = SSHHostConfiguration.openSSHArguments(
            for: Destination(user: "u", host: "h", port: 2),
            overrides: SSHConnectionOverrides(configurationFile: "/c"))
        #expect(arguments == ["-G", "-F", "/c", "-l", "u", "-p", "2", "--", "h"])
    }

    @Test("the real ssh -G reads an ssh_config file given with -F")
    func realOpenSSH() throws {
        let directory = "/tmp/mproxy-ssh-G-\(getpid())"
        mkdir(directory, 0o700)
        defer {
            unlink(directory + "/config")
            rmdir(directory)
        }
        let text = "Host alias\n  HostName 192.0.2.9\n  Port 2200\n  User zed\n  IdentityFile %d/key-%r\n"
        let file = fopen(directory + "/config", "w")
        fputs(text, file)
        fclose(file)
        let configuration = try SSHHostConfiguration.resolve(
            destination: Destination(host: "alias"),
            overrides: SSHConnectionOverrides(configurationFile: directory + "/config"))
        #expect(configuration.source == .openSSH)
        #expect(configuration.hostName == "192.0.2.9")
        #expect(configuration.port == 2200)
        #expect(configuration.user == "zed")
        #expect(configuration.identityFiles == ["\(SSHPathExpansion.homeDirectory)/key-zed"])
    }

    @Test("shell quoting survives single quotes")
    func quoting() {
        #expect(ShellQuoting.quote("it's") == #"'it'\''s'"#)
        #expect(
            ShellQuoting.join(["a b", "c", "", "/usr/bin/x-y_z.1", "$HOME", "~"])
                == "'a b' c '' /usr/bin/x-y_z.1 '$HOME' '~'")
        let script = SSHConnection.uploadScript(path: "~/.cache/x'y/agent", mode: 0o755)
        #expect(script.contains(#"mkdir -p "$HOME"/'.cache/x'\''y'"#))
        #expect(script.contains("chmod 755"))
        #expect(script.hasPrefix("umask 077; "))
    }
}

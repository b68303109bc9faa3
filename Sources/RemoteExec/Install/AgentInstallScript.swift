/// The POSIX `sh` scripts that find, verify and install the agent on a host. Each runs as one
/// `sh -c` word, so it behaves the same under any login shell.
///
/// The agent lives at `<dir>/mproxy-agent` where `<dir>` is the first usable of:
/// `~/.cache/mproxy/agent/<sha256>`, `$XDG_RUNTIME_DIR/mproxy/agent/<sha256>`,
/// `${TMPDIR:-/tmp}/mproxy-<uid>/agent/<sha256>` and `/dev/shm/mproxy-<uid>/agent/<sha256>`
/// (the shared ones only when their base is ours, not a link, and made 0700). A read-only or
/// noexec home thus falls back to a private directory elsewhere.
enum AgentInstallScript {
    /// The line the launch script prints before it hands its stdio to a verified agent.
    static let readyMarker = "MPROXY-AGENT-READY "
    /// The line the launch script prints when no verified agent is there.
    static let missingMarker = "MPROXY-AGENT-MISSING"

    /// Prints the candidate directories, one a line.
    private static func candidates(hash: String) -> String {
        """
        H=\(hash)
        hash_of() { sha256sum "$1" 2>/dev/null || shasum -a 256 "$1" 2>/dev/null; }
        private_base() { mkdir -p "$1" 2>/dev/null && [ -O "$1" ] && [ ! -L "$1" ] && chmod 700 "$1" 2>/dev/null && printf '%s\\n' "$1/agent/$H"; }
        candidates() {
          [ -n "${HOME:-}" ] && printf '%s\\n' "$HOME/.cache/mproxy/agent/$H"
          [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && printf '%s\\n' "$XDG_RUNTIME_DIR/mproxy/agent/$H"
          private_base "${TMPDIR:-/tmp}/mproxy-$(id -u)"
          [ -d /dev/shm ] && private_base "/dev/shm/mproxy-$(id -u)"
          return 0
        }

        """
    }

    /// The file next to the agent that records its identity (`stat -c` of inode, size, mtime and
    /// ctime) at the moment its SHA-256 last matched.
    static let stampSuffix = ".verified"

    /// Finds a verified agent and runs it on this stdio after printing the ready marker and its path;
    /// prints the missing marker otherwise. Any mismatch (a tampered or half-written file) counts as missing.
    ///
    /// Hashing the agent (megabytes) on every connection cost more than everything else in a cold
    /// command, so the content is hashed only when the file's identity differs from the stamp written
    /// the last time the hash matched: any write, truncation or replacement changes its ctime (which
    /// only the clock can set) or inode, and sends the launch back to the full hash.
    static func launch(hash: String) -> String {
        launchScript(hash: hash, start: #"exec "$P""#)
    }

    /// Like ``launch(hash:)`` but only prints the marker line, for transports that start the agent
    /// with a separate command (the OpenSSH transport).
    static func locate(hash: String) -> String {
        launchScript(hash: hash, start: "exit 0")
    }

    private static func launchScript(hash: String, start: String) -> String {
        """
        H=\(hash)
        identity() { stat -c '%i %s %y %z' "$1" 2>/dev/null; }
        if [ -n "${HOME:-}" ]; then
          P="$HOME/.cache/mproxy/agent/$H/mproxy-agent"
          if [ -x "$P" ] && [ -f "$P\(stampSuffix)" ] && IFS= read -r V 2>/dev/null < "$P\(stampSuffix)" && [ -n "$V" ] && [ "$V" = "$(identity "$P")" ]; then
            printf '\(readyMarker)%s\\n' "$P"; \(start)
          fi
        fi

        """ + candidates(hash: hash) + """
            P=$(candidates | while IFS= read -r D; do
              if [ -f "$D/mproxy-agent" ] && [ -x "$D/mproxy-agent" ]; then
                case "$(hash_of "$D/mproxy-agent")" in
                  "$H "*) { identity "$D/mproxy-agent" > "$D/mproxy-agent\(stampSuffix)"; } 2>/dev/null; printf '%s' "$D/mproxy-agent"; break ;;
                esac
              fi
            done)
            if [ -n "$P" ]; then printf '\(readyMarker)%s\\n' "$P"; \(start); fi
            printf '\(missingMarker)\\n'

            """
    }

    /// `uname -sm`, to check the platform before uploading.
    static let platform = "uname -sm"

    /// Reads the agent from stdin into the first writable candidate, checks its hash, then places it
    /// in the first candidate where it can execute (atomic rename, 0700 directories and file).
    /// Prints `INSTALLED <path>`; or exits 28 with `DISK-FULL <detail>`, 3 with `NOT-WRITABLE <detail>`,
    /// 4 with `CORRUPT <hash>`, 5 with `NOEXEC <detail>`.
    static func install(hash: String) -> String {
        candidates(hash: hash) + """
            umask 077
            exec 3<&0
            T=; notes=
            dirs=$(candidates)
            while IFS= read -r D; do
              [ -n "$D" ] || continue
              if [ -z "$T" ]; then
                if mkdir -p "$D" 2>/dev/null && chmod 700 "$D" 2>/dev/null && : > "$D/.probe.$$" 2>/dev/null; then
                  rm -f "$D/.probe.$$"
                  T="$D/.mproxy-agent-upload.$$"
                  if ! cat <&3 > "$T" 2> "$D/.error.$$"; then
                    e=$(cat "$D/.error.$$"); rm -f "$T" "$D/.error.$$"
                    case "$e" in *"No space"*|*"quota"*) echo "DISK-FULL $D: $e"; exit 28 ;; esac
                    echo "NOT-WRITABLE $D: $e"; exit 3
                  fi
                  rm -f "$D/.error.$$"
                  case "$(hash_of "$T")" in "$H "*) ;; *) echo "CORRUPT $(hash_of "$T")"; rm -f "$T"; exit 4 ;; esac
                else
                  notes="$notes; cannot write $D"; continue
                fi
              fi
              mkdir -p "$D" 2>/dev/null && chmod 700 "$D" 2>/dev/null || { notes="$notes; cannot create $D"; continue; }
              P="$D/mproxy-agent"
              N="$D/.mproxy-agent.$$"
              if ! cp "$T" "$N" 2>/dev/null; then rm -f "$N"; notes="$notes; cannot copy to $D"; continue; fi
              if ! { chmod 700 "$N" && mv -f "$N" "$P"; }; then notes="$notes; cannot rename into $D"; continue; fi
              "$P" < /dev/null > /dev/null 2>&1
              if [ $? -eq 126 ]; then notes="$notes; $D is on a noexec file system"; continue; fi
              rm -f "$T"
              echo "INSTALLED $P"; exit 0
            done <<MPROXY_DIRS
            $dirs
            MPROXY_DIRS
            [ -n "$T" ] && rm -f "$T"
            if [ -z "$T" ]; then echo "NOT-WRITABLE no writable private directory${notes}"; exit 3; fi
            echo "NOEXEC no directory lets the agent execute${notes}"; exit 5

            """
    }
}

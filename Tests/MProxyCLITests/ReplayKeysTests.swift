import AgentProto
import Foundation
import Testing

/// The keys `mproxy replay` reads on a terminal, typed into a real pseudo-terminal. Each recording
/// has gaps far longer than the test's time limit, so a key that does not work fails the test.
@Suite("mproxy replay keys", .serialized, .timeLimit(.minutes(1)))
struct ReplayKeysTests {
    @Test("q quits at once and the terminal is restored")
    func quit() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["long"])
        try builder.at(0).output(command, "first\n")
        try builder.at(600).output(command, "never\n")
        try builder.at(601).end(command)
        try builder.close()

        let session = try PseudoTerminalSession(["replay", builder.path])
        #expect(session.waitFor("first"))
        #expect(!session.isInLineMode)
        session.type("q")
        #expect(session.waitForExit() == 0)
        #expect(!session.screen.contains("never"))
        #expect(session.isInLineMode)
    }

    @Test("a termination signal restores the terminal too")
    func signalRestoresTerminal() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["long"])
        try builder.at(0).output(command, "first\n")
        try builder.at(600).output(command, "never\n")
        try builder.at(601).end(command)
        try builder.close()

        let session = try PseudoTerminalSession(["replay", builder.path])
        #expect(session.waitFor("first"))
        #expect(!session.isInLineMode)
        session.terminate()
        #expect(session.waitForExit() != 0)
        #expect(session.isInLineMode)
    }

    @Test("space pauses, . plays one frame while paused, space resumes")
    func pauseAndStep() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["steps"])
        try builder.at(0).output(command, "one\n")
        try builder.at(600).output(command, "two\n")
        try builder.at(600.2).output(command, "three\n")
        try builder.at(1200).output(command, "four\n")
        try builder.at(1201).end(command)
        try builder.close()

        let session = try PseudoTerminalSession(["replay", builder.path])
        #expect(session.waitFor("one"))
        session.type(" ")
        #expect(session.waitFor("paused"))
        session.type(".")
        #expect(session.waitFor("two"))
        #expect(!session.screen.contains("three"))
        session.type(" ")
        #expect(session.waitFor("playing at 1x"))
        #expect(session.waitFor("three"))
        session.type("q")
        #expect(session.waitForExit() == 0)
        #expect(!session.screen.contains("four"))
    }

    @Test("+ and - change the speed while playing")
    func speedKeys() throws {
        let builder = try RecordingBuilder()
        let command = try builder.at(0).start(["fast"])
        try builder.at(0).output(command, "start\n")
        try builder.at(150).output(command, "later\n")
        try builder.at(151).end(command)
        try builder.close()

        let session = try PseudoTerminalSession(["replay", builder.path])
        #expect(session.waitFor("start"))
        session.type("-")
        #expect(session.waitFor("speed 0.5x"))
        session.type("++++++++++")
        #expect(session.waitFor("speed 100x"))
        #expect(session.waitFor("later"))
        #expect(session.waitForExit() == 0)
    }

    @Test("] skips the rest of the command to the next one")
    func skipToNextCommand() throws {
        let builder = try RecordingBuilder()
        let first = try builder.at(0).start(["first"])
        try builder.at(0).output(first, "first begins\n")
        try builder.at(600).output(first, "first ends\n")
        try builder.at(600).end(first)
        let second = try builder.at(900).start(["second", "command"])
        try builder.at(900.1).output(second, "second output\n")
        try builder.at(901).end(second)
        try builder.close()

        let session = try PseudoTerminalSession(["replay", builder.path])
        #expect(session.waitFor("first begins"))
        session.type("]")
        #expect(session.waitFor("[1] second command"))
        #expect(session.waitFor("second output"))
        #expect(session.waitForExit() == 0)
        #expect(session.screen.contains("first ends"))
    }
}

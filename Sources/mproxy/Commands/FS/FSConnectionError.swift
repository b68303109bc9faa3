/// The destination could not be reached or its agent could not be started.
struct FSConnectionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

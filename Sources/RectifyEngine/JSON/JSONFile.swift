/// One JSON object read from a file, for readers outside the engine (the CLI's config file): the
/// same size check before the read, parser limits and error wording as preset files.
public enum JSONFile {
    /// The members of the object `path` holds; `what` names the document in errors ("config file").
    /// Every error names the file.
    public static func object(at path: String, what: String) throws(ConfigError) -> [(key: String, value: JSONValue)] {
        do {
            return try JSONFields.object(try JSONFields.read(file: path), what: what)
        } catch {
            throw error.source == nil ? error.from(path) : error
        }
    }
}

import Foundation

/// Recognises a mace-torch (PyTorch) model given where a converted MaceMD model is expected,
/// so the user is told what the file is and how to convert it instead of a safetensors
/// parse error ("header length … exceeds the file size").
///
/// `torch.save` writes a zip archive (first bytes `PK\u{3}\u{4}`) since PyTorch 1.6, and a bare
/// pickle (first byte 0x80, the pickle protocol opcode) before; TorchScript files are zip
/// archives too. A safetensors file starts with its little-endian header length, whose high
/// bytes are zero for any real header, so neither signature can be a valid MaceMD model.
enum ForeignModelFile {
    /// Throws ``ForeignModelError`` when `url` starts like a PyTorch file; does nothing for files
    /// that cannot be opened (the safetensors reader reports those).
    static func check(_ url: URL) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        guard isPyTorch(head) else { return }
        throw ForeignModelError(path: url.path)
    }

    /// Whether `bytes` (the first four bytes of a file) start a zip archive or a pickle.
    static func isPyTorch(_ bytes: [UInt8]) -> Bool {
        if bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 3 && bytes[3] == 4 { return true }
        return bytes.count >= 2 && bytes[0] == 0x80 && (2...5).contains(bytes[1])
    }
}

/// A mace-torch (PyTorch) file was given where a converted MaceMD model is expected.
public struct ForeignModelError: Error, Equatable, CustomStringConvertible {
    /// The file as given.
    public let path: String

    public var description: String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return "\(path) is a mace-torch (PyTorch) model, not a MaceMD model file; convert it once with "
            + "`macemd convert \(path) \(stem).safetensors` (needs a Python with mace-torch; add --head NAME "
            + "for a multi-head model) and give the .safetensors file"
    }
}

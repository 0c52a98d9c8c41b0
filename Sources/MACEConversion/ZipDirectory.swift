import Foundation

/// The table of contents of a zip archive (its central directory), and the bytes of members
/// stored without compression — enough to recognise a model file by what it holds
/// (PyTorch archives store every member uncompressed; mlip zips are only listed).
///
/// Reads the End Of Central Directory record (and its Zip64 form) as laid out in PKWARE's
/// APPNOTE.TXT §4.3.
struct ZipDirectory {
    /// One member of the archive.
    struct Member {
        /// The path inside the archive.
        var name: String
        /// 0: stored (uncompressed); 8: deflated; others are rare.
        var compressionMethod: UInt16
        var compressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    /// The members, in central-directory order.
    private(set) var members: [Member] = []
    private let data: Data

    /// Reads the central directory of the zip file at `url`; nil when the file is not a zip archive.
    init?(contentsOf url: URL) {
        guard let data = try? Data(contentsOf: url, options: .alwaysMapped), data.count >= 22,
              data.readUInt32(at: 0) == 0x0403_4b50 else { return nil }
        self.data = data
        // The End Of Central Directory record is in the last 22 + 65,535 bytes.
        let searchStart = max(0, data.count - 22 - 65_535)
        var eocd: Int?
        var position = data.count - 22
        while position >= searchStart {
            if data.readUInt32(at: position) == 0x0605_4b50 { eocd = position; break }
            position -= 1
        }
        guard let eocd else { return nil }
        var entryCount = UInt64(data.readUInt16(at: eocd + 10))
        var directoryOffset = UInt64(data.readUInt32(at: eocd + 16))
        // Zip64: the locator sits 20 bytes before the EOCD record and points at the Zip64 EOCD.
        if (entryCount == 0xFFFF || directoryOffset == 0xFFFF_FFFF), eocd >= 20,
           data.readUInt32(at: eocd - 20) == 0x0706_4b50 {
            let zip64 = Int(data.readUInt64(at: eocd - 20 + 8))
            guard zip64 + 56 <= data.count, data.readUInt32(at: zip64) == 0x0606_4b50 else { return nil }
            entryCount = data.readUInt64(at: zip64 + 32)
            directoryOffset = data.readUInt64(at: zip64 + 48)
        }
        var cursor = Int(clamping: directoryOffset)
        for _ in 0..<entryCount {
            guard cursor + 46 <= data.count, data.readUInt32(at: cursor) == 0x0201_4b50 else { return nil }
            let method = data.readUInt16(at: cursor + 10)
            var compressed = UInt64(data.readUInt32(at: cursor + 20))
            var uncompressed = UInt64(data.readUInt32(at: cursor + 24))
            let nameLength = Int(data.readUInt16(at: cursor + 28))
            let extraLength = Int(data.readUInt16(at: cursor + 30))
            let commentLength = Int(data.readUInt16(at: cursor + 32))
            var localOffset = UInt64(data.readUInt32(at: cursor + 42))
            guard cursor + 46 + nameLength + extraLength <= data.count else { return nil }
            let name = String(decoding: data[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // Zip64 extended information (header id 1) holds the sizes/offset that overflowed.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = data.readUInt16(at: extra), size = Int(data.readUInt16(at: extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = data.readUInt64(at: field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = data.readUInt64(at: field); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = data.readUInt64(at: field) }
                }
                extra += 4 + size
            }
            members.append(Member(name: name, compressionMethod: method, compressedSize: compressed,
                                  localHeaderOffset: localOffset))
            cursor += 46 + nameLength + extraLength + commentLength
        }
    }

    /// The names of every member.
    var names: [String] { members.map(\.name) }

    /// The bytes of `member` if it is stored uncompressed; nil otherwise.
    func storedBytes(of member: Member) -> Data? {
        guard member.compressionMethod == 0 else { return nil }
        let header = Int(clamping: member.localHeaderOffset)
        guard header + 30 <= data.count, data.readUInt32(at: header) == 0x0403_4b50 else { return nil }
        let start = header + 30 + Int(data.readUInt16(at: header + 26)) + Int(data.readUInt16(at: header + 28))
        let end = start + Int(clamping: member.compressedSize)
        guard end <= data.count else { return nil }
        return data[start..<end]
    }
}

extension Data {
    /// The little-endian integer at byte `offset` (relative to `startIndex`).
    fileprivate func readUInt16(at offset: Int) -> UInt16 {
        let i = startIndex + offset
        return UInt16(self[i]) | UInt16(self[i + 1]) << 8
    }

    fileprivate func readUInt32(at offset: Int) -> UInt32 {
        UInt32(readUInt16(at: offset)) | UInt32(readUInt16(at: offset + 2)) << 16
    }

    fileprivate func readUInt64(at offset: Int) -> UInt64 {
        UInt64(readUInt32(at: offset)) | UInt64(readUInt32(at: offset + 4)) << 32
    }
}

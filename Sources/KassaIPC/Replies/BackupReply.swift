import KassaCore

/// `backup.list`: what a backup copies, and what names it (the register, its last receipt and record).
public struct BackupListReply: ReplyValue, Hashable {
    /// One file of the state directory, by its path in it, with its size when listed.
    public struct File: ReplyValue, Hashable {
        public var path: String
        public var size: Int64

        public init(path: String, size: Int64) {
            self.path = path
            self.size = size
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(path: try f.string("path"), size: try f.int("size"))
        }

        public var json: JSONValue { ["path": .string(path), "size": .int(size)] }
    }

    public var register: String
    public var receipt: Int64
    public var lastSeq: Int64
    public var shiftOpen: Bool
    public var files: [File]

    public init(register: String, receipt: Int64, lastSeq: Int64, shiftOpen: Bool, files: [File]) {
        self.register = register
        self.receipt = receipt
        self.lastSeq = lastSeq
        self.shiftOpen = shiftOpen
        self.files = files
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(register: try f.string("register"), receipt: try f.int("receipt"), lastSeq: try f.int("last_seq"),
                  shiftOpen: try f.bool("shift_open"), files: try f.values("files"))
    }

    public var json: JSONValue {
        ["register": .string(register), "receipt": .int(receipt), "last_seq": .int(lastSeq), "shift_open": .bool(shiftOpen),
         "files": files.json]
    }
}

/// A backup's manifest (`kassa-backup.json` on the stick): the list it was made from, without
/// whether a shift was open.
public struct BackupManifest: ReplyValue, Hashable {
    public var register: String
    public var receipt: Int64
    public var lastSeq: Int64
    public var files: [BackupListReply.File]

    public init(_ list: BackupListReply) {
        register = list.register
        receipt = list.receipt
        lastSeq = list.lastSeq
        files = list.files
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        register = try f.string("register")
        receipt = try f.int("receipt")
        lastSeq = try f.int("last_seq")
        files = try f.values("files")
    }

    public var json: JSONValue {
        ["register": .string(register), "receipt": .int(receipt), "last_seq": .int(lastSeq), "files": files.json]
    }
}

/// `backup.read`: one chunk of a file, base64, and whether it was the file's last.
public struct BackupChunkReply: ReplyValue, Hashable {
    public var data: String
    public var eof: Bool

    public init(bytes: [UInt8], eof: Bool) {
        self.data = Base64.encode(bytes)
        self.eof = eof
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        data = try f.string("data")
        eof = try f.bool("eof")
    }

    /// Nil when `data` is not base64.
    public var bytes: [UInt8]? { Base64.decode(data) }

    public var json: JSONValue { ["data": .string(data), "eof": .bool(eof)] }
}

/// `restore.commit`: the register restored, how many records its journal holds, the technician
/// to log in as; kassad restarts to load it.
public struct RestoreReply: ReplyValue, Hashable {
    public var register: String
    public var records: Int64
    public var technician: OperatorID
    public var restarting: Bool

    public init(register: String, records: Int64, technician: OperatorID, restarting: Bool) {
        self.register = register
        self.records = records
        self.technician = technician
        self.restarting = restarting
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(register: try f.string("register"), records: try f.int("records"), technician: OperatorID(try f.string("technician")),
                  restarting: try f.bool("restarting"))
    }

    public var json: JSONValue {
        ["register": .string(register), "records": .int(records), "technician": technician.json, "restarting": .bool(restarting)]
    }
}

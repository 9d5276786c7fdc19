#pragma once

// Reading a data folder that nothing can write: a read-only mount (a
// snapshot, a backup medium, a container volume), or a file system the
// kernel turned read-only after a disk error. open_sqlite fails there, and
// so does a plain read-only open of a database in WAL mode unless the log's
// index file (qingling.db-shm) is already there: SQLite wants to create it.

#include <filesystem>
#include <memory>

#include "engine/store/store.h"

namespace qingling::store {

// Whether nothing can be written in `dir`: the kernel refuses even an
// unnamed temporary file there as a read-only file system (EROFS). False
// when it can be written, and when it cannot be for another reason.
bool read_only_file_system(const std::filesystem::path& dir);

// Opens the database at `file`, on a read-only file system, for reading
// what was committed to it. Throws std::runtime_error when its folder can
// be written (open_sqlite is the way then: another process may be writing
// it) or when its write-ahead log holds changes that cannot be read there;
// SQLite's exception type when the file cannot be read.
std::unique_ptr<ReadView> open_sqlite_on_read_only_media(const std::filesystem::path& file);

}  // namespace qingling::store

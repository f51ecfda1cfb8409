// Taking a database of this server back to an older schema, for the tests of
// the migrations from it.
#pragma once

namespace chat::test {

/** SQL that takes a database of this server back to schema 3, as the release
 *  before rooms left it: step 4's tables, columns and index gone. */
inline constexpr const char* undo_schema_4 =
    "DROP INDEX messages_by_room; ALTER TABLE messages DROP COLUMN seq; ALTER TABLE messages DROP COLUMN room_id;"
    "DROP TABLE room_members; DROP TABLE rooms; DELETE FROM schema_version WHERE version >= 4;";

}  // namespace chat::test

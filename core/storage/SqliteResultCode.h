#pragma once

// SQLite's result codes that the storage layer tells apart, in one place
// (https://www.sqlite.org/rescode.html). The low byte of an extended code is its primary code.
namespace jc::SqliteResultCode {

constexpr int Busy = 5;
constexpr int Locked = 6;
constexpr int ReadOnly = 8;
constexpr int CantOpen = 14;
constexpr int NotADatabase = 26;
constexpr int ConstraintPrimaryKey = 1555;
constexpr int ConstraintUnique = 2067;

} // namespace jc::SqliteResultCode

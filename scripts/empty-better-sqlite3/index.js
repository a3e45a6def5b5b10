// Stand-in for better-sqlite3 (see package.json): nothing in this project uses it.
throw new Error(
  "better-sqlite3 is replaced by an empty stand-in in this project (package.json overrides); use bun:sqlite",
);

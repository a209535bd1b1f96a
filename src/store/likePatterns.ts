/**
 * Case-insensitive LIKE that reads the same on SQLite and PostgreSQL: lower() on both sides (PostgreSQL's
 * LIKE is case-sensitive), and the pattern's %, _ and \ escaped so that what people type is taken as is.
 * SQLite's lower() folds ASCII letters only, so other letters match in the case typed there.
 */
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `lower(column) like pattern`, with `??` the column and `?` the pattern (Knex's raw bindings). */
export const LOWER_LIKE = `lower(??) like ? escape '\\'`;

/** The pattern for "contains `text`", for LOWER_LIKE. */
export const containsPattern = (text: string): string => `%${escapeLike(text.toLowerCase())}%`;

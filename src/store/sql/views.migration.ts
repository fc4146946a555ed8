/**
 * View limits (X-Max-Views, docs/api.md): the views a paste was created with and those it has left;
 * both null for an unlimited paste. A burn-after-read paste is one with a single view.
 */
export const viewLimitsMigration = {
  version: 13,
  sql: `
    ALTER TABLE pastes ADD COLUMN max_views INTEGER;
    ALTER TABLE pastes ADD COLUMN views_left INTEGER;
    UPDATE pastes SET max_views = 1, views_left = 1 WHERE burn_after_read = 1;
  `,
};

// The dataset's tables, as the 'dataset' area's migration list (see migrations.ts for how lists are
// applied). Never edit a migration that has shipped: append a new one.
//
// images      one row per image file named by the annotations (name is unique within a project), with
//             counters over its people that are not deleted (person_count, edited_people,
//             occluded_joints, missing_joints) for the list filters
// people      one row per person; deleted people stay (deleted = 1) so history, undo and restore work
// joints      16 rows per person, MPII order; x, y MPII 1-based (NULL when missing);
//             state 0 missing, 1 visible, 2 occluded (model.ts STATE_CODE)
// revisions   every change to a person: import, edit, accept-prediction, undo, redo, restore, with the
//             old and new values as JSON PersonPatch objects (model.ts)
// undo_stack  the persisted undo and redo stacks (revision ids), so undo survives a restart
// imports     one row per import: file, format, counts and what was refused
import type { Migration } from './migrations'

export const datasetMigrations: Migration[] = [
  {
    name: '0001-dataset-index',
    up: `
      CREATE TABLE image_roots (
        id INTEGER PRIMARY KEY,
        -- absolute, or relative to the project folder when inside it (so a moved project still works)
        path TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL
      );
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        split TEXT NOT NULL DEFAULT 'unknown' CHECK (split IN ('train', 'val', 'test', 'unknown')),
        root_id INTEGER REFERENCES image_roots(id) ON DELETE SET NULL,
        file_state TEXT NOT NULL DEFAULT 'unknown' CHECK (file_state IN ('unknown', 'present', 'missing')),
        width INTEGER,
        height INTEGER,
        mpii_index INTEGER,
        activity_id INTEGER,
        activity_category TEXT,
        activity_name TEXT
      );
      CREATE INDEX images_split ON images(split, id);
      CREATE INDEX images_mpii_index ON images(mpii_index);
      CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        mpii_person INTEGER,
        center_x REAL,
        center_y REAL,
        scale REAL,
        head_x1 REAL,
        head_y1 REAL,
        head_x2 REAL,
        head_y2 REAL,
        deleted INTEGER NOT NULL DEFAULT 0,
        -- kept by every write path, so list filters need not scan the joints
        edits INTEGER NOT NULL DEFAULT 0,
        occluded INTEGER NOT NULL DEFAULT 0,
        missing INTEGER NOT NULL DEFAULT 16,
        revision INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX people_image ON people(image_id);
      CREATE UNIQUE INDEX people_mpii ON people(image_id, mpii_person) WHERE mpii_person IS NOT NULL;
      CREATE TABLE joints (
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        joint INTEGER NOT NULL CHECK (joint BETWEEN 0 AND 15),
        x REAL,
        y REAL,
        state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
        PRIMARY KEY (person_id, joint)
      ) WITHOUT ROWID;
      CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        reason TEXT NOT NULL CHECK (reason IN ('import', 'edit', 'accept-prediction', 'undo', 'redo', 'restore')),
        operation TEXT NOT NULL,
        old TEXT NOT NULL,
        new TEXT NOT NULL,
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        note TEXT,
        reverts INTEGER REFERENCES revisions(id)
      );
      CREATE INDEX revisions_person ON revisions(person_id, id);
      CREATE TABLE undo_stack (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stack TEXT NOT NULL CHECK (stack IN ('undo', 'redo')),
        revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE
      );
      CREATE INDEX undo_stack_by_stack ON undo_stack(stack, seq);
      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        format TEXT NOT NULL,
        at TEXT NOT NULL,
        images_added INTEGER NOT NULL,
        people_added INTEGER NOT NULL,
        joints_added INTEGER NOT NULL,
        refused TEXT NOT NULL
      );
    `
  },
  {
    // Per-image counters (kept by people-store.refreshImageCounts), so filtered pages with their totals
    // read one row per image instead of aggregating its people.
    name: '0002-image-counts',
    up: `
      ALTER TABLE images ADD COLUMN person_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE images ADD COLUMN edited_people INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE images ADD COLUMN occluded_joints INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE images ADD COLUMN missing_joints INTEGER NOT NULL DEFAULT 0;
      UPDATE images SET
        person_count = (SELECT count(*) FROM people p WHERE p.image_id = images.id AND p.deleted = 0),
        edited_people = (SELECT count(*) FROM people p WHERE p.image_id = images.id AND p.deleted = 0 AND p.edits > 0),
        occluded_joints = (SELECT coalesce(sum(occluded), 0) FROM people p WHERE p.image_id = images.id AND p.deleted = 0),
        missing_joints = (SELECT coalesce(sum(missing), 0) FROM people p WHERE p.image_id = images.id AND p.deleted = 0);
    `
  }
]

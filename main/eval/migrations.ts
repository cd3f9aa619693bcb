// The evaluation area's tables (see main/dataset/migrations.ts for how lists are applied). Never edit a
// migration that has shipped: append a new one.
//
// prediction_sets  one row per set of predictions over a split: made by a run's checkpoint ('run') or read
//                  from a file ('import'), with what identifies it in tables and exports
// predictions      one row per set and person: 16 joints x (x, y, confidence) as little-endian float64
//                  (384 bytes), MPII order, MPII 1-based pixels
// evaluations      the PCKh report of a set each time it was evaluated, with the label revision (the
//                  dataset's latest revision id) its ground truth was read at, so a corrected label's
//                  effect on a score stays visible
import type { Migration } from '../dataset/migrations'

export const evalMigrations: Migration[] = [
  {
    name: '0001-predictions',
    up: `
      CREATE TABLE prediction_sets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'import')),
        -- the training run whose checkpoint made them (main/train's id); NULL for an import
        run_id TEXT,
        -- the checkpoint ('best', 'latest', 'epoch-0040') or the imported file
        origin TEXT NOT NULL,
        split TEXT NOT NULL,
        flip INTEGER NOT NULL DEFAULT 0,
        -- JSON: variant, stacks, epochs (RunIdentity without split and label revision)
        identity TEXT NOT NULL DEFAULT '{}',
        -- the dataset's label revision when the predictions were made or imported
        label_mark INTEGER NOT NULL,
        people INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX prediction_sets_run ON prediction_sets(run_id, split);
      CREATE TABLE predictions (
        set_id INTEGER NOT NULL REFERENCES prediction_sets(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        joints BLOB NOT NULL,
        PRIMARY KEY (set_id, person_id)
      ) WITHOUT ROWID;
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES prediction_sets(id) ON DELETE CASCADE,
        label_mark INTEGER NOT NULL,
        rule TEXT NOT NULL CHECK (rule IN ('le', 'lt')),
        people INTEGER NOT NULL,
        mean REAL,
        weighted_mean REAL,
        auc REAL,
        report TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX evaluations_set ON evaluations(set_id, id);
    `
  }
]

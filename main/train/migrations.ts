// The training area's tables (see main/dataset/migrations.ts for how lists are applied). Never edit a
// migration that has shipped: append a new one.
//
// runs             one row per training run: its config, where it came from, the label mark it trained
//                  on, the backend it asked for and the one it got, its status and progress; `owner_pid`
//                  is the workbench process driving it (so another process never mistakes it for dead)
// run_epochs       validation metrics at the end of each epoch
// run_checkpoints  checkpoint folders (relative to the project folder) that still exist
import type { Migration } from '../dataset/migrations'

export const trainMigrations: Migration[] = [
  {
    name: '0001-runs',
    up: `
      CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        preset TEXT NOT NULL,
        config TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'stopped', 'completed', 'failed')),
        error TEXT,
        backend_requested TEXT NOT NULL,
        backend TEXT,
        device TEXT,
        label_mark INTEGER NOT NULL,
        train_people INTEGER NOT NULL,
        val_people INTEGER NOT NULL,
        from_run TEXT REFERENCES runs(id) ON DELETE SET NULL,
        from_checkpoint TEXT,
        step INTEGER NOT NULL DEFAULT 0,
        total_steps INTEGER,
        steps_per_epoch INTEGER,
        train_seconds REAL NOT NULL DEFAULT 0,
        owner_pid INTEGER,
        trainer_pid INTEGER,
        created_at TEXT NOT NULL,
        started_at TEXT,
        updated_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX runs_status ON runs(status);
      CREATE TABLE run_epochs (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        step INTEGER NOT NULL,
        train_loss REAL,
        val_loss REAL,
        pckh REAL,
        pckh_weighted REAL,
        val_people INTEGER NOT NULL,
        seconds REAL NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch)
      ) WITHOUT ROWID;
      CREATE TABLE run_checkpoints (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        path TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('epoch', 'stop', 'final')),
        pckh REAL,
        at TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
    `
  }
]

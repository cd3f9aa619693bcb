// The dataset area of the contract: lists and details for the UI, imports and exports as tasks, and the
// editing requests, each of which announces what it changed with an `annotationsChanged` event.
import { userInfo } from 'node:os'
import { basename } from 'node:path'
import type { Requests } from '../../contract'
import { openDatabase } from '../dataset/db'
import { addPerson, editPerson } from '../dataset/edits'
import { exportAnnotations } from '../dataset/export'
import { attachImagesFolder, ensureImageSize } from '../dataset/images-folder'
import { importAnnotations } from '../dataset/import'
import { listDirectory } from '../dataset/list-directory'
import { mediaUrls } from '../dataset/media'
import type { ImageInfo } from '../dataset/model'
import { datasetOf } from '../dataset/project-dataset'
import { datasetStats, getImage, listImages } from '../dataset/queries'
import { changesSince, labelMark, personHistory, redo, restoreRevision, undo, undoState, type ChangeResult } from '../dataset/revisions'
import { assertWritable } from '../dataset/write-lock'
import type { OpenProject } from '../workspace/workspace'
import type { ApiContext, HandlersFor } from './context'

type DatasetRequests = Pick<
  Requests,
  | 'listImages'
  | 'getImage'
  | 'personHistory'
  | 'datasetStats'
  | 'importAnnotations'
  | 'attachImages'
  | 'exportAnnotations'
  | 'listDirectory'
  | 'editPerson'
  | 'addPerson'
  | 'undo'
  | 'redo'
  | 'undoState'
  | 'restoreRevision'
  | 'labelMark'
>

/** Who edits: the user this process runs as (recorded in revisions). */
function author(): string {
  try {
    return userInfo().username || 'user'
  } catch {
    return 'user'
  }
}

function withUrls<T extends ImageInfo>(project: OpenProject, image: T) {
  return { ...image, ...mediaUrls(project.summary.id, image.id) }
}

function db(ctx: ApiContext) {
  return datasetOf(ctx.workspace.requireProject()).db
}

/** Sends `annotationsChanged` for a change and returns the contract's view of it. */
function announce(ctx: ApiContext, result: ChangeResult | null) {
  if (!result) return null
  const database = db(ctx)
  if (result.revision) {
    ctx.events.emit('annotationsChanged', {
      reason: result.revision.reason,
      imageIds: [result.person.imageId],
      personIds: [result.person.id],
      revisionId: result.revision.id,
      mark: labelMark(database)
    })
  }
  return { ...result, undo: undoState(database) }
}

export const datasetHandlers: HandlersFor<DatasetRequests> = {
  listImages: ({ filter, offset, limit, order, withPeople }, ctx) => {
    const project = ctx.workspace.requireProject()
    const page = listImages(datasetOf(project).db, { filter, offset, limit, order, withPeople })
    return { ...page, images: page.images.map((image) => withUrls(project, image)) }
  },

  getImage: async ({ imageId }, ctx) => {
    const project = ctx.workspace.requireProject()
    const { db: database } = datasetOf(project)
    await ensureImageSize(database, imageId)
    return withUrls(project, getImage(database, imageId))
  },

  personHistory: ({ personId }, ctx) => ({ personId, revisions: personHistory(db(ctx), personId) }),

  datasetStats: (_params, ctx) => datasetStats(db(ctx)),

  importAnnotations: (params, ctx) => {
    const project = ctx.workspace.requireProject()
    const dataset = datasetOf(project)
    return ctx.tasks.run('import', `Importing ${basename(params.file)}`, async (progress) => {
      // Its own connection: the UI keeps reading the committed state while the import writes.
      const connection = openDatabase(dataset.file)
      try {
        const summary = await importAnnotations(connection, params, progress)
        ctx.events.emit('annotationsChanged', { reason: 'import', imageIds: [], personIds: [], revisionId: null, mark: summary.mark })
        return summary
      } finally {
        connection.close()
      }
    })
  },

  attachImages: ({ dir }, ctx) => {
    const database = db(ctx)
    assertWritable(database)
    return attachImagesFolder(database, dir)
  },

  exportAnnotations: (params, ctx) => {
    const database = db(ctx)
    return ctx.tasks.run('export', `Exporting ${basename(params.file)}`, (progress) => exportAnnotations(database, params, progress))
  },

  listDirectory: ({ path, showHidden, extensions }) => listDirectory(path, { showHidden, extensions }),

  editPerson: ({ personId, operation, note }, ctx) => announce(ctx, editPerson(db(ctx), personId, operation, { author: author(), note }))!,

  addPerson: ({ imageId, person, note }, ctx) => announce(ctx, addPerson(db(ctx), imageId, person ?? null, { author: author(), note }))!,

  undo: (_params, ctx) => announce(ctx, undo(db(ctx), author())),

  redo: (_params, ctx) => announce(ctx, redo(db(ctx), author())),

  undoState: (_params, ctx) => undoState(db(ctx)),

  restoreRevision: ({ personId, revisionId }, ctx) => announce(ctx, restoreRevision(db(ctx), personId, revisionId, author()))!,

  labelMark: ({ since }, ctx) => {
    const database = db(ctx)
    return { mark: labelMark(database), since: since === undefined ? null : { mark: since, ...changesSince(database, since) } }
  }
}

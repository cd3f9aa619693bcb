// The dataset: images, people and joints of the open project, their edits and history, imports and
// exports, and the media URLs the UI shows images through (main/dataset implements all of it).
//
// Conventions (main/dataset/conventions.ts):
//   - coordinates are MPII 1-based pixel positions (the centre of the top-left pixel is (1, 1)); a canvas
//     where the image spans [0, W] x [0, H] converts with `mpiiToImagePlane` / `imagePlaneToMpii` below;
//   - `center` and `scale` are raw MPII values (objpos; scale = person height / 200 px);
//   - a joint is 'visible', 'occluded' (annotated, not visible) or 'missing' (not annotated; x, y null).
// Media URLs are relative to the host's root: `media/<projectId>/image/<imageId>`, `…/thumb/<imageId>`,
// `…/crop/<personId>[/<size>]`.
import { z } from 'zod'
import { event, request } from './define'

/** MPII 1-based → image plane (pixel k, 0-based, spans [k, k + 1)). */
export function mpiiToImagePlane(value: number): number {
  return value - 0.5
}
export function imagePlaneToMpii(value: number): number {
  return value + 0.5
}

export const SplitSchema = z.enum(['train', 'val', 'test', 'unknown'])
export type Split = z.infer<typeof SplitSchema>
export const JointStateSchema = z.enum(['visible', 'occluded', 'missing'])
export type JointState = z.infer<typeof JointStateSchema>
export const FileStateSchema = z.enum(['unknown', 'present', 'missing'])

const jointId = z.number().int().min(0).max(15)
const coordinate = z.number().finite()

export const PointSchema = z.object({ x: coordinate, y: coordinate })
export const HeadBoxSchema = z.object({ x1: coordinate, y1: coordinate, x2: coordinate, y2: coordinate })
export const JointSchema = z.object({ x: coordinate.nullable(), y: coordinate.nullable(), state: JointStateSchema })
export type Joint = z.infer<typeof JointSchema>

export const PersonAnnotationSchema = z.object({
  center: PointSchema.nullable(),
  scale: z.number().positive().nullable(),
  headBox: HeadBoxSchema.nullable(),
  /** 16, in MPII order. */
  joints: z.array(JointSchema).length(16)
})

export const PersonSchema = PersonAnnotationSchema.extend({
  id: z.number().int(),
  imageId: z.number().int(),
  /** 1-based annorect index in the official release, when known. */
  mpiiPerson: z.number().int().nullable(),
  /** Revisions other than the import: > 0 marks an edited person. */
  edits: z.number().int(),
  /** The latest revision touching this person. */
  revision: z.number().int()
})
export type Person = z.infer<typeof PersonSchema>

export const ActivitySchema = z.object({ id: z.number().nullable(), category: z.string().nullable(), name: z.string().nullable() })

export const ImageInfoSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  split: SplitSchema,
  /** Pixel size; null until the file has been read (getImage reads it). */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fileState: FileStateSchema,
  mpiiIndex: z.number().int().nullable(),
  activity: ActivitySchema.nullable(),
  imageUrl: z.string(),
  thumbUrl: z.string()
})

export const ImageRecordSchema = ImageInfoSchema.extend({
  personCount: z.number().int(),
  editedPeople: z.number().int(),
  occludedJoints: z.number().int(),
  missingJoints: z.number().int(),
  /** Present when the request asked for `withPeople`. */
  people: z.array(PersonSchema).optional()
})
export type ImageRecord = z.infer<typeof ImageRecordSchema>

export const ImageDetailSchema = ImageInfoSchema.extend({ people: z.array(PersonSchema) })
export type ImageDetail = z.infer<typeof ImageDetailSchema>

const PatchSchema = z.object({
  deleted: z.boolean().optional(),
  center: PointSchema.nullable().optional(),
  scale: z.number().nullable().optional(),
  headBox: HeadBoxSchema.nullable().optional(),
  joints: z.record(z.string(), JointSchema).optional()
})

export const RevisionReasonSchema = z.enum(['import', 'edit', 'accept-prediction', 'undo', 'redo', 'restore'])

export const RevisionSchema = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  imageId: z.number().int(),
  reason: RevisionReasonSchema,
  /** 'import', 'moveJoint', 'setJointState', 'swapLeftRight', 'addPerson', 'undo', 'restore', … */
  operation: z.string(),
  /** The values before and after, only the parts that changed (joints keyed by id). */
  old: PatchSchema,
  new: PatchSchema,
  at: z.string(),
  author: z.string(),
  note: z.string().nullable(),
  /** Undo/redo: the revision undone or redone. */
  reverts: z.number().int().nullable()
})
export type Revision = z.infer<typeof RevisionSchema>

const UndoStepSchema = z.object({ revisionId: z.number().int(), personId: z.number().int(), imageId: z.number().int(), operation: z.string(), at: z.string() })
export const UndoStateSchema = z.object({
  undo: UndoStepSchema.nullable(),
  redo: UndoStepSchema.nullable(),
  undoDepth: z.number().int(),
  redoDepth: z.number().int()
})
export type UndoState = z.infer<typeof UndoStateSchema>

const predictedJoint = z.object({ joint: jointId, x: coordinate, y: coordinate, state: z.enum(['visible', 'occluded']).optional() })

export const EditOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('moveJoint'), joint: jointId, x: coordinate, y: coordinate }),
  z.object({ op: z.literal('setJointState'), joint: jointId, state: z.enum(['visible', 'occluded']) }),
  z.object({ op: z.literal('deleteJoint'), joint: jointId }),
  z.object({ op: z.literal('restoreJoint'), joint: jointId }),
  z.object({ op: z.literal('addJoint'), joint: jointId, x: coordinate, y: coordinate, state: z.enum(['visible', 'occluded']).optional() }),
  z.object({ op: z.literal('swapLeftRight') }),
  z.object({ op: z.literal('setHeadBox'), headBox: HeadBoxSchema.nullable() }),
  z.object({ op: z.literal('setCenterScale'), center: PointSchema.nullable().optional(), scale: z.number().positive().nullable().optional() }),
  z.object({ op: z.literal('acceptPrediction'), joints: z.array(predictedJoint).min(1).max(16), source: z.string().min(1) }),
  z.object({ op: z.literal('deletePerson') }),
  z.object({ op: z.literal('restorePerson') })
])
export type EditOperation = z.infer<typeof EditOperationSchema>

export const EditResultSchema = z.object({
  /** The person after the change (deleted people too, so the UI can drop them). */
  person: PersonSchema.extend({ deleted: z.boolean() }),
  /** The revision recorded; null when the change changed nothing. */
  revision: RevisionSchema.nullable(),
  undo: UndoStateSchema
})
export type EditResult = z.infer<typeof EditResultSchema>

export const ImageFilterSchema = z.object({
  split: SplitSchema.optional(),
  edited: z.boolean().optional(),
  missingJoints: z.boolean().optional(),
  occludedJoints: z.boolean().optional(),
  fileState: FileStateSchema.optional(),
  search: z.string().max(200).optional()
})

export const AnnotationFormatSchema = z.enum(['mpii-release', 'mpii-detections', 'pose-h5', 'mmpose-json', 'bearpaw-json'])
export const RefusalSchema = z.object({ item: z.string(), reason: z.string() })
export const FolderScanSchema = z.object({ dir: z.string(), present: z.number().int(), missing: z.number().int(), missingNames: z.array(z.string()) })

export const ImportSummarySchema = z.object({
  file: z.string(),
  format: AnnotationFormatSchema,
  imagesAdded: z.number().int(),
  imagesExisting: z.number().int(),
  peopleAdded: z.number().int(),
  jointsAdded: z.number().int(),
  duplicates: z.number().int(),
  headBoxesFilled: z.number().int(),
  /** The first 200 refusals (duplicates included); `refusedCount` counts all. */
  refused: z.array(RefusalSchema),
  refusedCount: z.number().int(),
  imagesFolder: FolderScanSchema.nullable(),
  mark: z.number().int(),
  durationMs: z.number()
})
export type ImportSummary = z.infer<typeof ImportSummarySchema>

const stateCounts = z.object({ visible: z.number().int(), occluded: z.number().int(), missing: z.number().int() })
const bySplit = z.object({ train: z.number().int(), val: z.number().int(), test: z.number().int(), unknown: z.number().int() })

export const DatasetStatsSchema = z.object({
  images: z.object({ total: z.number().int(), bySplit, present: z.number().int(), missing: z.number().int(), unknown: z.number().int() }),
  people: z.object({ total: z.number().int(), bySplit, edited: z.number().int(), deleted: z.number().int() }),
  joints: stateCounts,
  perJoint: z.array(stateCounts).length(16),
  revisions: z.object({ total: z.number().int(), byReason: z.record(z.string(), z.number().int()) }),
  mark: z.number().int(),
  imports: z.array(z.object({ file: z.string(), format: z.string(), at: z.string(), peopleAdded: z.number().int() }))
})
export type DatasetStats = z.infer<typeof DatasetStatsSchema>

export const DirectoryListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(z.object({ name: z.string(), kind: z.enum(['dir', 'file']), size: z.number().optional() })),
  truncated: z.boolean()
})

const id = z.number().int().positive()

export const datasetRequests = {
  listImages: request(
    "A page of the project's images matching a filter, with the total count over all pages.",
    z.object({
      filter: ImageFilterSchema.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(0).max(1000).default(100),
      order: z.enum(['id', 'name']).default('id'),
      withPeople: z.boolean().default(false)
    }),
    z.object({ total: z.number().int(), offset: z.number().int(), images: z.array(ImageRecordSchema) })
  ),
  getImage: request('One image with its people and joints (its size is read from the file if not known yet).', z.object({ imageId: id }), ImageDetailSchema),
  personHistory: request('Every revision of a person, newest first.', z.object({ personId: id }), z.object({ personId: z.number().int(), revisions: z.array(RevisionSchema) })),
  datasetStats: request('Counts of images, people and joints by split and state, revisions, imports.', z.object({}), DatasetStatsSchema),
  importAnnotations: request(
    'Imports an annotation file (format detected unless given), optionally with its images folder, as a task with progress; all or nothing.',
    z.object({
      file: z.string().min(1),
      format: AnnotationFormatSchema.optional(),
      imagesDir: z.string().min(1).optional(),
      split: SplitSchema.optional(),
      /** detections.mat: a file of image names, one per person (valid_images.txt). */
      imageNames: z.string().min(1).optional()
    }),
    ImportSummarySchema
  ),
  attachImages: request(
    'Attaches a folder of images: marks the images it holds present and lists the ones no folder holds.',
    z.object({ dir: z.string().min(1) }),
    FolderScanSchema
  ),
  exportAnnotations: request(
    'Writes the current annotations (or those at a label mark) as MMPose JSON or the pose-hg h5 layout, as a task.',
    z.object({ format: z.enum(['mmpose-json', 'pose-h5']), file: z.string().min(1), split: SplitSchema.optional(), asOf: z.number().int().min(0).optional() }),
    z.object({ file: z.string(), format: z.enum(['mmpose-json', 'pose-h5']), people: z.number().int(), images: z.number().int(), skipped: z.number().int() })
  ),
  listDirectory: request(
    "Lists a folder of the host's file system (folders first) for the web host's path picker.",
    z.object({ path: z.string().optional(), showHidden: z.boolean().default(false), extensions: z.array(z.string()).optional() }),
    DirectoryListingSchema
  ),
  editPerson: request(
    'Applies one edit to a person in one transaction with its revision; returns the person to redraw.',
    z.object({ personId: id, operation: EditOperationSchema, note: z.string().max(2000).optional() }),
    EditResultSchema
  ),
  addPerson: request(
    'Adds a person to an image (all joints missing unless given); undoable.',
    z.object({ imageId: id, person: PersonAnnotationSchema.optional(), note: z.string().max(2000).optional() }),
    EditResultSchema
  ),
  undo: request('Reverts the latest change on any image (null when there is none); survives restarts.', z.object({}), EditResultSchema.nullable()),
  redo: request('Re-applies the latest undone change (null when there is none).', z.object({}), EditResultSchema.nullable()),
  undoState: request('What undo and redo would do now.', z.object({}), UndoStateSchema),
  restoreRevision: request(
    'Restores a person to its state right after one of its revisions (recorded as a restore; undoable).',
    z.object({ personId: id, revisionId: id }),
    EditResultSchema
  ),
  labelMark: request(
    'The label mark (the latest revision id) a training run records, and the changes made since an earlier mark.',
    z.object({ since: z.number().int().min(0).optional() }),
    z.object({ mark: z.number().int(), since: z.object({ mark: z.number().int(), revisions: z.number().int(), people: z.number().int() }).nullable() })
  )
}

export const datasetEvents = {
  annotationsChanged: event(
    'Annotations changed (an edit, undo, redo, restore or import); views showing these images or people refresh.',
    z.object({
      reason: RevisionReasonSchema,
      /** Empty after an import, which may touch everything. */
      imageIds: z.array(z.number().int()),
      personIds: z.array(z.number().int()),
      revisionId: z.number().int().nullable(),
      mark: z.number().int()
    })
  )
}

// The uploader from the talk: users create, edit and delete uploads; workers turn queue messages
// into content; a cleaner removes orphans. The vocabulary is fixed (README, "The uploader spec")
// so that traces written anywhere can be checked against it.
import { Map, Record } from 'immutable';
import { defineSpec, next, type ActionContext } from '../../properties/index.ts';

export type Op = 'create' | 'edit' | 'delete';

interface MessageFields {
  readonly id: unknown;
  readonly op: unknown;
}
/** A queue message: (id, op). */
export const Message = Record<MessageFields>({ id: null, op: null });
export type Message = ReturnType<typeof Message>;

interface UploaderFields {
  /** id → version */
  readonly uploads: Map<unknown, number>;
  /** id → version */
  readonly content: Map<unknown, number>;
  /** The messages sent and not yet handled, a multiset: id → op → count (keyed by id first, so a report can show one upload's). */
  readonly pending: Map<unknown, Map<unknown, number>>;
}
export const UploaderState = Record<UploaderFields>({ uploads: Map(), content: Map(), pending: Map() });
export type UploaderState = ReturnType<typeof UploaderState>;

interface WorkerFields {
  /** The message the worker holds, or null. */
  readonly msg: Message | null;
  /** The version it is editing, or null. */
  readonly local: number | null;
}
export const WorkerLocal = Record<WorkerFields>({ msg: null, local: null });
export type WorkerLocal = ReturnType<typeof WorkerLocal>;

type Context = ActionContext<UploaderState, WorkerLocal>;

const NO_OPS: Map<unknown, number> = Map();
const pendingCount = (state: UploaderState, id: unknown, op: unknown): number => state.pending.get(id, NO_OPS).get(op, 0);
const send = (state: UploaderState, id: unknown, op: Op): UploaderState =>
  state.set('pending', state.pending.set(id, state.pending.get(id, NO_OPS).set(op, pendingCount(state, id, op) + 1)));
/** Handling done: one copy of the message leaves pending, the worker holds nothing again. */
const complete = (state: UploaderState, held: Message): ReturnType<typeof next<UploaderState, WorkerLocal>> => {
  const ops = state.pending.get(held.id, NO_OPS);
  const count = ops.get(held.op, 0);
  const left = count <= 1 ? ops.delete(held.op) : ops.set(held.op, count - 1);
  return next(state.set('pending', left.size === 0 ? state.pending.delete(held.id) : state.pending.set(held.id, left)), IDLE);
};
const IDLE = WorkerLocal();
const setUpload = (state: UploaderState, id: unknown, version: number): UploaderState => state.set('uploads', state.uploads.set(id, version));
const setContent = (state: UploaderState, id: unknown, version: number): UploaderState => state.set('content', state.content.set(id, version));
const removeContent = (state: UploaderState, id: unknown): UploaderState => state.set('content', state.content.delete(id));
const holds = (op: Op | 'any') => ({ local, params }: Context): boolean =>
  local.msg !== null && local.msg.id === params.id && local.msg.op === (op === 'any' ? params.op : op);
const uploadExists = ({ state, params }: Context): boolean => state.uploads.has(params.id);
const isUploadVersion = ({ state, params }: Context): boolean => state.uploads.get(params.id) === params.version;

/**
 * The uploader spec, with `within` the time (a formula bound such as '30s' or '500ms') in which
 * orphans must be cleaned, content must catch up and messages must be handled.
 */
export const uploaderSpec = (within = '30s') => defineSpec<UploaderState, WorkerLocal>({
  name: 'uploader',
  init: () => UploaderState(),
  local: () => WorkerLocal(),
  actions: {
    Create: {
      guards: {
        'no upload with this id exists': (c) => !uploadExists(c),
        'version is 1': ({ params }) => params.version === 1,
      },
      effect: ({ state, params }) => send(setUpload(state, params.id, 1), params.id, 'create'),
    },
    Edit: {
      guards: {
        'the upload exists': uploadExists,
        'version is the upload version + 1': ({ state, params }) => params.version === (state.uploads.get(params.id) ?? NaN) + 1,
      },
      effect: ({ state, params }) => send(setUpload(state, params.id, params.version as number), params.id, 'edit'),
    },
    Delete: {
      guards: { 'the upload exists': uploadExists },
      effect: ({ state, params }) => send(state.set('uploads', state.uploads.delete(params.id)), params.id, 'delete'),
    },
    Receive: {
      guards: {
        '(id, op) is pending': ({ state, params }) => pendingCount(state, params.id, params.op) > 0,
        'the worker holds nothing': ({ local }) => local.msg === null,
      },
      effect: ({ state, local, params }) => next(state, local.set('msg', Message({ id: params.id, op: params.op }))),
    },
    CreateContent: {
      guards: { 'the worker holds (id, "create")': holds('create'), 'the upload exists': uploadExists, 'version is the upload version': isUploadVersion },
      effect: ({ state, local, params }) => complete(setContent(state, params.id, params.version as number), local.msg!),
    },
    EditContent: {
      guards: { 'the worker holds (id, "edit")': holds('edit'), 'the upload exists': uploadExists, 'version is the upload version': isUploadVersion },
      effect: ({ state, local, params }) => next(removeContent(state, params.id), local.set('local', params.version as number)),
    },
    PushEdit: {
      guards: {
        'the worker holds (id, "edit")': holds('edit'),
        'version is the one being edited': ({ local, params }) => local.local === params.version,
        'the upload still has this version': isUploadVersion,
      },
      effect: ({ state, local, params }) => complete(setContent(state, params.id, params.version as number), local.msg!),
    },
    DeleteContent: {
      guards: { 'the worker holds (id, "delete")': holds('delete') },
      effect: ({ state, local, params }) => complete(removeContent(state, params.id), local.msg!),
    },
    Skip: {
      guards: { 'the worker holds (id, op)': holds('any'), 'the upload does not exist': (c) => !uploadExists(c) },
      effect: ({ state, local }) => complete(state, local.msg!),
    },
    Clean: {
      guards: {
        'content has the id': ({ state, params }) => state.content.has(params.id),
        'uploads has not': (c) => !uploadExists(c),
      },
      effect: ({ state, params }) => removeContent(state, params.id),
    },
  },
  invariants: {
    ContentNeverAhead: {
      forEach: 'id',
      holds: (state, id) => !state.content.has(id) || !state.uploads.has(id) || state.content.get(id)! <= state.uploads.get(id)!,
    },
  },
  predicates: {
    orphan: ({ state }, id) => state.content.has(id) && !state.uploads.has(id),
    behind: ({ state }, id) => state.uploads.has(id) && state.content.get(id) !== state.uploads.get(id),
    unhandled: ({ state }, id) => state.pending.has(id),
  },
  // Orphaned content is normal for a moment after a delete; what must hold is that it goes away.
  // Each instance (one per upload id) steps on the events about that id.
  properties: {
    OrphansCleanedUp: `forall id: G (orphan(id) -> F[<=${within}] !orphan(id))`,
    ContentCatchesUp: `forall id: G (behind(id) -> F[<=${within}] !behind(id))`,
    MessagesHandled: `forall id: G (unhandled(id) -> F[<=${within}] !unhandled(id))`,
    ReceivedMessagesHandled: `forall id: G (action == "Receive" -> F[<=${within}] (action == "CreateContent" | action == "PushEdit" | action == "DeleteContent" | action == "Skip"))`,
    ContentDeletedOnlyIfCreated: 'forall id: G ((action == "DeleteContent" | action == "Clean") -> O action == "Create")',
  },
  // Everything an action touches is keyed by the upload id (worker locals are per process).
  footprint: ({ params }) => [params.id],
});

export default uploaderSpec();

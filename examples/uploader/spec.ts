// The uploader from the talk: users create, edit and delete uploads; workers turn queue messages
// into content; a cleaner removes orphans. The vocabulary is fixed (README, "The uploader spec")
// so that traces written anywhere can be checked against it.
import { List, Map, Record } from 'immutable';
import { defineSpec, next, type ActionContext } from '../../properties/index.ts';

export type Op = 'create' | 'edit' | 'delete';
/** A queue message: (id, op). */
export type Message = List<unknown>;

interface UploaderFields {
  /** id → version */
  readonly uploads: Map<unknown, number>;
  /** id → version */
  readonly content: Map<unknown, number>;
  /** The messages sent and not yet handled: a multiset, message → count. */
  readonly pending: Map<Message, number>;
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

const message = (id: unknown, op: unknown): Message => List([id, op]);
const send = (state: UploaderState, id: unknown, op: Op): UploaderState =>
  state.update('pending', (p) => p.update(message(id, op), 0, (n) => n + 1));
/** Handling done: one copy of the message leaves pending, the worker holds nothing again. */
const complete = ({ state, local }: Context): ReturnType<typeof next<UploaderState, WorkerLocal>> => {
  const held = local.msg!;
  const count = state.pending.get(held, 0);
  const pending = count <= 1 ? state.pending.delete(held) : state.pending.set(held, count - 1);
  return next(state.set('pending', pending), WorkerLocal());
};
const holds = (op: Op | 'any') => ({ local, params }: Context): boolean =>
  local.msg !== null && local.msg.get(0) === params.id && (op === 'any' ? local.msg.get(1) === params.op : local.msg.get(1) === op);
const uploadExists = ({ state, params }: Context): boolean => state.uploads.has(params.id);
const isUploadVersion = ({ state, params }: Context): boolean => state.uploads.get(params.id) === params.version;

export default defineSpec<UploaderState, WorkerLocal>({
  name: 'uploader',
  init: () => UploaderState(),
  local: () => WorkerLocal(),
  actions: {
    Create: {
      guards: {
        'no upload with this id exists': (c) => !uploadExists(c),
        'version is 1': ({ params }) => params.version === 1,
      },
      effect: ({ state, params }) => send(state.setIn(['uploads', params.id], 1), params.id, 'create'),
    },
    Edit: {
      guards: {
        'the upload exists': uploadExists,
        'version is the upload version + 1': ({ state, params }) => params.version === (state.uploads.get(params.id) ?? NaN) + 1,
      },
      effect: ({ state, params }) => send(state.setIn(['uploads', params.id], params.version), params.id, 'edit'),
    },
    Delete: {
      guards: { 'the upload exists': uploadExists },
      effect: ({ state, params }) => send(state.deleteIn(['uploads', params.id]), params.id, 'delete'),
    },
    Receive: {
      guards: {
        '(id, op) is pending': ({ state, params }) => state.pending.get(message(params.id, params.op), 0) > 0,
        'the worker holds nothing': ({ local }) => local.msg === null,
      },
      effect: ({ state, local, params }) => next(state, local.set('msg', message(params.id, params.op))),
    },
    CreateContent: {
      guards: { 'the worker holds (id, "create")': holds('create'), 'the upload exists': uploadExists, 'version is the upload version': isUploadVersion },
      effect: (c) => complete({ ...c, state: c.state.setIn(['content', c.params.id], c.params.version) }),
    },
    EditContent: {
      guards: { 'the worker holds (id, "edit")': holds('edit'), 'the upload exists': uploadExists, 'version is the upload version': isUploadVersion },
      effect: ({ state, local, params }) => next(state.deleteIn(['content', params.id]), local.set('local', params.version as number)),
    },
    PushEdit: {
      guards: {
        'the worker holds (id, "edit")': holds('edit'),
        'version is the one being edited': ({ local, params }) => local.local === params.version,
        'the upload still has this version': isUploadVersion,
      },
      effect: (c) => complete({ ...c, state: c.state.setIn(['content', c.params.id], c.params.version) }),
    },
    DeleteContent: {
      guards: { 'the worker holds (id, "delete")': holds('delete') },
      effect: (c) => complete({ ...c, state: c.state.deleteIn(['content', c.params.id]) }),
    },
    Skip: {
      guards: { 'the worker holds (id, op)': holds('any'), 'the upload does not exist': (c) => !uploadExists(c) },
      effect: complete,
    },
    Clean: {
      guards: {
        'content has the id': ({ state, params }) => state.content.has(params.id),
        'uploads has not': (c) => !uploadExists(c),
      },
      effect: ({ state, params }) => state.deleteIn(['content', params.id]),
    },
  },
  invariants: {
    ContentNeverAhead: {
      forEach: 'id',
      holds: (state, id) => !state.content.has(id) || !state.uploads.has(id) || state.content.get(id)! <= state.uploads.get(id)!,
    },
  },
  endConditions: {
    NoOrphanContent: (state) => state.content.keySeq().every((id) => state.uploads.has(id)),
    ContentMatchesUpload: (state) => state.uploads.every((version, id) => state.content.get(id) === version),
    EveryMessageHandled: (state) => state.pending.isEmpty(),
  },
  // Everything an action touches is keyed by the upload id (worker locals are per process).
  footprint: ({ params }) => [params.id],
});

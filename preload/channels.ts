// The only two IPC channels: every contract call goes through one, every event through the other.
export const IPC_INVOKE = 'workbench:invoke'
export const IPC_EVENT = 'workbench:event'

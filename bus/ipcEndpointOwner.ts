// Whether a live process is bound to an ipc:// endpoint. libzmq binds an ipc path by unlinking any
// socket file already there, so a second `curb drive` on the same bus folder would silently take
// the first one's endpoints (its subscribers keep the old connection, new ones reach the newcomer).
// A connect tells a live listener (accepted) from a stale file a killed process left (refused).
import { createConnection } from "node:net";
import { statSync } from "node:fs";

/** True when something accepts connections on the Unix socket at `path`; false for no file or a stale one. */
export function ipcEndpointInUse(path: string, timeoutMs = 1000): Promise<boolean> {
  if (!statSync(path, { throwIfNoEntry: false })?.isSocket()) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    const done = (inUse: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(inUse);
    };
    // A listener that neither accepts nor refuses within the timeout is treated as alive: better a
    // clear refusal than two processes on one endpoint.
    const timer = setTimeout(() => done(true), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

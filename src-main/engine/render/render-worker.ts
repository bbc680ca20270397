import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { libraryLayout } from '../library/library-layout.ts';
import { failureOf, type RenderReply, type RenderRequest } from './render-thread-protocol.ts';
import { renderToLibrary } from './render-to-library.ts';
import { lowerThreadPriority } from '../base/background-thread.ts';

/**
 * Renders a photo into the library off the engine's thread (render-threads.ts). A render holds the
 * full-size photo (50-160 MB for 16-18 MP), and every buffer that size counts against its thread's
 * heap: on the engine's thread each render set off a full garbage collection of the whole engine
 * (36 of 36 renders in bench/pipeline, 17 ms each). Here the tone steps run in this thread too.
 *
 * This thread's heap is a few MB of code and, after a render, that render's dead full-size buffers:
 * left to V8's own timing they were still held when the next render allocated its own (bench/pipeline
 * peak RSS 774-802 MB on the engine's thread, 830-913 MB here), so the thread collects after each
 * render, which costs a few milliseconds of this thread and nothing of the engine's.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
v8.setFlagsFromString('--no-expose-gc');
lowerThreadPriority();

parentPort!.on('message', (req: RenderRequest) => {
  renderToLibrary(libraryLayout(req.root), req.photo, req.recipe, req.revision, req.target, req.settings).then(
    (file) => parentPort!.postMessage({ id: req.id, ok: true, file } satisfies RenderReply),
    (error: unknown) => parentPort!.postMessage({ id: req.id, ok: false, failure: failureOf(error) } satisfies RenderReply),
  ).finally(() => setImmediate(collect));
});

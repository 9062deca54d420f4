/**
 * Atomic file output (Node only): write to a temporary file in the destination's directory, then rename
 * over the destination, so a reader never sees a half-written file and a failure leaves nothing behind.
 * "-" means standard output.
 */
import { rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Write a file atomically: to a temporary file beside it, then rename (readers never see a partial file).
 *
 * @param file destination path
 * @param data text or bytes
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  if (file === "-") {
    process.stdout.write(data);
    return;
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

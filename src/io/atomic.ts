/**
 * Atomic file output (Node only): write to a temporary file in the destination's directory, then rename
 * over the destination, so a reader never sees a half-written file and a failure leaves nothing behind.
 * "-" means standard output.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
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

/**
 * Write a run's outputs together: every file to its temporary beside it first, then all renamed, so a failure while
 * writing (a full disk, a vanished folder) leaves none of them — no partial set. "-" (standard output) is written
 * last, after the files.
 *
 * @param files [path, data] pairs; undefined paths are skipped
 */
export async function writeFilesAtomic(files: [string | undefined, string | Uint8Array][]): Promise<void> {
  const staged: [string, string][] = [];
  try {
    for (const [file, data] of files) {
      if (file === undefined || file === "-") continue;
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
      staged.push([tmp, file]);
      await writeFile(tmp, data);
    }
    for (const [tmp, file] of staged) await rename(tmp, file);
  } catch (err) {
    await Promise.all(staged.map(([tmp]) => unlink(tmp).catch(() => {})));
    throw err;
  }
  for (const [file, data] of files) if (file === "-") process.stdout.write(data);
}

/** An output the run cannot write: it exists (and `force` was not given), or its folder is missing or read-only. */
export class OutputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputPathError";
  }
}

/**
 * An output folder, ready to write into: an existing writable folder, or a new one made inside an existing writable
 * folder (one level only: a missing parent is the user's typo, and a recursive mkdir under /proc never returns).
 * Refused, naming the user's path, before any work.
 */
export function prepareOutputDir(dir: string): void {
  const abs = path.resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new OutputPathError(`\`${dir}\` exists and is not a folder`);
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      throw new OutputPathError(`cannot write into \`${dir}\`: the folder is not writable`);
    }
    return;
  }
  const parent = path.dirname(abs);
  try {
    if (!statSync(parent).isDirectory()) throw new Error("not a folder");
    accessSync(parent, constants.W_OK);
    mkdirSync(abs);
  } catch {
    throw new OutputPathError(
      `cannot make the folder \`${dir}\`: its parent \`${path.dirname(dir)}\` is missing or not writable`,
    );
  }
}

/**
 * Check every output of a run before the run: none exists unless `force` (existing files are never overwritten
 * silently), and each one's folder exists and is writable. "-" (standard output) always passes. The message names
 * the user's path, never a temporary file.
 *
 * @param files the outputs the run will write
 * @param force overwrite existing files
 * @throws OutputPathError naming the first output that cannot be written
 */
export function checkOutputs(files: (string | undefined)[], force = false): void {
  for (const file of files) {
    if (file === undefined || file === "-") continue;
    if (existsSync(file)) {
      if (!force) throw new OutputPathError(`\`${file}\` exists: pass --force to overwrite it`);
      if (statSync(file).isDirectory()) throw new OutputPathError(`\`${file}\` is a folder, not a file`);
    }
    const dir = path.dirname(path.resolve(file));
    try {
      if (!statSync(dir).isDirectory()) throw new Error("not a folder");
      accessSync(dir, constants.W_OK);
    } catch {
      throw new OutputPathError(
        `cannot write \`${file}\`: its folder \`${path.dirname(file)}\` is missing or not writable`,
      );
    }
  }
}

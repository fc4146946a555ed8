import path from "node:path";
import { splitFiles } from "../client/downloads.ts";
import { openStream } from "../protocol/stream-cipher.ts";
import type { StreamFile } from "../protocol/stream-metadata.ts";
import { CliError } from "./command.ts";
import { info } from "./output.ts";
import { SafeFile } from "./safe-file.ts";

/** The paths of a paste's files in `dir`: names from the uploader, never a directory part or a dot file. */
function targetsIn(files: readonly StreamFile[], dir: string): string[] {
  const seen = new Set<string>();
  return files.map((f) => {
    let name = path.basename(f.name).replace(/^\.+/, "") || "file";
    while (seen.has(name)) name = `_${name}`;
    seen.add(name);
    return path.join(dir, name);
  });
}

/**
 * Decrypts `source` (a version-2 paste). A paste of one file goes to `single` (standard output or
 * the -o file, as a version-1 paste would); one of several files goes to its files' names in `dir`
 * (-o DIR, else the current directory), each put in place once the whole stream has verified.
 */
export async function saveStream(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  options: {
    single: ((chunk: Uint8Array) => Promise<void> | void) | undefined;
    dir: string | undefined;
    force: boolean;
  },
): Promise<"single" | "files"> {
  const opened = await openStream(key, source);
  const { files } = opened.metadata;
  const many = files.length !== 1 || options.dir !== undefined;
  if (!many && options.single === undefined) throw new CliError(2, "no destination for the paste");
  // Several files never go to one destination: under their names, where -o said or here.
  if (many && options.single !== undefined && options.dir === undefined)
    info(`this paste holds ${files.length} files: saved under their names in the current directory`);
  const targets = many ? targetsIn(files, options.dir ?? ".") : [];
  const sinks = targets.map((t) => new SafeFile(t, { force: options.force }));
  try {
    await splitFiles(files, opened.content, (index, piece) =>
      many ? sinks[index]?.write(piece) : options.single?.(piece),
    );
    for (const s of sinks) s.commit();
  } catch (err) {
    for (const s of sinks) s.abort();
    throw err;
  }
  for (const [i, t] of targets.entries()) info(`saved ${t} (${files[i]?.size ?? 0} bytes)`);
  return many ? "files" : "single";
}

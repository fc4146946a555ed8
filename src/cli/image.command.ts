import fs from "node:fs";
import path from "node:path";
import {
  deleteImage,
  downloadAllImages,
  downloadImage,
  findUserId,
  type ImageAnswer,
  imageBytes,
  isRole,
  listImages,
  listPermissions,
  setImageRole,
  shareImage,
  unshareImage,
  uploadImage,
} from "../client/accounts.ts";
import type { SealbinClient } from "../client/client.ts";
import { requireSession } from "./account.command.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { loadConfig, makeClient, readFile } from "./config.ts";
import { info, out } from "./output.ts";
import { terminalProgress } from "./progress.ts";
import { checkTarget, writeSafely } from "./safe-file.ts";

const USAGE = `sealbin image list
sealbin image upload FILE [--quotient TEXT]
sealbin image download NAME [--owner USER] [-o FILE] [--force]
sealbin image download-all [-o DIR] [--force]
sealbin image delete NAME [--owner USER]
sealbin image share NAME USER --role read|write
sealbin image role NAME USER read|write
sealbin image unshare NAME USER
sealbin image permissions NAME

Your images in the server's image store (sign in first: sealbin account login). NAME is the image's
name with or without its extension; USER a user name or id; --owner reads or deletes an image
someone shared with you.`;

/** A user id, or the id of the user of that name; exit 1 when there is none. */
async function userIdOf(client: SealbinClient, user: string): Promise<string> {
  const id = await findUserId(client, user);
  if (id === undefined) throw new CliError(1, `no user named ${user}`);
  return id;
}

export const imageCommand: Command = {
  usage: USAGE,
  options: {
    owner: { type: "string" },
    output: { type: "string", short: "o" },
    force: { type: "boolean" },
    quotient: { type: "string" },
    role: { type: "string" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    const client = makeClient(loadConfig(v));
    const me = requireSession(client).user_id;
    const ownerName = str(v, "owner");
    const owner = ownerName ? await userIdOf(client, ownerName) : me;
    const output = str(v, "output");
    const need = (n: number) => {
      if (rest.length !== n) throw new CliError(2, USAGE);
    };
    const [name = "", user = ""] = rest;
    // Complete or not at all, and an existing file only with --force (safe-file.ts).
    const save = async (img: ImageAnswer, file: string) => {
      await writeSafely(file, imageBytes(img), flag(v, "force"));
      info(`${img.img_name} → ${file}`);
    };
    if (sub === "list") {
      need(0);
      const list = await listImages(client, owner);
      await out(list.map((i) => `${i.img_name}\n`).join(""));
    } else if (sub === "upload") {
      need(1);
      const content = readFile(name, "image");
      const quotient = str(v, "quotient");
      const { filename } = await uploadImage(client, owner, {
        filename: path.basename(name),
        content,
        ...(quotient !== undefined ? { quotient } : {}),
        onProgress: terminalProgress("uploading"),
      });
      info(`uploaded ${filename}`);
    } else if (sub === "download") {
      need(1);
      if (output) checkTarget(output, flag(v, "force"));
      const img = await downloadImage(client, owner, name);
      await save(img, output ?? path.basename(img.img_name));
    } else if (sub === "download-all") {
      need(0);
      const dir = output ?? ".";
      fs.mkdirSync(dir, { recursive: true });
      for (const img of await downloadAllImages(client, owner)) {
        await save(img, path.join(dir, path.basename(img.img_name)));
      }
    } else if (sub === "delete") {
      need(1);
      await deleteImage(client, owner, name);
      info(`deleted ${name}`);
    } else if (sub === "share" || sub === "role" || sub === "unshare") {
      need(sub === "role" ? 3 : 2);
      const target = await userIdOf(client, user);
      if (sub === "unshare") {
        await unshareImage(client, owner, name, target);
        info(`${name}: no longer shared with ${user}`);
        return 0;
      }
      const role = sub === "role" ? rest[2] : str(v, "role");
      if (!isRole(role)) throw new CliError(2, "the role is read or write");
      const grant = { userId: target, role };
      await (sub === "share"
        ? shareImage(client, owner, name, grant)
        : setImageRole(client, owner, name, grant));
      info(`${name}: ${user} may ${role}`);
    } else if (sub === "permissions") {
      need(1);
      const list = await listPermissions(client, owner, name);
      await out(list.map((p) => `${p.userId}  ${p.role}\n`).join(""));
    } else throw new CliError(2, USAGE);
    return 0;
  },
};

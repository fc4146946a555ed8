import assert from "node:assert/strict";
import { it } from "node:test";
import type { Conformance } from "./store.suite.ts";

const user = (id: string, username: string) => ({
  id,
  username,
  passwordHash: "h",
  publicKey: "k",
  createdAt: 5,
});

/** An image of `ownerId`'s, three bytes and a quotient. */
const catImage = (id: string, ownerId: string) => ({
  id,
  ownerId,
  name: "cat.png",
  stem: "cat",
  mimeType: "image/png",
  size: 3,
  content: Buffer.from([0, 255, 1]),
  quotient: "1 2 3",
  createdAt: 6,
});

/** Accounts, their images and the grants on them. */
export function accountsConformance(t: Conformance): void {
  it("keeps accounts with case-insensitive unique usernames", async () => {
    const { store } = t;
    assert.equal(await store.accounts.insertUser(user("a".repeat(24), "Alice")), true);
    assert.equal(await store.accounts.insertUser(user("b".repeat(24), "alice")), false);
    assert.equal(await store.accounts.insertUser(user("c".repeat(24), "carol")), true);
    assert.equal((await store.accounts.findUserByName("ALICE"))?.id, "a".repeat(24));
    assert.equal((await store.accounts.findUserById("c".repeat(24)))?.username, "carol");
    assert.equal((await store.accounts.listUsers()).length, 2);
  });

  it("keeps images unique per owner by stem, lists them without their bytes, counts and replaces them", async () => {
    const { store } = t;
    const [owner, other] = ["3".repeat(24), "4".repeat(24)];
    assert.equal(await store.accounts.insertUser(user(owner, "dora")), true);
    assert.equal(await store.accounts.insertUser(user(other, "fred")), true);
    const image = catImage("img1", owner);
    assert.equal(await store.accounts.insertImage(image), true);
    assert.equal(
      await store.accounts.insertImage({ ...image, id: "img2", name: "cat.jpg" }),
      false,
      "same stem",
    );
    assert.equal(
      await store.accounts.insertImage({ ...image, id: "img3", ownerId: other }),
      true,
      "other owner",
    );
    const found = await store.accounts.findImage(owner, "cat");
    assert.deepEqual(Buffer.from(found?.content ?? []), Buffer.from([0, 255, 1]));
    assert.equal(found?.quotient, "1 2 3");
    assert.deepEqual(
      (await store.accounts.listImages(owner)).map((i) => [i.name, "content" in i]),
      [["cat.png", false]],
    );
    assert.equal(await store.accounts.countImages(owner), 1);
    assert.equal(
      await store.accounts.replaceImage("img1", {
        content: Buffer.from([9]),
        mimeType: "image/gif",
        quotient: "",
      }),
      true,
    );
    assert.equal((await store.accounts.findImage(owner, "cat"))?.size, 1);
  });

  it("grants a user one role on an image, changed in place, gone with the image", async () => {
    const { store } = t;
    const [owner, grantee] = ["1".repeat(24), "2".repeat(24)];
    assert.equal(await store.accounts.insertUser(user(owner, "owner")), true);
    assert.equal(await store.accounts.insertUser(user(grantee, "grantee")), true);
    assert.equal(await store.accounts.insertImage(catImage("img4", owner)), true);
    assert.equal(await store.accounts.insertPermission("img4", { userId: grantee, role: "read" }), true);
    assert.equal(await store.accounts.insertPermission("img4", { userId: grantee, role: "write" }), false);
    assert.equal(await store.accounts.updatePermission("img4", { userId: grantee, role: "write" }), true);
    assert.deepEqual(await store.accounts.findPermission("img4", grantee), {
      userId: grantee,
      role: "write",
    });
    assert.deepEqual(await store.accounts.listPermissions("img4"), [{ userId: grantee, role: "write" }]);
    assert.equal(await store.accounts.deleteImage("img4"), true);
    assert.deepEqual(await store.accounts.listPermissions("img4"), [], "grants go with the image");
    assert.equal(await store.accounts.deletePermission("img4", grantee), false);
  });
}

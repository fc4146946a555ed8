/**
 * The image store's images and their sharing permissions (/api/v1/users/{userId}/images…), one
 * schema per route; the pieces they share are in accounts.schemas.ts.
 */
import { type Static, Type } from "typebox";
import { SECURITY } from "../../http/schemas.ts";
import { accountErrors } from "./accounts.errors.ts";
import {
  AUTHENTICATED,
  answers,
  created,
  FORM,
  formBody,
  merge,
  noContent,
  PARSED_BODY,
  RATE_LIMITED,
  tags,
  UPLOAD_BODY,
  UserId,
} from "./accounts.schemas.ts";

const OWNER_ID = Type.String({
  description: "The owner's user id (24 hexadecimal digits)",
  examples: ["628385eb1dc6fa1a0cd84c38"],
});
const FILE_NAME = Type.String({
  description:
    "The image's name without its extension, as the original's URIs give it (`bicycle`), or with it (`bicycle.png`)",
  examples: ["bicycle"],
});
const GRANTEE_ID = Type.String({
  description: "The grantee's user id (24 hexadecimal digits)",
  examples: ["628387db1dc6fa1a0cd84c42"],
});

export const OwnerParams = Type.Object({ userId: OWNER_ID });
export const ImageParams = Type.Object({ userId: OWNER_ID, fileName: FILE_NAME });
export const PermissionParams = Type.Object({
  userId: OWNER_ID,
  fileName: FILE_NAME,
  userPermissionId: GRANTEE_ID,
});

const IMAGE_NAME = Type.String({
  description: "The stored name: the upload's base name, its extension that of the content's type",
});
const IMAGE_EXAMPLE = {
  img_name: "bicycle.png",
  img_content: "PNG\r\n\u001a\n\u0000...",
  quotient: "98 98 98 98 77 2 91 91...",
};

/** Its fields in the order the original writes them (download-all writes them so too). */
export const ImageView = Type.Object(
  {
    img_name: IMAGE_NAME,
    img_content: Type.String({
      description: "The bytes, each as the character of that code point (decode as ISO-8859-1)",
    }),
    quotient: Type.String({ description: "The quotient sent with the image, as sent" }),
  },
  { description: "An image", examples: [IMAGE_EXAMPLE] },
);
export type ImageView = Static<typeof ImageView>;

export const ImageList = Type.Array(Type.Object({ img_name: IMAGE_NAME }), {
  description: "The owner's images, oldest first",
  examples: [[{ img_name: "bicycle.png" }], []],
});
export type ImageList = Static<typeof ImageList>;

const Role = Type.Union([Type.Literal("read"), Type.Literal("write")], {
  description: "`read`: download the image; `write`: also replace and delete it",
});
export const PermissionView = Type.Object(
  { userId: UserId, role: Role },
  { description: "A grant", examples: [{ userId: "628387db1dc6fa1a0cd84c42", role: "write" }] },
);
export type PermissionView = Static<typeof PermissionView>;

const roleField = Type.Optional(
  Type.String({ description: "Required. `read` or `write`", examples: ["read"] }),
);
export const GrantForm = Type.Object(
  {
    user_id: Type.Optional(
      Type.String({ description: "Required. The grantee's user id", examples: ["628387db1dc6fa1a0cd84c42"] }),
    ),
    role: roleField,
  },
  { examples: [{ user_id: "628387db1dc6fa1a0cd84c42", role: "read" }] },
);
export type GrantForm = Static<typeof GrantForm>;

export const RoleForm = Type.Object({ role: roleField }, { examples: [{ role: "write" }] });
export type RoleForm = Static<typeof RoleForm>;

/** The original client's upload (read by the route as it streams in, so described, not validated). */
const uploadBody = {
  content: {
    "multipart/form-data": {
      schema: Type.Object({
        imageFile: Type.String({
          format: "binary",
          description:
            "The image (PNG, JPEG, GIF, WebP, AVIF, BMP, TIFF, ICO…, told by its bytes; not SVG), at most SEALBIN_MAX_AUTH bytes",
        }),
        quotient: Type.Optional(
          Type.String({ description: "Text kept with the image and served with it", examples: ["98 98 77"] }),
        ),
      }),
    },
  },
};

const IMAGE_NOT_FOUND = { 404: [accountErrors.imageNotFound()] };
/** An upload's refusals; the sizes are examples (SEALBIN_MAX_AUTH, SEALBIN_IMAGES_MAX). */
const UPLOAD = merge(UPLOAD_BODY, RATE_LIMITED, {
  413: [accountErrors.tooLarge(52_428_800)],
  422: [accountErrors.notMultipart(), accountErrors.required("imageFile"), accountErrors.notAnImage()],
});
const OWNER_ONLY = "Only the owner may call it (401 `not_authorized` for anyone else).";
const GRANTS_ONLY =
  "The owner, or a user the owner has shared the image with; to anyone else the image does not exist (404).";

export const listImagesSchema = {
  summary: "Your images",
  description: `The names of the owner's images. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: OwnerParams,
  response: answers({ 200: ImageList }, AUTHENTICATED),
};

export const uploadImageSchema = {
  summary: "Upload an image",
  description: `Stores the image under its upload's name, or a fresh one (\`bicycle-1.png\`) when that is taken: never an overwrite. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: OwnerParams,
  docsBody: uploadBody,
  response: answers(
    { 201: created },
    merge(AUTHENTICATED, UPLOAD, {
      422: [accountErrors.tooMany(1000), accountErrors.namesExhausted()],
    }),
  ),
};

export const downloadAllSchema = {
  summary: "All your images",
  description: `Every image of the owner with its content, streamed as one JSON array. ${OWNER_ONLY} A client that takes none of the answer for SEALBIN_DOWNLOAD_STALL_TIMEOUT seconds has it cut short.`,
  tags,
  security: SECURITY.bearer,
  params: OwnerParams,
  response: answers(
    {
      200: Type.Array(ImageView, {
        description: "The owner's images, oldest first",
        examples: [[IMAGE_EXAMPLE], []],
      }),
    },
    AUTHENTICATED,
  ),
};

export const imageSchema = {
  summary: "Download an image",
  description: `The image with its content and quotient. ${GRANTS_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: ImageParams,
  response: answers({ 200: ImageView }, merge(AUTHENTICATED, IMAGE_NOT_FOUND)),
};

export const replaceImageSchema = {
  summary: "Replace an image",
  description: `New content and quotient for the image; its name stays. The owner, or a user with a \`write\` grant (a \`read\` grant: 401 \`not_authorized\`); to anyone else the image does not exist (404).`,
  tags,
  security: SECURITY.bearer,
  params: ImageParams,
  docsBody: uploadBody,
  response: answers({ 204: noContent }, merge(AUTHENTICATED, UPLOAD, IMAGE_NOT_FOUND)),
};

export const deleteImageSchema = {
  summary: "Delete an image",
  description:
    "Deletes the image and its grants. The owner, or a user with a `write` grant (a `read` grant: 401 `not_authorized`); to anyone else the image does not exist (404).",
  tags,
  security: SECURITY.bearer,
  params: ImageParams,
  response: answers({ 204: noContent }, merge(AUTHENTICATED, PARSED_BODY, IMAGE_NOT_FOUND)),
};

export const permissionsSchema = {
  summary: "An image's grants",
  description: `Who the image is shared with, and how. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: ImageParams,
  response: answers(
    {
      200: Type.Array(PermissionView, {
        description: "The grants",
        examples: [[{ userId: "628387db1dc6fa1a0cd84c42", role: "write" }], []],
      }),
    },
    merge(AUTHENTICATED, IMAGE_NOT_FOUND),
  ),
};

const ROLE_REFUSED = [accountErrors.required("role"), accountErrors.badRole()];

export const grantSchema = {
  summary: "Share an image",
  description: `Gives another user \`read\` or \`write\` access to the image, at once. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: ImageParams,
  body: formBody(GrantForm),
  response: answers(
    { 201: created },
    merge(AUTHENTICATED, FORM, {
      404: [accountErrors.imageNotFound(), accountErrors.userNotFound()],
      409: [accountErrors.permissionExists()],
      422: [accountErrors.required("userId"), ...ROLE_REFUSED, accountErrors.shareWithOwner()],
    }),
  ),
};

const PERMISSION_NOT_FOUND = { 404: [accountErrors.imageNotFound(), accountErrors.permissionNotFound()] };

export const permissionSchema = {
  summary: "One grant",
  description: `The grant of one user on the image. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: PermissionParams,
  response: answers({ 200: PermissionView }, merge(AUTHENTICATED, PERMISSION_NOT_FOUND)),
};

export const changePermissionSchema = {
  summary: "Change a grant",
  description: `A new role for an existing grant, in effect at once. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: PermissionParams,
  body: formBody(RoleForm),
  response: answers(
    { 204: noContent },
    merge(AUTHENTICATED, FORM, PERMISSION_NOT_FOUND, { 422: ROLE_REFUSED }),
  ),
};

export const revokePermissionSchema = {
  summary: "Revoke a grant",
  description: `Ends a user's access to the image, at once. ${OWNER_ONLY}`,
  tags,
  security: SECURITY.bearer,
  params: PermissionParams,
  response: answers({ 204: noContent }, merge(AUTHENTICATED, PARSED_BODY, PERMISSION_NOT_FOUND)),
};

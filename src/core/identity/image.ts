/** What is known about an image's identity facts; null = not known, with the reason. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ImageFacts {
  image: string;
  /** The config `User` string ("" = no USER); null = unknown. */
  user: string | null;
  passwd: PasswdEntry[] | null;
  group: GroupEntry[] | null;
  /** Where the facts come from, or why they are unknown. */
  source: string;
}

export interface ImageUser {
  /** The user part (name or number). */
  user: string;
  /** The `:group` part, which Kubernetes ignores (k8s-identity §1.3). */
  group?: string;
  uid?: number;
}

/** Splits a config User the way containerd's getUserFromImage does: only the part before ":" is kept. */
export function parseImageUser(raw: string): ImageUser {
  const [user = '', ...rest] = raw.split(':');
  const out: ImageUser = { user };
  if (rest.length > 0) out.group = rest.join(':');
  if (/^\d+$/.test(user)) out.uid = Number(user);
  return out;
}

export function imageUnknown(image: string, reason: string): ImageFacts {
  return { image, user: null, passwd: null, group: null, source: reason };
}

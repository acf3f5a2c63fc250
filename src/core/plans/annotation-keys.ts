/** Where `annotate --scoped` records whom the privilege is meant for; explain checks it (VP018). */
export const scopedToKey = 'volsync-perms.io/scoped-to';

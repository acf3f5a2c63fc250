import { parseImageUser } from '../image.js';
import { rules, step, type LayerResult, type ResolveState } from './state.js';

/** The image layer: the config User (its `:group` part is ignored by Kubernetes, §1.3). */
export function resolveImageLayer(s: ResolveState): LayerResult<ResolveState> {
  const { image } = s.input;
  if (image.user === null)
    return {
      imageUser: null,
      steps: [step('image', 'User', null, `unknown: ${image.source}`, rules.uid)],
      unknowns: [
        {
          what: `config User of image ${image.image}`,
          reason: image.source,
          dependsOn: `--image-user ${image.image}=USER, or the image registry`,
        },
      ],
    };
  const imageUser = parseImageUser(image.user);
  if (image.user === '')
    return {
      imageUser,
      steps: [
        step(
          'image',
          'User',
          '',
          `no USER: the image runs as UID 0 unless runAsUser is set (${image.source})`,
          rules.uid,
        ),
      ],
    };
  const steps = [
    step('image', 'User', image.user, `USER ${image.user} (${image.source})`, rules.uid),
  ];
  if (imageUser.group === undefined) return { imageUser, steps };
  steps.push(
    step(
      'image',
      'User group',
      imageUser.group,
      `ignored: Kubernetes keeps only the user part of USER ${image.user}; the GID comes from runAsGroup, else /etc/passwd, else 0`,
      rules.image,
    ),
  );
  return { imageUser, imageGroupIgnored: imageUser.group, steps };
}

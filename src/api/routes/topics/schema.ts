import { z } from '@hono/zod-openapi';
import { ExternalId, TopicKey } from '../../../domain/client-ids';

export const MAX_MEMBERS_PER_CALL = 1000;

export const TopicSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string().nullable(),
    subscriberCount: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Topic');

export const CreateTopicBody = z
  .object({ key: TopicKey, name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .openapi('CreateTopicRequest');

export const TopicKeyParam = z.object({
  key: TopicKey.openapi({ param: { name: 'key', in: 'path' } }),
});

export const TopicMemberParam = TopicKeyParam.extend({
  subscriberId: ExternalId.openapi({
    param: { name: 'subscriberId', in: 'path' },
    description: "The tenant's own user id",
    example: 'user-42',
  }),
});

export const MembersBody = z
  .object({ subscribers: z.array(ExternalId).min(1).max(MAX_MEMBERS_PER_CALL) })
  .strict()
  .openapi('TopicMembersRequest');

export const AddedMembersSchema = z
  .object({
    added: z.number().int().openapi({ description: 'New members (already members are not counted)' }),
    unknown: z.array(z.string()).openapi({ description: 'Ids that are not subscribers of yours: not added' }),
  })
  .openapi('TopicMembersAdded');

export const presentTopic = (t: {
  id: string;
  key: string;
  name: string | null;
  createdAt: Date;
  subscriberCount: number;
}): z.infer<typeof TopicSchema> => ({
  id: t.id,
  key: t.key,
  name: t.name,
  subscriberCount: Number(t.subscriberCount),
  createdAt: t.createdAt.toISOString(),
});
